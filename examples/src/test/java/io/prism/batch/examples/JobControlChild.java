package io.prism.batch.examples;

import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.jobs.JobControl;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileWatchlistStore;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresRecordStore;
import java.time.Duration;
import java.util.List;

/**
 * The other JVM of {@link JobControlIT}: triggers a market scan through its own {@link
 * JobControl} (default poll interval) over the shared PostgreSQL job store, with L2 in the same
 * schema, prints {@code JOB <id>}, waits for the job's record to end and prints {@code END <id>
 * <status> processed=<n>}, then closes everything and returns, so the JVM exits by itself.
 *
 * <p>Arguments: PostgreSQL URL, user, password, schema (already migrated) and, optionally, the
 * number of stocks to scan (default {@link #STOCKS}).
 */
public final class JobControlChild {
  /** Stocks of the scan by default; with {@link #TYPES}, 1,000 keys of 50 ms at 2 workers: 25 s. */
  static final int STOCKS = 500;
  /** Data types of the scan. */
  static final List<String> TYPES = List.of(DataType.DAILY_QUOTES, DataType.FINANCIAL);

  private JobControlChild() {}

  /**
   * Runs the child.
   *
   * @param args URL, user, password, schema[, stocks]
   * @throws Exception on any failure; the parent sees the stack trace
   */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String password = args[2];
    String schema = args[3];
    int stocks = args.length > 4 ? Integer.parseInt(args[4]) : STOCKS;
    try (PostgresDataSource db = PostgresDataSource.builder().url(url).user(user)
            .password(password).maximumPoolSize(4).build();
        PostgresJobStore jobStore = PostgresJobStore.builder(db.jdbi()).schema(schema)
            .migrate(false).build();
        PostgresRecordStore l2 = PostgresRecordStore.builder(db.jdbi()).schema(schema)
            .migrate(false).build();
        CaffeineCacheTier l1 = CaffeineCacheTier.create();
        FileWatchlistStore lists = FileWatchlistStore.builder().buildInMemory();
        SyntheticMarketDataSource source = SyntheticMarketDataSource.builder()
            .stockCount(stocks).latency(Duration.ofMillis(50)).build()) {
      TieredDataPath path = TieredDataPath.builder().cache(l1).store(l2).source(source).build();
      WarmJobs jobs = WarmJobs.builder().dataPath(path).cache(l1).store(l2).watchlists(lists)
          .jobs(jobStore).parallelism(2).batchSize(1).build();
      try (JobControl control = JobControl.builder().jobs(jobStore)
          .register(WarmJobs.MARKET_SCAN,
              () -> jobs.marketScan(source.stockCodes(), TYPES, WarmJobs.MANUAL))
          .build()) {
        long id = control.trigger(WarmJobs.MARKET_SCAN);
        System.out.println("JOB " + id);
        System.out.flush();
        JobRecord end = control.awaitFinished(id, Duration.ofMinutes(3)).orElseThrow(() ->
            new IllegalStateException("job " + id + " still running after 3 minutes"));
        System.out.println("END " + id + " " + end.status() + " processed="
            + end.processedCount());
        System.out.flush();
      }
    }
  }
}
