package io.prism.batch.examples;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.RateLimit;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.jobs.WatchlistReader;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileJobStore;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.core.store.FileWatchlistStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The nightly job on embedded defaults, no servers: warms the seed's test watchlists (000001,
 * 600519, 688469, 600919, 300059; all six data types) from the replayed real AKShare data into
 * Caffeine (L1) and the file record store (L2) under a work directory, with live progress; reads
 * everything back — once with L1 cleared so L2 serves, once from L1 — and prints hits, misses, hit
 * rate and latency per tier; cleans the cache; then runs a {@code market_scan} of 1,000 synthetic
 * stocks (1,000 tasks on the engine) and writes every job's run report. It ends with the RAG
 * sync of every record the warm changed — {@code rag_sync} tasks on the engine, fed by the warm's
 * change feed: render, chunk, embed with the bundled bge-small-zh-v1.5 model on ONNX Runtime
 * (offline), upsert into the in-process vector index, activate in the file version ledger, both
 * under the work directory — then reconciles the index with the ledger and answers a few Chinese
 * questions from it, printing the chunks found (stock, type, version, score, text).
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -pl examples -am package -DskipTests exec:java
 * mvn -q -pl examples -am package -DskipTests exec:java -Dexec.args="/tmp/nightly 200"
 * </pre>
 *
 * <p>Arguments, all optional: the work directory (default {@code target/prism-nightly}; its
 * {@code data} directory is recreated on every run) and the simulated latency of the replayed
 * source in milliseconds (default 50), which stands in for AKShare's seconds-long cold reads.
 *
 * <p><b>Schedule mode.</b> With {@code --schedules} it runs the seed's schedules instead, on the
 * same embedded stack, with the library's {@code LocalScheduler}: it creates the seed's test
 * watchlists, prints each schedule with its next 3 fire times in its zone, then each fire and
 * the result of its job as it happens, until {@code --for} is up or Ctrl-C; stopping cancels the
 * jobs still running and closes everything. What each schedule runs:
 *
 * <ul>
 *   <li>{@code priority_batches.level_N} (00:30 to 02:30) warms the active auto-batch watchlists
 *       of priority N, one job each;
 *   <li>{@code maintenance_tasks.cache_cleanup} cleans the cache;
 *   <li>{@code maintenance_tasks.performance_report} writes the run reports (Markdown, JSON,
 *       HTML, under {@code workDir/reports}) of the jobs finished since the last reports, and
 *       rolls the job metrics of its day and the day before up into the job store;
 *   <li>{@code maintenance_tasks.rag_optimization} syncs the records the warms changed into the
 *       RAG index (ONNX embedder, under the data directory) and reconciles it with its ledger;
 *   <li>{@code market_tasks.*} (trading days) scan the watched stocks, every data type.
 * </ul>
 *
 * <pre>
 * mvn -q -pl examples -am package -DskipTests exec:java -Dexec.args="--schedules"
 * mvn -q -pl examples -am package -DskipTests exec:java \
 *     -Dexec.args="--schedules --fire-now=priority_batches.level_5 --for=PT30S"
 * mvn -q -pl examples -am package -DskipTests exec:java \
 *     -Dexec.args="target/sched 10 --schedules --config=my-schedules.yaml --for=PT8H"
 * </pre>
 *
 * <p>{@code --fire-now=priority_batches.level_5,maintenance_tasks.rag_optimization} warms the
 * priority list and then indexes what the warm changed; add {@code
 * ,maintenance_tasks.performance_report} to write the warm's run report after them.
 *
 * <p>Options of the schedule mode, after or between the positional arguments:
 *
 * <table>
 *   <caption>schedule mode</caption>
 *   <tr><th>option</th><th>meaning</th></tr>
 *   <tr><td>{@code --schedules}</td><td>run the schedules instead of the job once</td></tr>
 *   <tr><td>{@code --for=DURATION}</td><td>stop after this long, ISO-8601 ({@code PT30S},
 *       {@code PT2M}, {@code PT8H}); default: run until Ctrl-C or an interrupt</td></tr>
 *   <tr><td>{@code --fire-now=NAME[,NAME...]}</td><td>fire these schedules at once through the
 *       scheduler's fire-now, in the order given, each after the one before has ended</td></tr>
 *   <tr><td>{@code --config=FILE}</td><td>the schedules, YAML as read by {@code
 *       ScheduleConfigLoader}; default the bundled example, the seed's schedules</td></tr>
 * </table>
 *
 * <p>{@code --help} prints the usage. An unknown option or a bad value (a duration that does not
 * parse, a schedule name the configuration does not have) prints what is wrong, naming the
 * option and the value, and exits with status 2 before anything is written.
 */
public final class NightlyJobMain {
  private static final int SCAN_STOCKS = 1_000;

  private NightlyJobMain() {}

  /**
   * Runs the nightly job, or its schedules; exits with status 2 on bad arguments.
   *
   * @param args the work directory and the source latency in ms, both optional, and the options
   *     of the class comment
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the nightly job, or its schedules, as {@link #main} does, without exiting.
   *
   * @param args as for {@link #main}
   * @param out where the run prints
   * @param err where bad arguments are reported
   * @return 0, or 2 for bad arguments (nothing was written then)
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    NightlyOptions options;
    try {
      options = NightlyOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("NightlyJobMain: " + e.getMessage());
      err.println(NightlyOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(NightlyOptions.USAGE);
    } else if (options.scheduleMode()) {
      new NightlySchedules(options, out).run();
    } else {
      nightly(options.work(), options.latency(), out);
    }
    return 0;
  }

  private static void nightly(Path work, Duration latency, PrintStream out) {
    Path data = EmbeddedStack.freshDataDirectory(work.resolve("data"));
    NightlyFlow flow = new NightlyFlow(out, work.resolve("reports"));
    out.println("Prism Batch nightly job on embedded defaults; data under " + data.toAbsolutePath().normalize());
    out.println(NightlyFlow.seedTargets());

    try (EmbeddedStack stack = EmbeddedStack.open(data, latency, out)) {
      CaffeineCacheTier l1 = stack.l1();
      TieredDataPath path = stack.path();
      WarmJobs jobs = stack.jobs();
      FileWatchlistStore lists = stack.lists();
      FileJobStore jobStore = stack.jobStore();
      WatchlistReader reader = new WatchlistReader(path, lists);

      flow.section("watchlists (" + NightlyFlow.USER + ")");
      List<Watchlist> watched = flow.seedWatchlists(lists);
      Watchlist priority = watched.get(0);
      Watchlist pool = watched.get(1);

      flow.section("before the warm: a user opens the priority list (cold, from the source)");
      flow.read(reader, priority, "cold read");

      flow.section("watchlist_warm: every active auto-batch list, priority 5 first, deduplicated");
      out.println("plan: " + jobs.planWatchlistWarm().size() + " keys");
      flow.job(jobs.watchlistWarm());
      out.println("  change events for the RAG sync: " + stack.changed().events());

      flow.section("read back");
      List<DataKey> keys = NightlyFlow.keysOf(watched);
      flow.clearL1(l1, keys);
      flow.read(reader, pool, "L1 cleared, L2 serves and refills");
      flow.read(reader, pool, "again, L1 serves");
      flow.read(reader, priority, "the priority list, L1 serves");

      flow.section("hits, misses and latency per tier (source: " + latency.toMillis()
          + " ms latency, at most 20 calls/s)");
      flow.tierTable(path.stats());
      flow.usage(lists, watched);

      flow.section("cache_clean: expired (30 days) and orphaned records");
      flow.job(jobs.cacheClean());

      flow.section("market_scan: " + SCAN_STOCKS + " synthetic stocks, priority 1, " + SCAN_STOCKS
          + " tasks on the engine");
      JobResult scan = scan(jobStore, lists, data, out);
      flow.job(scan);
      double hours = Math.max(1e-9, scan.batch().duration().toNanos() / 3.6e12);
      out.printf(Locale.ROOT, "  throughput %.0f stocks per hour (seed target 1,000+)%n",
          scan.job().successCount() / hours);

      flow.section("job records (batch_jobs)");
      flow.jobTable(jobStore);
      flow.section("run reports");
      flow.writeReports();

      flow.section("rag_sync: the changed records -> render, chunk, embed (ONNX), upsert, "
          + "activate");
      stack.syncRag(flow, keys, rag -> {
        flow.section("questions, answered from active versions only (similarity >= "
            + RagIndex.QUERY_THRESHOLD + ", hybrid score 0.7 similarity + 0.3 metadata match)");
        flow.ask(rag.query(), RagIndex.QUESTIONS);
      });
    }
  }

  /** Scans synthetic stocks through a read path of their own, beside the real data. */
  private static JobResult scan(FileJobStore jobStore, FileWatchlistStore lists, Path data,
      PrintStream out) {
    SyntheticMarketDataSource synthetic = SyntheticMarketDataSource.builder()
        .stockCount(SCAN_STOCKS).latency(Duration.ofMillis(2)).build();
    RateLimiters limits = RateLimiters.builder()
        .limit(synthetic.name(), RateLimit.builder().maxConcurrent(4).build()).build();
    try (CaffeineCacheTier l1 = CaffeineCacheTier.create();
        FileRecordStore l2 = FileRecordStore.builder().directory(data.resolve("scan")).build()) {
      TieredDataPath path = TieredDataPath.builder()
          .cache(l1).store(l2).source(synthetic).rateLimiters(limits).build();
      WarmJobs jobs = WarmJobs.builder()
          .dataPath(path).cache(l1).store(l2).watchlists(lists).jobs(jobStore)
          .parallelism(4).batchSize(20)
          .journal(data.resolve("journal"))
          .progressInterval(Duration.ofMillis(200))
          .listener(new ConsoleProgress(out))
          .build();
      return jobs.marketScan(synthetic.stockCodes(), List.of(DataType.DAILY_QUOTES));
    }
  }
}
