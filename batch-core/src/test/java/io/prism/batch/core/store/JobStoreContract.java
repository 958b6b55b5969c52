package io.prism.batch.core.store;

import static io.prism.batch.core.store.StoreAssertions.assertSameJob;
import static io.prism.batch.core.store.StoreAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link JobStore} must have. An implementation's test extends this class
 * and returns a new, empty store from {@link #newStore()}; every test gets its own store, closed
 * afterwards.
 */
public abstract class JobStoreContract {
  /** A fixed instant the tests count from. */
  protected static final Instant T0 = Instant.parse("2024-03-01T17:00:00Z");

  /** The store under test. */
  protected JobStore store;

  /**
   * Returns a new store holding no records.
   *
   * @return the store
   */
  protected abstract JobStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static JobRecord pending(String name, String type, Instant createdAt) {
    return JobRecord.pending(name, type, "scheduled", 3, createdAt);
  }

  @Test
  void shouldCreateARecordWithANewId() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0).withId(9_000_000_000L));

    assertThat(created.id()).isPositive().isNotEqualTo(9_000_000_000L);
    assertSameJob(store.get(created.id()).orElseThrow(), created);
    assertThat(store.create(pending("again", "watchlist_warm", T0)).id())
        .isNotEqualTo(created.id());
  }

  @Test
  void shouldStoreEveryField() {
    JobRecord full = new JobRecord(0, "预热 600519", "rag_sync", "priority",
        Optional.of("600519"), Optional.of("financial"), Optional.of(42L), JobStatus.FAILED, 5,
        Optional.of(Instant.parse("2024-03-01T17:00:00.123456789Z")),
        Optional.of(Instant.parse("2024-03-01T17:00:01Z")),
        Optional.of(Instant.parse("2024-03-01T17:05:00.5Z")), 10, 7, 3,
        Optional.of("source timed out: 超时"), "{\"failed\": [\"600519\"], \"ratio\": 0.7}", 2, 4,
        Instant.parse("2024-03-01T16:59:59.999999999Z"));

    JobRecord created = store.create(full);

    JobRecord expected = new JobRecord(created.id(), "预热 600519", "rag_sync", "priority",
        Optional.of("600519"), Optional.of("financial"), Optional.of(42L), JobStatus.FAILED, 5,
        Optional.of(Instant.parse("2024-03-01T17:00:00.123456Z")),
        Optional.of(Instant.parse("2024-03-01T17:00:01Z")),
        Optional.of(Instant.parse("2024-03-01T17:05:00.5Z")), 10, 7, 3,
        Optional.of("source timed out: 超时"), "{\"failed\": [\"600519\"], \"ratio\": 0.7}", 2, 4,
        Instant.parse("2024-03-01T16:59:59.999999Z"));
    assertSameJob(created, expected);
    assertSameJob(store.get(created.id()).orElseThrow(), expected);
  }

  @Test
  void shouldUpdateARecordThroughItsLifecycle() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0));

    JobRecord running = created.started(T0.plusSeconds(1));
    store.update(running);
    assertSameJob(store.get(created.id()).orElseThrow(), running);

    JobRecord done = running.finished(JobStatus.SUCCESS, T0.plusSeconds(90), 100, 98, 2,
        Optional.empty(), "{\"stocks\": 100}");
    store.update(done);
    assertSameJob(store.get(created.id()).orElseThrow(), done);
  }

  @Test
  void shouldRejectAnUpdateOfAMissingIdAndStayUnchanged() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0));

    assertThatThrownBy(() -> store.update(created.withId(created.id() + 1000).started(T0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("id");

    assertThat(store.get(created.id() + 1000)).isEmpty();
    assertThat(store.recent(Optional.empty(), 10)).hasSize(1);
    assertSameJob(store.get(created.id()).orElseThrow(), created);
  }

  @Test
  void shouldReturnEmptyForAMissingId() {
    assertThat(store.get(123456)).isEmpty();
    assertThat(store.recent(Optional.empty(), 5)).isEmpty();
  }

  @Test
  void shouldListRecentRecordsNewestFirstUpToTheLimit() {
    JobRecord first = store.create(pending("a", "watchlist_warm", T0));
    JobRecord third = store.create(pending("c", "rag_sync", T0.plusSeconds(20)));
    JobRecord second = store.create(pending("b", "market_scan", T0.plusSeconds(10)));
    JobRecord sameTimeLater = store.create(pending("d", "cache_clean", T0.plusSeconds(20)));

    assertThat(store.recent(Optional.empty(), 10)).extracting(JobRecord::id)
        .containsExactly(sameTimeLater.id(), third.id(), second.id(), first.id());
    assertThat(store.recent(Optional.empty(), 2)).extracting(JobRecord::id)
        .containsExactly(sameTimeLater.id(), third.id());
  }

  @Test
  void shouldFilterRecentRecordsByType() {
    JobRecord warm1 = store.create(pending("a", "watchlist_warm", T0));
    store.create(pending("b", "rag_sync", T0.plusSeconds(1)));
    JobRecord warm2 = store.create(pending("c", "watchlist_warm", T0.plusSeconds(2)));

    assertThat(store.recent(Optional.of("watchlist_warm"), 10)).extracting(JobRecord::id)
        .containsExactly(warm2.id(), warm1.id());
    assertThat(store.recent(Optional.of("nothing"), 10)).isEmpty();
  }

  @Test
  void shouldAcceptJobTypesBeyondTheSeedsFour() {
    JobRecord reconcile = store.create(pending("reconcile", "reconcile", T0));
    JobRecord custom = store.create(pending("转码", "video_transcode", T0));

    assertThat(store.get(reconcile.id()).map(JobRecord::jobType)).contains("reconcile");
    assertThat(store.get(custom.id()).map(JobRecord::jobType)).contains("video_transcode");
  }

  @Test
  void shouldRejectASummaryThatIsNotJsonAndStayUnchanged() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord bad = created.finished(JobStatus.SUCCESS, T0.plusSeconds(1), 1, 1, 0,
        Optional.empty(), "{broken");

    assertThatThrownBy(() -> store.update(bad))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("resultSummary");
    assertThatThrownBy(() -> store.create(bad))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("resultSummary");

    assertThat(store.recent(Optional.empty(), 10)).hasSize(1);
    assertSameJob(store.get(created.id()).orElseThrow(), created);
  }

  // ---- cancel requests ----

  @Test
  void shouldFlagACancelOfAPendingOrRunningJobIdempotently() {
    JobRecord pending = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord running = store.create(pending("scan", "market_scan", T0));
    store.update(running.started(T0.plusSeconds(1)));

    assertThat(store.cancelRequested(pending.id())).isFalse();
    assertThat(store.requestCancel(pending.id())).isTrue();
    assertThat(store.requestCancel(pending.id())).as("asked again").isTrue();
    assertThat(store.requestCancel(running.id())).isTrue();

    assertThat(store.cancelRequested(pending.id())).isTrue();
    assertThat(store.cancelRequested(running.id())).isTrue();
    assertThat(store.get(running.id()).map(JobRecord::status)).as("the runner writes the status")
        .contains(JobStatus.RUNNING);
  }

  @Test
  void shouldRefuseACancelOfAFinishedOrMissingJob() {
    JobRecord done = store.create(pending("nightly", "watchlist_warm", T0));
    store.update(done.started(T0).finished(JobStatus.SUCCESS, T0.plusSeconds(5), 1, 1, 0,
        Optional.empty(), "{}"));
    JobRecord failed = store.create(pending("scan", "market_scan", T0));
    store.update(failed.started(T0).finished(JobStatus.FAILED, T0.plusSeconds(5), 1, 0, 1,
        Optional.of("boom"), "{}"));

    assertThat(store.requestCancel(done.id())).isFalse();
    assertThat(store.requestCancel(failed.id())).isFalse();
    assertThat(store.requestCancel(123456)).isFalse();

    assertThat(store.cancelRequested(done.id())).isFalse();
    assertThat(store.cancelRequested(failed.id())).isFalse();
    assertThat(store.cancelRequested(123456)).isFalse();
  }

  @Test
  void shouldKeepTheCancelFlagThroughUpdatesAndAfterTheJobEnds() {
    JobRecord job = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord other = store.create(pending("other", "watchlist_warm", T0));
    assertThat(store.requestCancel(job.id())).isTrue();

    JobRecord running = job.started(T0.plusSeconds(1));
    store.update(running);
    assertThat(store.cancelRequested(job.id())).as("after an update").isTrue();
    JobRecord cancelled = running.finished(JobStatus.CANCELLED, T0.plusSeconds(2), 3, 3, 0,
        Optional.of("cancelled after 3 of 10 tasks"), "{}");
    store.update(cancelled);

    assertThat(store.cancelRequested(job.id())).as("after it ended").isTrue();
    assertThat(store.requestCancel(job.id())).as("once it ended").isFalse();
    assertSameJob(store.get(job.id()).orElseThrow(), cancelled);
    assertThat(store.cancelRequested(other.id())).as("another job").isFalse();
  }

  // ---- delete ----

  @Test
  void shouldDeleteAFinishedJobWithItsCancelFlag() {
    JobRecord job = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord other = store.create(pending("other", "market_scan", T0));
    store.requestCancel(job.id());
    store.update(job.started(T0).finished(JobStatus.CANCELLED, T0.plusSeconds(1), 0, 0, 0,
        Optional.of("cancelled"), "{}"));

    assertThat(store.delete(job.id())).isTrue();

    assertThat(store.get(job.id())).isEmpty();
    assertThat(store.cancelRequested(job.id())).isFalse();
    assertThat(store.recent(Optional.empty(), 10)).extracting(JobRecord::id)
        .containsExactly(other.id());
    assertThat(store.delete(job.id())).as("deleted already").isFalse();
    assertThat(store.delete(987654)).as("never existed").isFalse();
  }

  @Test
  void shouldRefuseToDeleteAPendingOrRunningJobAndKeepIt() {
    JobRecord pending = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord running = store.create(pending("scan", "market_scan", T0));
    store.update(running.started(T0));

    assertThatThrownBy(() -> store.delete(pending.id()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("jobId")
        .hasMessageContaining("is pending")
        .hasMessageContaining("cancel it first");
    assertThatThrownBy(() -> store.delete(running.id()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is running");
    assertThat(store.get(pending.id())).isPresent();
    assertThat(store.get(running.id())).isPresent();
  }

  // ---- paused task types ----

  @Test
  void shouldPauseAndResumeTaskTypesIdempotently() {
    assertThat(store.pausedTaskTypes()).isEmpty();

    assertThat(store.pauseTaskType("warm")).isTrue();
    assertThat(store.pauseTaskType("rag_sync")).isTrue();
    assertThat(store.pauseTaskType("warm")).as("paused again").isFalse();
    assertThat(store.pausedTaskTypes()).containsExactly("rag_sync", "warm");

    assertThat(store.resumeTaskType("warm")).isTrue();
    assertThat(store.resumeTaskType("warm")).as("resumed again").isFalse();
    assertThat(store.resumeTaskType("clean")).as("never paused").isFalse();
    assertThat(store.pausedTaskTypes()).containsExactly("rag_sync");
  }

  @Test
  void shouldRejectAnInvalidTaskTypeAndChangeNothing() {
    store.pauseTaskType("warm");

    assertThatThrownBy(() -> store.pauseTaskType("rag sync"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType")
        .hasMessageContaining("rag sync");
    assertThatThrownBy(() -> store.resumeTaskType(""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType");
    assertThat(store.pausedTaskTypes()).containsExactly("warm");
  }

  // ---- finished between ----

  private JobRecord finishedAt(String name, Instant end, JobStatus status) {
    JobRecord job = store.create(pending(name, "market_scan", T0.minusSeconds(3600)));
    JobRecord done = job.started(end.minusSeconds(30))
        .finished(status, end, 1, 1, 0, Optional.empty(), "{}");
    store.update(done);
    return done;
  }

  @Test
  void shouldListTheJobsThatEndedInAHalfOpenRangeByEndTimeThenId() {
    Instant to = T0.plusSeconds(3600);
    JobRecord before = finishedAt("before", T0.minusNanos(1000), JobStatus.SUCCESS);
    JobRecord atEnd = finishedAt("at end", to, JobStatus.SUCCESS);
    JobRecord last = finishedAt("last", to.minusNanos(1000), JobStatus.CANCELLED);
    JobRecord atStart = finishedAt("at start", T0, JobStatus.FAILED);
    JobRecord atStartToo = finishedAt("at start too", T0, JobStatus.SUCCESS);
    JobRecord running = store.create(pending("running", "market_scan", T0));
    store.update(running.started(T0.plusSeconds(1)));
    store.create(pending("pending", "market_scan", T0.plusSeconds(2)));

    assertThat(store.finishedBetween(T0, to)).extracting(JobRecord::jobName)
        .containsExactly("at start", "at start too", "last");
    assertSameJob(store.finishedBetween(T0, to).get(2), last);
    assertThat(store.finishedBetween(T0.plusNanos(1), to.minusNanos(999)))
        .as("bounds finer than the stored microseconds").extracting(JobRecord::id)
        .containsExactly(last.id());
    assertThat(store.finishedBetween(T0, T0)).as("an empty range").isEmpty();
    assertThat(store.finishedBetween(Instant.MIN, Instant.MAX)).extracting(JobRecord::id)
        .containsExactly(before.id(), atStart.id(), atStartToo.id(), last.id(), atEnd.id());
  }

  @Test
  void shouldRejectARangeThatEndsBeforeItStarts() {
    assertThatThrownBy(() -> store.finishedBetween(T0.plusNanos(1), T0))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("from");
    assertThatThrownBy(() -> store.dailyMetrics(DAY.plusDays(1), DAY, Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("from");
  }

  // ---- daily metrics ----

  /** A day the metric tests use. */
  protected static final LocalDate DAY = LocalDate.of(2024, 3, 1);

  private static DailyMetric metric(
      LocalDate date, String type, String category, String value, String data) {
    return new DailyMetric(date, type, category, new BigDecimal(value), data);
  }

  /** Compares additional data as JSON, since jsonb keeps the document, not its spelling. */
  private static void assertSameMetrics(List<DailyMetric> actual, DailyMetric... expected) {
    assertThat(actual).extracting(m -> m.date() + "/" + m.metricType() + "/" + m.category()
            + "=" + m.value().toPlainString())
        .containsExactly(Arrays.stream(expected).map(m -> m.date() + "/" + m.metricType() + "/"
            + m.category() + "=" + m.value().toPlainString()).toArray(String[]::new));
    for (int i = 0; i < expected.length; i++) {
      assertThat(json(actual.get(i).additionalData())).as("additionalData of %s", expected[i])
          .isEqualTo(json(expected[i].additionalData()));
    }
  }

  @Test
  void shouldReplaceADailyMetricWithTheSameDateTypeAndCategory() {
    DailyMetric all = metric(DAY, DailyMetric.JOB_COUNT, "", "3", "{\"failed\": 1}");
    DailyMetric rag = metric(DAY, DailyMetric.JOB_COUNT, "rag_sync", "1", "{}");
    DailyMetric nextDay = metric(DAY.plusDays(1), DailyMetric.JOB_COUNT, "", "7", "{}");
    store.putDailyMetrics(List.of(all, rag, nextDay));

    DailyMetric allAgain = metric(DAY, DailyMetric.JOB_COUNT, "", "5", "{\"failed\": 2}");
    store.putDailyMetrics(List.of(allAgain));

    assertSameMetrics(store.dailyMetrics(DAY, DAY.plusDays(1), Optional.empty()),
        allAgain, rag, nextDay);
    assertThat(store.dailyMetrics(DAY, DAY, Optional.empty()).get(0))
        .isEqualTo(metric(DAY, "job_count", "", "5.000000", "{\"failed\": 2}"));
  }

  @Test
  void shouldKeepTheLaterOfTwoMetricsWithOneKeyInACall() {
    store.putDailyMetrics(List.of(metric(DAY, "job_count", "", "1", "{}"),
        metric(DAY, "job_count", "", "2", "{\"n\": 2}")));

    assertSameMetrics(store.dailyMetrics(DAY, DAY, Optional.empty()),
        metric(DAY, "job_count", "", "2", "{\"n\": 2}"));
  }

  @Test
  void shouldListDailyMetricsOfARangeInOrderAndByType() {
    LocalDate before = DAY.minusDays(1);
    LocalDate second = DAY.plusDays(1);
    LocalDate after = DAY.plusDays(2);
    DailyMetric rateAll = metric(DAY, "success_rate", "", "0.5", "{}");
    DailyMetric rateUpper = metric(DAY, "success_rate", "Zeta", "1", "{}");
    DailyMetric rateUnderscore = metric(DAY, "success_rate", "a_b", "0.25", "{}");
    DailyMetric rateLetters = metric(DAY, "success_rate", "aa", "0.75", "{}");
    DailyMetric countAll = metric(DAY, "job_count", "", "4", "{}");
    DailyMetric durationScan = metric(DAY, "avg_duration", "market_scan", "12.5", "{}");
    DailyMetric secondCount = metric(second, "job_count", "", "2", "{}");
    DailyMetric secondRate = metric(second, "success_rate", "", "0", "{}");
    // given out of order, across days outside the range too
    store.putDailyMetrics(List.of(secondRate, rateLetters, metric(after, "job_count", "", "9",
        "{}"), rateAll, durationScan, rateUnderscore, metric(before, "success_rate", "", "1",
        "{}"), countAll, secondCount, rateUpper));

    assertSameMetrics(store.dailyMetrics(DAY, second, Optional.empty()),
        durationScan, countAll, rateAll, rateUpper, rateUnderscore, rateLetters, secondCount,
        secondRate);
    assertSameMetrics(store.dailyMetrics(DAY, second, Optional.of("success_rate")),
        rateAll, rateUpper, rateUnderscore, rateLetters, secondRate);
    assertSameMetrics(store.dailyMetrics(second, second, Optional.of("job_count")), secondCount);
    assertThat(store.dailyMetrics(DAY, second, Optional.of("cache_hit_rate"))).isEmpty();
    assertThat(store.dailyMetrics(after.plusDays(1), after.plusDays(30), Optional.empty()))
        .isEmpty();
    assertThat(store.dailyMetrics(LocalDate.MIN, LocalDate.MAX, Optional.empty())).hasSize(10);
  }

  @Test
  void shouldKeepSixDecimalPlacesAndTheExtremeDates() {
    DailyMetric first = metric(DailyMetric.MIN_DATE, "avg_duration", "", "0.0000005", "{}");
    DailyMetric last = metric(DailyMetric.MAX_DATE, "avg_duration", "", "-999999999.999999",
        "{\"note\": \"负\", \"nested\": {\"a\": [1, 2.50]}}");
    DailyMetric rate = metric(DAY, "success_rate", "rag_sync", "0.6666666", "{}");
    store.putDailyMetrics(List.of(last, rate, first));

    List<DailyMetric> all = store.dailyMetrics(LocalDate.MIN, LocalDate.MAX, Optional.empty());

    assertSameMetrics(all, first, rate, last);
    assertThat(all).extracting(DailyMetric::value).containsExactly(new BigDecimal("0.000001"),
        new BigDecimal("0.666667"), new BigDecimal("-999999999.999999"));
  }

  @Test
  void shouldWriteNothingWhenOneMetricIsBad() {
    DailyMetric kept = metric(DAY, "job_count", "", "1", "{}");
    store.putDailyMetrics(List.of(kept));

    assertThatThrownBy(() -> store.putDailyMetrics(List.of(
        metric(DAY, "job_count", "", "2", "{}"),
        metric(DAY, "job_count", "rag_sync", "3", "{}"),
        metric(DAY, "success_rate", "", "1", "{broken"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("additionalData")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("additionalData");
    assertThatThrownBy(() -> store.putDailyMetrics(Arrays.asList(
        metric(DAY, "job_count", "", "2", "{}"), null)))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("metrics");
    assertThatThrownBy(() -> store.putDailyMetrics(List.of(
        metric(DAY, "job_count", "", "2", "{}"),
        metric(DAY, "job_count", "x", "2", "{\"a\": 1} trailing"))))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("additionalData");

    assertSameMetrics(store.dailyMetrics(DAY, DAY, Optional.empty()), kept);
    store.putDailyMetrics(List.of());
    assertSameMetrics(store.dailyMetrics(DAY, DAY, Optional.empty()), kept);
  }

  @Test
  void shouldRejectALimitBelowOne() {
    assertThatThrownBy(() -> store.recent(Optional.empty(), 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit");
  }
}
