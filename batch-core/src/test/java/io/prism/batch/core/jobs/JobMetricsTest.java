package io.prism.batch.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileJobStore;
import io.prism.batch.core.store.FileRecordStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The daily job metrics, computed from hand-made job records. */
class JobMetricsTest {
  static final LocalDate DAY = LocalDate.of(2024, 3, 1);
  /** 2024-03-01 00:00 in Shanghai. */
  static final Instant DAY_START = Instant.parse("2024-02-29T16:00:00Z");
  static final Instant NOON = Instant.parse("2024-03-01T04:00:00Z");
  static final String LONG_TYPE = "x".repeat(31);

  private static long ids;

  static JobRecord job(String type, JobStatus status, Optional<Instant> start, Instant end,
      long processed) {
    JobRecord pending = JobRecord.pending("job " + type, type, "manual", 3,
        DAY_START.minusSeconds(7200)).withId(++ids);
    JobRecord running = start.map(pending::started).orElse(pending);
    return running.finished(status, end, processed, processed, 0, Optional.empty(), "{}");
  }

  static JobRecord job(String type, JobStatus status, double seconds, Instant end,
      long processed) {
    return job(type, status, Optional.of(end.minusNanos((long) (seconds * 1e9))), end, processed);
  }

  /** The day's jobs, and jobs that must be left out. */
  static List<JobRecord> jobs() {
    List<JobRecord> jobs = new ArrayList<>();
    jobs.add(job("watchlist_warm", JobStatus.SUCCESS, 10, NOON, 100));
    jobs.add(job("watchlist_warm", JobStatus.FAILED, 20, NOON.plusSeconds(60), 50));
    jobs.add(job("watchlist_warm", JobStatus.CANCELLED, 30.5, NOON.plusSeconds(120), 5));
    // no start time: counted, but not in the mean duration
    jobs.add(job("market_scan", JobStatus.SUCCESS, Optional.empty(),
        Instant.parse("2024-03-01T15:59:59.999999Z"), 10));
    // ends on the first instant of the day
    jobs.add(job("market_scan", JobStatus.SUCCESS, 4, DAY_START, 20));
    // a type too long for a category: counts for all only
    jobs.add(job(LONG_TYPE, JobStatus.SUCCESS, 2, NOON, 1));
    // left out: ends at the start of the next day, or before the day
    jobs.add(job("watchlist_warm", JobStatus.FAILED, 1, DAY_START.plusSeconds(86_400), 7));
    jobs.add(job("watchlist_warm", JobStatus.FAILED, 1, DAY_START.minusNanos(1000), 7));
    // left out: not finished
    jobs.add(JobRecord.pending("running", "rag_sync", "manual", 3, NOON).withId(++ids)
        .started(NOON));
    return jobs;
  }

  static DailyMetric metric(String type, String category, String value, String data) {
    return new DailyMetric(DAY, type, category, new BigDecimal(value), data);
  }

  /** What {@link #jobs()} gives, in order. */
  static List<DailyMetric> expected() {
    String all = "{\"failed\": 1, \"success\": 4, \"cancelled\": 1, \"processed\": 186}";
    String scan = "{\"failed\": 0, \"success\": 2, \"cancelled\": 0, \"processed\": 30}";
    String warm = "{\"failed\": 1, \"success\": 1, \"cancelled\": 1, \"processed\": 155}";
    return List.of(
        metric("avg_duration", "", "13.3",
            "{\"jobs\": 5, \"max_seconds\": 30.5, \"min_seconds\": 2}"),
        metric("avg_duration", "market_scan", "4",
            "{\"jobs\": 1, \"max_seconds\": 4, \"min_seconds\": 4}"),
        metric("avg_duration", "watchlist_warm", "20.166667",
            "{\"jobs\": 3, \"max_seconds\": 30.5, \"min_seconds\": 10}"),
        metric("job_count", "", "6", all),
        metric("job_count", "market_scan", "2", scan),
        metric("job_count", "watchlist_warm", "3", warm),
        metric("success_rate", "", "0.666667", all),
        metric("success_rate", "market_scan", "1", scan),
        metric("success_rate", "watchlist_warm", "0.333333", warm));
  }

  @Test
  void shouldCountTimeAndRateTheDaysJobsPerTypeAndForAll() {
    assertThat(JobMetrics.compute(DAY, JobMetrics.DEFAULT_ZONE, jobs()))
        .containsExactlyElementsOf(expected());
  }

  @Test
  void shouldCountTheDayInTheGivenZone() {
    List<DailyMetric> utc = JobMetrics.compute(DAY, ZoneOffset.UTC, jobs());

    // in UTC the job ending at Shanghai's midnight is in, and the one ending at 00:00 UTC out
    assertThat(utc).filteredOn(m -> m.metricType().equals("job_count"))
        .extracting(DailyMetric::category, m -> m.value().toPlainString())
        .containsExactly(tuple("", "6.000000"),
            tuple("market_scan", "1.000000"),
            tuple("watchlist_warm", "4.000000"));
    assertThat(utc).filteredOn(m -> m.metricType().equals("success_rate"))
        .extracting(m -> m.value().toPlainString())
        .containsExactly("0.500000", "1.000000", "0.250000");
  }

  @Test
  void shouldWriteOnlyTheJobCountForADayWithoutJobs() {
    assertThat(JobMetrics.compute(DAY, JobMetrics.DEFAULT_ZONE, List.of())).containsExactly(
        metric("job_count", "", "0",
            "{\"failed\": 0, \"success\": 0, \"cancelled\": 0, \"processed\": 0}"));
  }

  @Test
  void shouldCountACancelledOrFailedJobAsNotSuccessful() {
    List<DailyMetric> m = JobMetrics.compute(DAY, JobMetrics.DEFAULT_ZONE, List.of(
        job("rag_sync", JobStatus.CANCELLED, 1, NOON, 0),
        job("rag_sync", JobStatus.SUCCESS, 3, NOON, 0),
        job("rag_sync", JobStatus.FAILED, 5, NOON, 0),
        job("rag_sync", JobStatus.SUCCESS, 7, NOON, 0)));

    assertThat(m).filteredOn(x -> x.category().equals("rag_sync"))
        .extracting(DailyMetric::metricType, x -> x.value().toPlainString())
        .containsExactly(tuple("avg_duration", "4.000000"),
            tuple("job_count", "4.000000"),
            tuple("success_rate", "0.500000"));
  }

  @Test
  void shouldLeaveAJobThatEndedBeforeItStartedOutOfTheMeanDuration() {
    JobRecord backwards = job("rag_sync", JobStatus.SUCCESS, Optional.of(NOON.plusSeconds(5)),
        NOON, 0);

    assertThat(JobMetrics.compute(DAY, JobMetrics.DEFAULT_ZONE, List.of(backwards)))
        .extracting(DailyMetric::metricType).doesNotContain("avg_duration")
        .contains("job_count", "success_rate");
  }

  @Test
  void shouldRollUpIdempotentlyAndReplaceTheDaysRows() {
    try (FileJobStore store = FileJobStore.inMemory()) {
      jobs().forEach(store::create);

      List<DailyMetric> first = JobMetrics.rollUp(store, DAY, JobMetrics.DEFAULT_ZONE);
      List<DailyMetric> again = JobMetrics.rollUp(store, DAY, JobMetrics.DEFAULT_ZONE);

      assertThat(first).containsExactlyElementsOf(expected());
      assertThat(again).isEqualTo(first);
      assertThat(store.dailyMetrics(DAY, DAY, Optional.empty())).isEqualTo(first);
      assertThat(store.dailyMetrics(DAY.minusDays(1), DAY.plusDays(1), Optional.empty()))
          .hasSize(9);

      JobRecord late = store.create(job("market_scan", JobStatus.FAILED, 6, NOON, 1));
      List<DailyMetric> third = JobMetrics.rollUp(store, DAY, JobMetrics.DEFAULT_ZONE);

      assertThat(late.id()).isPositive();
      assertThat(store.dailyMetrics(DAY, DAY, Optional.of("success_rate")))
          .extracting(DailyMetric::category, m -> m.value().toPlainString())
          .containsExactly(tuple("", "0.571429"),
              tuple("market_scan", "0.666667"),
              tuple("watchlist_warm", "0.333333"));
      assertThat(store.dailyMetrics(DAY, DAY, Optional.empty())).isEqualTo(third).hasSize(9);
    }
  }

  @Test
  void shouldRejectADayOutOfRange() {
    assertThatThrownBy(() -> JobMetrics.compute(null, JobMetrics.DEFAULT_ZONE, List.of()))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("day");
    assertThatThrownBy(() -> JobMetrics.rollUp(FileJobStore.inMemory(), LocalDate.MAX,
        JobMetrics.DEFAULT_ZONE))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("day");
    assertThat(JobMetrics.compute(DailyMetric.MAX_DATE, JobMetrics.DEFAULT_ZONE, jobs()))
        .extracting(DailyMetric::value).containsExactly(new BigDecimal("0.000000"));
  }

  @Test
  void shouldGiveTheCacheHitRateFromReadCountsOrAReadPathsStatistics() {
    assertThat(JobMetrics.cacheHitRate(DAY, 3, 4))
        .isEqualTo(metric("cache_hit_rate", "", "0.75", "{\"reads\": 4, \"cached\": 3}"));
    assertThat(JobMetrics.cacheHitRate(DAY, 0, 0).value()).isEqualByComparingTo("0");
    assertThatThrownBy(() -> JobMetrics.cacheHitRate(DAY, 5, 4))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("reads");
    assertThatThrownBy(() -> JobMetrics.cacheHitRate(DAY, -1, 4))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("cachedReads");

    try (CaffeineCacheTier cache = CaffeineCacheTier.create();
        FileRecordStore records = FileRecordStore.inMemory()) {
      SyntheticMarketDataSource source = SyntheticMarketDataSource.builder().stockCount(2).build();
      TieredDataPath path = TieredDataPath.builder().cache(cache).store(records).source(source)
          .build();
      DataKey key = new DataKey(source.stockCodes().get(0), DataType.DAILY_QUOTES);
      path.get(key); // from the source
      path.get(key); // from L1
      path.get(key); // from L1

      DailyMetric rate = JobMetrics.cacheHitRate(DAY, path.stats());

      assertThat(rate).isEqualTo(metric("cache_hit_rate", "", "0.666667",
          "{\"reads\": 3, \"cached\": 2}"));
      assertThat(rate.value().doubleValue())
          .isCloseTo(path.stats().cacheHitRate(), offset(1e-6));
    }
  }
}
