package io.prism.batch.examples;

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
import io.prism.batch.core.data.ReadStats;
import io.prism.batch.core.data.Tier;
import io.prism.batch.core.data.TierStats;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WatchlistRead;
import io.prism.batch.core.jobs.WatchlistReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The steps the nightly-job mains share: the seed's test watchlists, reads through them, the
 * per-tier table, the job records and the run reports. Printing only; the mains wire the tiers.
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
    results.add(r);
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

  /** Writes the run report of every job of this run and prints where. */
  void writeReports() {
    for (JobResult r : results) {
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
}
