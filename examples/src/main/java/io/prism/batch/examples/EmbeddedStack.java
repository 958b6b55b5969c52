package io.prism.batch.examples;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.RateLimit;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.jobs.ChangeFeed;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.core.rag.FileVersionStore;
import io.prism.batch.core.rag.InMemoryVectorStore;
import io.prism.batch.core.source.ReplayMarketDataSource;
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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The nightly main's embedded stack, no servers: the replayed AKShare source behind a rate limit
 * (at most 20 calls a second, 2 at a time), Caffeine as L1, the file record, watchlist and job
 * stores under a data directory as L2, the read path over them, whose changes the RAG sync
 * takes, and the warm jobs with live progress. Closing it closes the stores.
 *
 * @param data the data directory
 * @param out where the warm jobs and the RAG sync print
 * @param changed the keys the read path reported changed, for the next RAG sync
 * @param l1 the cache
 * @param l2 the record store
 * @param lists the watchlist store
 * @param jobStore the job store
 * @param path the read path
 * @param jobs the warm jobs
 */
record EmbeddedStack(Path data, PrintStream out, NightlyFlow.ChangedKeys changed,
    CaffeineCacheTier l1, FileRecordStore l2, FileWatchlistStore lists, FileJobStore jobStore,
    TieredDataPath path, WarmJobs jobs) implements AutoCloseable {
  private static final String MARKER = ".prism-nightly";

  /** Opens the stores under {@code data}; the source answers after {@code latency}. */
  static EmbeddedStack open(Path data, Duration latency, PrintStream out) {
    ReplayMarketDataSource replay = ReplayMarketDataSource.builder().latency(latency).build();
    RateLimiters limits = RateLimiters.builder()
        .limit(replay.name(), RateLimit.builder().requestsPerMinute(1_200).maxConcurrent(2).build())
        .build();
    NightlyFlow.ChangedKeys changed = new NightlyFlow.ChangedKeys();
    ChangeFeed changes = new ChangeFeed();
    changes.subscribe(changed); // the RAG sync takes these keys after the warm
    CaffeineCacheTier l1 = CaffeineCacheTier.create();
    FileRecordStore l2 = null;
    FileWatchlistStore lists = null;
    FileJobStore jobStore;
    try {
      l2 = FileRecordStore.builder().directory(data).build();
      lists = FileWatchlistStore.builder().directory(data).build();
      jobStore = FileJobStore.builder().directory(data).build();
    } catch (RuntimeException e) {
      try (CaffeineCacheTier c = l1; FileRecordStore r = l2; FileWatchlistStore w = lists) {
        throw e; // after closing those opened
      }
    }
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
    return new EmbeddedStack(data, out, changed, l1, l2, lists, jobStore, path, jobs);
  }

  /**
   * Recreates the nightly main's own data directory; refuses a directory it did not make.
   *
   * @throws IllegalStateException if {@code dir} exists and was not made here
   */
  static Path freshDataDirectory(Path dir) {
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

  /**
   * Opens the RAG index under the data directory (the bundled ONNX embedder, the in-process
   * vector index, the file version ledger), syncs the records the warms changed since the last
   * sync and those of {@code watched} stored but never indexed, reconciles the index with the
   * ledger, hands the index to {@code then} and closes it. One sync at a time: the index locks
   * its directory while open.
   */
  synchronized void syncRag(NightlyFlow flow, List<DataKey> watched, Consumer<RagIndex> then) {
    try (OnnxEmbedder embedder = OnnxEmbedder.builder().build();
        InMemoryVectorStore vectors = InMemoryVectorStore.builder().directory(data).build();
        FileVersionStore versions = FileVersionStore.builder().directory(data).build()) {
      RagIndex rag = new RagIndex(embedder, vectors, versions, CollectionNames.defaults());
      out.println("embedder " + embedder.modelId() + " (" + embedder.dimension() + " dims, "
          + embedder.threads() + " threads); vectors under " + data.resolve(
              InMemoryVectorStore.SUBDIRECTORY) + ", versions under " + data.resolve(
              FileVersionStore.SUBDIRECTORY));
      flow.ragSync(rag.syncProcessor(l2), flow.ragKeys(changed, watched, l2, versions));
      flow.reconcile(rag.reconciler());
      then.accept(rag);
    }
  }

  @Override
  public void close() {
    try (l1; l2; lists; jobStore) {
      // closes them, the last first
    }
  }
}
