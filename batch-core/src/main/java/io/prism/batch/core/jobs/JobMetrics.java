package io.prism.batch.core.jobs;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.core.data.ReadStats;
import io.prism.batch.core.data.Tier;
import io.prism.batch.core.data.TierStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The seed's daily performance metrics of jobs ({@code batch_performance_metrics}), computed
 * from the jobs that finished on a day.
 *
 * <p>A job belongs to a day when its status is final ({@code success}, {@code failed} or {@code
 * cancelled}) and its end time falls in that calendar day of the zone, from the start of the day
 * (inclusive) to the start of the next (exclusive); the default zone is Shanghai. For every job
 * type with such jobs, and for all of them together (category {@value DailyMetric#ALL_JOB_TYPES},
 * written even for a day without jobs), {@link #compute} gives:
 *
 * <table>
 *   <caption>the metrics of one category</caption>
 *   <tr><th>metric type</th><th>value</th><th>additional data</th></tr>
 *   <tr><td>{@value DailyMetric#JOB_COUNT}</td><td>the finished jobs</td>
 *       <td rowspan="2">{@code {"failed": f, "success": s, "cancelled": c, "processed": p}}: jobs
 *       per final status, and the items the jobs processed</td></tr>
 *   <tr><td>{@value DailyMetric#SUCCESS_RATE}</td><td>{@code s / (s + f + c)}, 0 to 1: a
 *       cancelled job counts as not successful, since the work it was started for was not
 *       done</td></tr>
 *   <tr><td>{@value DailyMetric#AVG_DURATION}</td><td>the mean of end minus start time, in
 *       seconds, over the jobs with a start time (not after the end); left out when none has
 *       one</td>
 *       <td>{@code {"jobs": n, "max_seconds": a, "min_seconds": b}}</td></tr>
 * </table>
 *
 * <p>Values are rounded half up to 6 decimal places. The additional data is written the way
 * PostgreSQL's {@code jsonb} prints it, so it reads back the same from every store. A job type
 * longer than {@value DailyMetric#MAX_CATEGORY_LENGTH} characters (the seed's {@code
 * metric_category VARCHAR(30)}) gets no metrics of its own; its jobs count in the category for
 * all.
 *
 * <p>{@link #rollUp} computes and stores a day's metrics; running it again over the same jobs
 * writes the same rows. A job type whose jobs of the day were all deleted since an earlier roll-up
 * keeps the rows that roll-up wrote. The cache hit rate is not derived from jobs: a host that
 * wants it stores {@link #cacheHitRate} with {@link JobStore#putDailyMetrics}.
 *
 * <pre>{@code
 * List<DailyMetric> written = JobMetrics.rollUp(jobStore, LocalDate.of(2024, 3, 1),
 *     JobMetrics.DEFAULT_ZONE);
 * jobStore.putDailyMetrics(List.of(JobMetrics.cacheHitRate(day, dataPath.stats())));
 * }</pre>
 *
 * <p>Thread-safe: the class has no state.
 */
public final class JobMetrics {

  /** The zone whose calendar days the metrics count: Shanghai, the market's. */
  public static final ZoneId DEFAULT_ZONE = FreshnessPolicy.SHANGHAI;

  private static final long MICROS_PER_SECOND = 1_000_000;

  private JobMetrics() {}

  /**
   * Computes a day's job metrics from jobs; jobs that did not finish on the day are ignored.
   *
   * @param day the day, from {@link DailyMetric#MIN_DATE} to {@link DailyMetric#MAX_DATE}
   * @param zone the zone of the day
   * @param jobs the jobs, typically {@link JobStore#finishedBetween} of the day
   * @return the metrics, ordered by metric type, then category
   * @throws InvalidInputException naming {@code day} if out of range
   */
  public static List<DailyMetric> compute(
      LocalDate day, ZoneId zone, Collection<JobRecord> jobs) {
    requireDay(day);
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(jobs, "jobs");
    Instant start = startOf(day, zone);
    Instant end = startOf(day.plusDays(1), zone);
    Map<String, Tally> byCategory = new TreeMap<>();
    Tally all = new Tally();
    byCategory.put(DailyMetric.ALL_JOB_TYPES, all);
    for (JobRecord j : jobs) {
      Instant ended = j.endTime().orElse(null);
      if (!j.status().isFinished() || ended == null || ended.isBefore(start)
          || !ended.isBefore(end)) {
        continue;
      }
      all.add(j);
      if (j.jobType().length() <= DailyMetric.MAX_CATEGORY_LENGTH) {
        byCategory.computeIfAbsent(j.jobType(), t -> new Tally()).add(j);
      }
    }
    List<DailyMetric> out = new ArrayList<>();
    byCategory.forEach((category, t) -> t.metrics(day, category, out));
    out.sort(Comparator.comparing(DailyMetric::metricType)
        .thenComparing(DailyMetric::category));
    return List.copyOf(out);
  }

  /**
   * Computes a day's job metrics from the jobs that ended on it ({@link
   * JobStore#finishedBetween}) and stores them ({@link JobStore#putDailyMetrics}), replacing
   * the stored metrics of the same day, type and category. Idempotent over the same jobs.
   *
   * @param store the job store
   * @param day the day
   * @param zone the zone of the day
   * @return the metrics written, as {@link #compute} returns them
   * @throws InvalidInputException naming {@code day} if out of range
   */
  public static List<DailyMetric> rollUp(JobStore store, LocalDate day, ZoneId zone) {
    Objects.requireNonNull(store, "store");
    requireDay(day);
    Objects.requireNonNull(zone, "zone");
    List<DailyMetric> metrics = compute(day, zone,
        store.finishedBetween(startOf(day, zone), startOf(day.plusDays(1), zone)));
    store.putDailyMetrics(metrics);
    return metrics;
  }

  /** The day's first instant. */
  private static Instant startOf(LocalDate day, ZoneId zone) {
    return day.atStartOfDay(zone).toInstant();
  }

  private static LocalDate requireDay(LocalDate day) {
    if (day == null || day.isBefore(DailyMetric.MIN_DATE) || day.isAfter(DailyMetric.MAX_DATE)) {
      throw new InvalidInputException("day", day, "must be a date from " + DailyMetric.MIN_DATE
          + " to " + DailyMetric.MAX_DATE);
    }
    return day;
  }

  /**
   * Returns a cache hit rate metric, for all job types, from read counts.
   *
   * @param day the day
   * @param cachedReads the reads served from a cache tier (L1 or L2)
   * @param reads all reads, at least {@code cachedReads}
   * @return the metric {@value DailyMetric#CACHE_HIT_RATE}: {@code cachedReads / reads}, 0 when
   *     nothing was read, with additional data {@code {"reads": n, "cached": c}}
   * @throws InvalidInputException naming {@code day} if out of range, {@code cachedReads} or
   *     {@code reads} for counts that do not fit
   */
  public static DailyMetric cacheHitRate(LocalDate day, long cachedReads, long reads) {
    requireDay(day);
    if (cachedReads < 0) {
      throw new InvalidInputException("cachedReads", cachedReads, "must not be negative");
    }
    if (reads < cachedReads) {
      throw new InvalidInputException("reads", reads,
          "must be at least cachedReads (" + cachedReads + ")");
    }
    return new DailyMetric(day, DailyMetric.CACHE_HIT_RATE, DailyMetric.ALL_JOB_TYPES,
        ratio(cachedReads, reads), "{\"reads\": " + reads + ", \"cached\": " + cachedReads + "}");
  }

  /**
   * Returns a cache hit rate metric from a read path's statistics ({@code
   * TieredDataPath.stats()}), which count every read since the path was built: the share of
   * reads served from L1 or L2, as {@link ReadStats#cacheHitRate} computes it.
   *
   * @param day the day
   * @param stats the statistics
   * @return the metric, as {@link #cacheHitRate(LocalDate, long, long)} returns it
   */
  public static DailyMetric cacheHitRate(LocalDate day, ReadStats stats) {
    long cached = 0;
    long reads = 0;
    for (TierStats t : Objects.requireNonNull(stats, "stats").snapshot()) {
      reads += t.hits();
      if (t.tier() == Tier.L1 || t.tier() == Tier.L2) {
        cached += t.hits();
      }
    }
    return cacheHitRate(day, cached, reads);
  }

  private static BigDecimal ratio(long part, long whole) {
    return whole == 0 ? BigDecimal.ZERO
        : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), DailyMetric.SCALE,
            RoundingMode.HALF_UP);
  }

  private static BigDecimal seconds(long micros) {
    return BigDecimal.valueOf(micros, 6).stripTrailingZeros();
  }

  /** The counts of one category. */
  private static final class Tally {
    long success;
    long failed;
    long cancelled;
    long processed;
    long timed;
    long totalMicros;
    long minMicros = Long.MAX_VALUE;
    long maxMicros = Long.MIN_VALUE;

    void add(JobRecord j) {
      if (j.status() == JobStatus.SUCCESS) {
        success++;
      } else if (j.status() == JobStatus.FAILED) {
        failed++;
      } else {
        cancelled++;
      }
      processed += j.processedCount();
      if (j.startTime().isPresent() && !j.startTime().get().isAfter(j.endTime().orElseThrow())) {
        long micros = ChronoUnit.MICROS.between(j.startTime().get(), j.endTime().get());
        timed++;
        totalMicros += micros;
        minMicros = Math.min(minMicros, micros);
        maxMicros = Math.max(maxMicros, micros);
      }
    }

    void metrics(LocalDate day, String category, List<DailyMetric> out) {
      long finished = success + failed + cancelled;
      String counts = "{\"failed\": " + failed + ", \"success\": " + success
          + ", \"cancelled\": " + cancelled + ", \"processed\": " + processed + "}";
      out.add(new DailyMetric(day, DailyMetric.JOB_COUNT, category, BigDecimal.valueOf(finished),
          counts));
      if (finished > 0) {
        out.add(new DailyMetric(day, DailyMetric.SUCCESS_RATE, category,
            ratio(success, finished), counts));
      }
      if (timed > 0) {
        BigDecimal mean = BigDecimal.valueOf(totalMicros).divide(
            BigDecimal.valueOf(timed * MICROS_PER_SECOND), DailyMetric.SCALE,
            RoundingMode.HALF_UP);
        out.add(new DailyMetric(day, DailyMetric.AVG_DURATION, category, mean,
            "{\"jobs\": " + timed + ", \"max_seconds\": " + seconds(maxMicros).toPlainString()
                + ", \"min_seconds\": " + seconds(minMicros).toPlainString() + "}"));
      }
    }
  }
}
