package io.prism.batch.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.core.store.FileJobStore;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job control's daily metrics (the seed's {@code GET /api/v1/batch/metrics}) on a file store. */
class JobControlMetricsTest {
  private static final LocalDate DAY = JobMetricsTest.DAY;

  @TempDir Path dir;

  @Test
  void shouldRollUpADayIdempotentlyAndListItsMetrics() {
    try (FileJobStore store = FileJobStore.builder().directory(dir).build();
        JobControl control = JobControl.builder().jobs(store).build()) {
      JobMetricsTest.jobs().forEach(store::create);
      store.putDailyMetrics(List.of(JobMetrics.cacheHitRate(DAY, 9, 10)));

      List<DailyMetric> first = control.rollUpDailyMetrics(DAY);
      List<DailyMetric> second = control.rollUpDailyMetrics(DAY);

      assertThat(first).containsExactlyElementsOf(JobMetricsTest.expected());
      assertThat(second).isEqualTo(first);
      assertThat(control.dailyMetrics(DAY, DAY, Optional.of(DailyMetric.SUCCESS_RATE)))
          .extracting(DailyMetric::category, m -> m.value().toPlainString())
          .containsExactly(tuple("", "0.666667"), tuple("market_scan", "1.000000"),
              tuple("watchlist_warm", "0.333333"));
      assertThat(control.dailyMetrics(DAY, DAY, Optional.empty()))
          .extracting(DailyMetric::metricType).containsExactly("avg_duration", "avg_duration",
              "avg_duration", "cache_hit_rate", "job_count", "job_count", "job_count",
              "success_rate", "success_rate", "success_rate");
    }

    // the rows are in the store's directory
    try (FileJobStore reopened = FileJobStore.builder().directory(dir).build();
        JobControl control = JobControl.builder().jobs(reopened).build()) {
      assertThat(control.dailyMetrics(DAY.minusDays(7), DAY, Optional.of("job_count")))
          .containsExactly(JobMetricsTest.expected().subList(3, 6).toArray(DailyMetric[]::new));
      assertThat(control.dailyMetrics(DAY.plusDays(1), DAY.plusDays(7), Optional.empty()))
          .isEmpty();
    }
  }

  @Test
  void shouldRollUpADayWithoutJobsAsAZeroCount() {
    try (FileJobStore store = FileJobStore.inMemory();
        JobControl control = JobControl.builder().jobs(store).build()) {
      control.rollUpDailyMetrics(DAY.minusDays(1));

      assertThat(control.dailyMetrics(DAY.minusDays(1), DAY.minusDays(1), Optional.empty()))
          .extracting(DailyMetric::metricType, DailyMetric::category,
              m -> m.value().toPlainString())
          .containsExactly(tuple("job_count", "", "0.000000"));
    }
  }

  @Test
  void shouldRejectABadDayOrRange() {
    try (FileJobStore store = FileJobStore.inMemory();
        JobControl control = JobControl.builder().jobs(store).build()) {
      assertThatThrownBy(() -> control.rollUpDailyMetrics(null))
          .isInstanceOf(InvalidInputException.class)
          .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("day");
      assertThatThrownBy(() -> control.dailyMetrics(DAY, DAY.minusDays(1), Optional.empty()))
          .isInstanceOf(InvalidInputException.class)
          .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("from");
      assertThat(store.dailyMetrics(LocalDate.MIN, LocalDate.MAX, Optional.empty())).isEmpty();
    }
  }
}
