package io.prism.batch.examples;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.RateLimit;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.jobs.ChangeFeed;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.jobs.WatchlistReader;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.core.rag.FileVersionStore;
import io.prism.batch.core.rag.InMemoryVectorStore;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileJobStore;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.core.store.FileWatchlistStore;
import io.prism.batch.onnx.OnnxEmbedder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

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
 */
public final class NightlyJobMain {
  private static final String MARKER = ".prism-nightly";
  private static final int SCAN_STOCKS = 1_000;

  private NightlyJobMain() {}

  /**
   * Runs the nightly job.
   *
   * @param args the work directory and the source latency in ms, both optional
   */
  public static void main(String[] args) {
    Path work = Path.of(args.length > 0 ? args[0] : "target/prism-nightly");
    Duration latency = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 50);
    Path data = freshDataDirectory(work.resolve("data"));
    PrintStream out = System.out;
    NightlyFlow flow = new NightlyFlow(out, work.resolve("reports"));
    out.println("Prism Batch nightly job on embedded defaults; data under " + data.toAbsolutePath().normalize());
    out.println(NightlyFlow.seedTargets());

    ReplayMarketDataSource replay = ReplayMarketDataSource.builder().latency(latency).build();
    RateLimiters limits = RateLimiters.builder()
        .limit(replay.name(), RateLimit.builder().requestsPerMinute(1_200).maxConcurrent(2).build())
        .build();
    ChangeFeed changes = new ChangeFeed();
    NightlyFlow.ChangedKeys changed = new NightlyFlow.ChangedKeys();
    changes.subscribe(changed); // the RAG sync takes these keys after the warm

    try (CaffeineCacheTier l1 = CaffeineCacheTier.create();
        FileRecordStore l2 = FileRecordStore.builder().directory(data).build();
        FileWatchlistStore lists = FileWatchlistStore.builder().directory(data).build();
        FileJobStore jobStore = FileJobStore.builder().directory(data).build()) {
      TieredDataPath path = TieredDataPath.builder()
          .cache(l1).store(l2).source(replay).rateLimiters(limits).onChange(changes).build();
      WarmJobs jobs = WarmJobs.builder()
          .dataPath(path).cache(l1).store(l2).watchlists(lists).jobs(jobStore)
          .parallelism(2)
          .batchSize(20) // the seed's max_stocks_per_batch
          .journal(data.resolve("journal"))
          .rateLimiters(limits, replay.name())
          .progressInterval(Duration.ofMillis(200))
          .listener(new ConsoleProgress(out))
          .build();
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
      out.println("  change events for the RAG sync: " + changed.events());

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
      try (OnnxEmbedder embedder = OnnxEmbedder.builder().build();
          InMemoryVectorStore vectors = InMemoryVectorStore.builder().directory(data).build();
          FileVersionStore versions = FileVersionStore.builder().directory(data).build()) {
        RagIndex rag = new RagIndex(embedder, vectors, versions, CollectionNames.defaults());
        out.println("embedder " + embedder.modelId() + " (" + embedder.dimension() + " dims, "
            + embedder.threads() + " threads); vectors under " + data.resolve(
                InMemoryVectorStore.SUBDIRECTORY) + ", versions under " + data.resolve(
                FileVersionStore.SUBDIRECTORY));
        flow.ragSync(rag.syncProcessor(l2), flow.ragKeys(changed, keys, l2, versions));
        flow.reconcile(rag.reconciler());

        flow.section("questions, answered from active versions only (similarity >= "
            + RagIndex.QUERY_THRESHOLD + ", hybrid score 0.7 similarity + 0.3 metadata match)");
        flow.ask(rag.query(), RagIndex.QUESTIONS);
      }
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

  /** Recreates the demo's own data directory; refuses a directory it did not make. */
  private static Path freshDataDirectory(Path dir) {
    try {
      if (Files.exists(dir)) {
        if (!Files.exists(dir.resolve(MARKER))) {
          throw new IllegalStateException(dir.toAbsolutePath() + " exists and was not made by "
              + "this example; pick another work directory");
        }
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
      Files.createFile(dir.resolve(MARKER));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }
}
