package io.prism.batch.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchListener;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.TaskFailure;
import io.prism.batch.api.TaskState;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.api.data.WatchlistUsage;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.data.ReadStats;
import io.prism.batch.core.data.RecordChange;
import io.prism.batch.core.data.Tier;
import io.prism.batch.core.data.TierStats;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WatchlistRead;
import io.prism.batch.core.jobs.WatchlistReader;
import io.prism.batch.core.rag.QuestionAnalysis;
import io.prism.batch.core.rag.RagHit;
import io.prism.batch.core.rag.RagQuery;
import io.prism.batch.core.rag.RagSyncProcessor;
import io.prism.batch.core.rag.ReconcileReport;
import io.prism.batch.core.rag.Reconciler;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The steps the nightly-job mains share: the seed's test watchlists, reads through them, the
 * per-tier table, the job records and the run reports, and the RAG sync of the changed records
 * with questions answered from the index. Printing only; the mains wire the tiers and the stores.
 */
final class NightlyFlow {
  /** The seed's test stocks: 平安银行, 贵州茅台, a STAR-market stock, 江苏银行, a ChiNext stock. */
  static final List<String> SEED_STOCKS = List.of("000001", "600519", "688469", "600919", "300059");
  /** The seed's test user. */
  static final String USER = "test_user_001";
  /** The seed's priority scenario: two stocks, priority 5, financial and announcements. */
  static final String PRIORITY_LIST = "自选股优先批处理测试";
  /** The seed's test pool: the five stocks, every data type. */
  static final String POOL_LIST = "测试股票池";

  private final PrintStream out;
  private final Path reports;
  private final List<JobResult> results = new ArrayList<>();

  NightlyFlow(PrintStream out, Path reports) {
    this.out = out;
    this.reports = reports;
  }

  /** Creates the seed's two test watchlists, or updates them when they exist already. */
  List<Watchlist> seedWatchlists(WatchlistStore lists) {
    Watchlist priority = ensure(lists, Watchlist.builder(USER, PRIORITY_LIST)
        .description("seed scenario: 自选股优先批处理测试").priority(5)
        .codes(List.of("000001", "600519"))
        .dataTypes(List.of(DataType.FINANCIAL, DataType.ANNOUNCEMENTS)));
    Watchlist pool = ensure(lists, Watchlist.builder(USER, POOL_LIST)
        .description("seed test pool, all six data types").priority(3)
        .codes(SEED_STOCKS).dataTypes(DataTypes.defaults().names()));
    for (Watchlist w : List.of(priority, pool)) {
      out.printf(Locale.ROOT, "watchlist %d %s: priority %d, %d stocks x %d types %s%n", w.id(),
          w.name(), w.priority(), w.stocks().size(), w.dataTypes().size(), w.dataTypes());
    }
    return List.of(priority, pool);
  }

  private static Watchlist ensure(WatchlistStore lists, Watchlist.Builder wanted) {
    Watchlist w = wanted.build();
    Optional<Watchlist> existing = lists.listByUser(USER).stream()
        .filter(x -> x.name().equals(w.name())).findFirst();
    return existing.isPresent()
        ? lists.update(wanted.id(existing.get().id()).build())
        : lists.create(w);
  }

  /** Every (stock, type) of the lists. */
  static List<DataKey> keysOf(List<Watchlist> lists) {
    List<DataKey> keys = new ArrayList<>();
    for (Watchlist w : lists) {
      for (StockCode s : w.stocks()) {
        for (String t : w.dataTypes()) {
          DataKey k = new DataKey(s.code(), t);
          if (!keys.contains(k)) {
            keys.add(k);
          }
        }
      }
    }
    return keys;
  }

  void section(String title) {
    out.println();
    out.println("== " + title);
  }

  /** Reads a whole list through the reader and prints where the reads were served from. */
  WatchlistRead read(WatchlistReader reader, Watchlist w, String why) {
    WatchlistRead r = reader.readAll(w.id());
    double meanMs = r.results().stream().mapToLong(x -> x.latency().toNanos()).average().orElse(0) / 1e6;
    out.printf(Locale.ROOT, "%-34s %-14s %2d reads: L1 %2d  L2 %2d  L3 %2d  not found %d  failed %d"
            + "  hit rate %5.1f%%  mean %.3f ms%n",
        why, w.name(), r.results().size() + r.failed().size(), r.served(Tier.L1), r.served(Tier.L2),
        r.served(Tier.L3), r.served(Tier.NONE), r.failed().size(), r.cacheHitRate() * 100, meanMs);
    return r;
  }

  /** Prints a job's record and counts and keeps it for the reports. */
  void job(JobResult r) {
    keep(r);
    JobRecord j = r.job();
    out.printf(Locale.ROOT, "job %d %s [%s]: %s, priority %d, processed %d, success %d, failed %d,"
            + " retries %d, %.2f s%n",
        j.id(), j.jobType(), j.jobCategory(), j.status(), j.priority(), j.processedCount(),
        j.successCount(), j.failedCount(), j.retryCount(), r.batch().duration().toMillis() / 1000.0);
    out.println("  counts " + r.counts());
    j.errorMessage().ifPresent(e -> out.println("  error  " + e));
  }

  /** Prints hits, misses, hit rate and latency per tier, and the seed's targets. */
  void tierTable(ReadStats stats) {
    out.println("tier        hits  misses  hit rate    mean ms     p50 ms     p95 ms     max ms");
    for (TierStats t : stats.snapshot()) {
      String name = t.tier() == Tier.NONE ? "not found" : t.tier().name();
      out.printf(Locale.ROOT, "%-9s %6d  %6d  %7.1f%%  %9.3f  %9.3f  %9.3f  %9.3f%n", name,
          t.hits(), t.misses(), t.hitRate() * 100, t.meanMicros() / 1000, t.p50Micros() / 1000,
          t.p95Micros() / 1000, t.maxMicros() / 1000);
    }
    TierStats l1 = stats.of(Tier.L1);
    TierStats l2 = stats.of(Tier.L2);
    TierStats l3 = stats.of(Tier.L3);
    double cachedP95 = Math.max(l1.p95Micros(), l2.p95Micros()) / 1000;
    out.printf(Locale.ROOT, "cache hit rate (L1+L2 of all reads): %.1f%%  (seed target 80%%+)%n",
        stats.cacheHitRate() * 100);
    out.printf(Locale.ROOT, "cached reads p95 %.3f ms (seed target < 500 ms)", cachedP95);
    if (l3.hits() > 0) {
      out.printf(Locale.ROOT, "; source reads mean %.3f ms: cached reads are %.0fx faster",
          l3.meanMicros() / 1000, l3.meanMicros() / Math.max(0.001, Math.max(l1.meanMicros(), l2.meanMicros())));
    }
    out.println();
  }

  /** Prints each list's usage statistics of today (Shanghai time). */
  void usage(WatchlistStore lists, List<Watchlist> watched) {
    LocalDate today = LocalDate.now(FreshnessPolicy.SHANGHAI);
    for (Watchlist w : watched) {
      Optional<WatchlistUsage> u = lists.usage(w.id(), today);
      u.ifPresent(x -> out.printf(Locale.ROOT,
          "usage of %-14s on %s: %d accesses, avg response %.3f ms, cache hit rate %.1f%%%n",
          w.name(), today, x.accessCount(), x.avgResponseMillis(), x.cacheHitRate() * 100));
    }
  }

  /** Prints the latest job records, as the seed's batch_jobs table holds them. */
  void jobTable(JobStore jobs) {
    out.println("  id  type            category   status     prio  processed  success  failed  retries");
    for (JobRecord j : jobs.recent(Optional.empty(), 8)) {
      out.printf(Locale.ROOT, "%4d  %-15s %-10s %-10s %4d  %9d  %7d  %6d  %7d%n", j.id(),
          j.jobType(), j.jobCategory(), j.status(), j.priority(), j.processedCount(),
          j.successCount(), j.failedCount(), j.retryCount());
    }
  }

  /** Keeps a job's result for the next {@link #writeReports}. Thread-safe. */
  void keep(JobResult r) {
    synchronized (results) {
      results.add(r);
    }
  }

  /** Writes the run report of every job kept since the last call and prints where. */
  void writeReports() {
    List<JobResult> kept;
    synchronized (results) {
      kept = List.copyOf(results);
      results.clear();
    }
    if (kept.isEmpty()) {
      out.println("no job finished since the last reports");
    }
    for (JobResult r : kept) {
      List<Path> files = r.report().writeAll(reports);
      out.println("report of " + r.job().jobType() + " job " + r.job().id() + ": "
          + files.get(0).toAbsolutePath().normalize() + " (+ .json, .html)");
    }
  }

  /** The durations of the seed's targets, as a reminder in the output. */
  static String seedTargets() {
    return "seed targets: cache hit rate 80%+, cached reads < 0.5 s against a 5 s cold read, "
        + "1,000+ stocks per hour";
  }

  /** Clears L1 of the keys, so the next reads come from L2. */
  void clearL1(CacheTier cache, List<DataKey> keys) {
    cache.invalidate(keys);
    out.println("cleared " + keys.size() + " keys from L1 (" + cache.name() + ")");
  }

  /** Deletes the keys from L1 and L2, so the next reads go to the source. */
  void forget(CacheTier cache, RecordStore store, List<DataKey> keys) {
    cache.invalidate(keys);
    int n = store.deleteAll(keys);
    out.println("--fresh: deleted " + n + " stored records and their L1 entries");
  }

  // ------------------------------------------------------------------ RAG sync

  /**
   * The keys the RAG sync takes: those the change feed announced, then any watched key with a
   * stored record that the ledger has never indexed (warmed by a run before the index was wired,
   * or whose last sync failed). Prints the two counts.
   */
  List<DataKey> ragKeys(ChangedKeys changed, List<DataKey> watched, RecordStore store,
      VersionStore versions) {
    List<DataKey> fromFeed = changed.drain();
    Set<DataKey> keys = new LinkedHashSet<>(fromFeed);
    int catchUp = 0;
    for (DataKey k : watched) {
      if (!keys.contains(k) && versions.active(k).isEmpty() && store.get(k).isPresent()) {
        keys.add(k);
        catchUp++;
      }
    }
    out.printf(Locale.ROOT, "%d records changed (from the change feed), %d stored but not yet "
        + "indexed%n", fromFeed.size(), catchUp);
    return List.copyOf(keys);
  }

  /**
   * Runs one {@code rag_sync} task per key on an engine, with live progress, and prints per data
   * type what the tasks did: records synced or unchanged, chunks, texts embedded.
   *
   * @return the engine's result, or empty when there was nothing to sync
   */
  Optional<BatchResult> ragSync(RagSyncProcessor sync, List<DataKey> keys) {
    if (keys.isEmpty()) {
      out.println("rag_sync: nothing to sync; the index is up to date");
      return Optional.empty();
    }
    SyncTally tally = new SyncTally();
    BatchResult result;
    try (BatchEngine engine = BatchEngine.builder()
        .processor(sync)
        .parallelism(1) // the embedder spreads each call over every core itself
        .progressInterval(Duration.ofMillis(200))
        .listener(new ConsoleProgress(out))
        .listener(tally)
        .build()) {
      result = engine.run(keys.stream().map(RagSyncProcessor::task).toList());
    }
    tally.awaitCompleted();
    double seconds = result.duration().toMillis() / 1000.0;
    out.printf(Locale.ROOT, "rag_sync: %d tasks, %s: %d synced, %d unchanged (skipped), %d failed"
            + " in %.2f s; %d texts embedded (%.1f per second)%n",
        result.total(), result.status(), tally.synced(), result.skipped(),
        result.count(TaskState.FAILED), seconds, tally.embedded(),
        tally.embedded() / Math.max(0.001, seconds));
    if (!tally.byType.isEmpty()) {
      out.println("  type              synced  chunks  embedded  reused");
      tally.byType.forEach((type, n) -> out.printf(Locale.ROOT, "  %-16s %7d %7d %9d %7d%n",
          type, n[0], n[1], n[2], n[3]));
    }
    for (TaskFailure f : result.failures()) {
      out.println("  failed after " + f.attempts() + " attempts (" + f.errorClass() + "): "
          + f.message());
    }
    return Optional.of(result);
  }

  /** Compares the vector store with the ledger, repairs what differs and prints the report. */
  ReconcileReport reconcile(Reconciler reconciler) {
    ReconcileReport r = reconciler.repair();
    int stored = r.collections().stream().mapToInt(ReconcileReport.CollectionReport::stored).sum();
    int expected =
        r.collections().stream().mapToInt(ReconcileReport.CollectionReport::expected).sum();
    out.printf(Locale.ROOT, "reconcile: %d vectors stored in %d collections, %d expected by "
            + "active versions; missing %d, orphaned %d, repaired %d, removed %d (%s)%n",
        stored, r.collections().size(), expected, r.missing(), r.orphaned(), r.repaired(),
        r.removed(), r.consistent() ? "consistent" : "repaired");
    return r;
  }

  /** Asks each question and prints the chunks found: stock, type, version, score and text. */
  void ask(RagQuery query, List<String> questions) {
    for (String q : questions) {
      long start = System.nanoTime();
      List<RagHit> hits = query.search(q);
      double ms = (System.nanoTime() - start) / 1e6;
      QuestionAnalysis a = query.analyze(q);
      out.printf(Locale.ROOT, "Q: %s   (names stocks %s, types %s; %d chunks, %.0f ms)%n", q,
          a.stockCodes(), a.dataTypes(), hits.size(), ms);
      if (hits.isEmpty()) {
        out.println("   no chunk above the similarity threshold");
      }
      for (int i = 0; i < hits.size(); i++) {
        RagHit h = hits.get(i);
        out.printf(Locale.ROOT, "  %d. %s %-12s version %s  chunk %d  score %.3f (similarity "
                + "%.3f)%n     %s%n", i + 1, h.stockCode(), h.dataType(),
            h.versionId().substring(0, Math.min(8, h.versionId().length())), h.chunkIndex(),
            h.score(), h.similarity(), excerpt(h.text(), 110));
      }
    }
  }

  /** The text on one line, cut to {@code max} characters. */
  static String excerpt(String text, int max) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }

  /**
   * Collects the keys of the records the read path reports as changed, for the RAG sync after the
   * warm. Subscribe it to the {@link io.prism.batch.core.jobs.ChangeFeed}; it only records the key,
   * so the warm's workers are not held up. Thread-safe.
   */
  static final class ChangedKeys implements Consumer<RecordChange> {
    private final Set<DataKey> keys = new LinkedHashSet<>();
    private final AtomicLong events = new AtomicLong();

    @Override
    public void accept(RecordChange change) {
      events.incrementAndGet();
      synchronized (keys) {
        keys.add(change.record().key());
      }
    }

    /** Change events received so far. */
    long events() {
      return events.get();
    }

    /** The distinct keys received since the last drain, in arrival order; forgets them. */
    List<DataKey> drain() {
      synchronized (keys) {
        List<DataKey> out = List.copyOf(keys);
        keys.clear();
        return out;
      }
    }
  }

  /** Adds up the sync results the engine reports, per data type. */
  private static final class SyncTally implements BatchListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** type → synced, chunks, embedded, reused. */
    final Map<String, long[]> byType = new TreeMap<>();
    private final CountDownLatch completed = new CountDownLatch(1);

    @Override
    public void onEvent(BatchEvent event) {
      if (event instanceof BatchEvent.Result r && !r.skipped()) {
        try {
          JsonNode j = JSON.readTree(r.output());
          if ("synced".equals(j.path("status").asText())) {
            String type = j.path("key").asText().replaceFirst("^[^:]*:", "");
            synchronized (byType) {
              long[] n = byType.computeIfAbsent(type, t -> new long[4]);
              n[0]++;
              n[1] += j.path("chunks").asLong();
              n[2] += j.path("embedded").asLong();
              n[3] += j.path("reused").asLong();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("unreadable rag_sync output " + r.output(), e);
        }
      } else if (event instanceof BatchEvent.Completed) {
        completed.countDown();
      }
    }

    void awaitCompleted() {
      try {
        if (!completed.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the engine sent no completed event within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for the engine's events", e);
      }
    }

    long synced() {
      synchronized (byType) {
        return byType.values().stream().mapToLong(n -> n[0]).sum();
      }
    }

    long embedded() {
      synchronized (byType) {
        return byType.values().stream().mapToLong(n -> n[2]).sum();
      }
    }
  }
}
