package io.prism.batch.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DailyMetricTest {
  private static final LocalDate DAY = LocalDate.of(2024, 3, 1);

  private static DailyMetric metric(String type, String category, String value, String data) {
    return new DailyMetric(DAY, type, category, new BigDecimal(value), data);
  }

  private static void assertRejected(Runnable make, String field) {
    assertThatThrownBy(make::run)
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo(field);
  }

  @Test
  void shouldRoundTheValueHalfUpToSixPlaces() {
    assertThat(metric("success_rate", "", "0.1234565", "{}").value())
        .isEqualTo(new BigDecimal("0.123457"));
    assertThat(metric("success_rate", "", "0.1234564", "{}").value())
        .isEqualTo(new BigDecimal("0.123456"));
    assertThat(metric("job_count", "rag_sync", "3", "{}").value())
        .isEqualTo(new BigDecimal("3.000000"));
    assertThat(DailyMetric.of(DAY, "avg_duration", "", 1.5, "{}").value())
        .isEqualTo(new BigDecimal("1.500000"));
    assertThat(metric("job_count", "", "999999999.9999994", "{}").value())
        .isEqualTo(new BigDecimal("999999999.999999"));
  }

  @Test
  void shouldRejectAValueWithMoreThanNineIntegerDigits() {
    assertRejected(() -> metric("job_count", "", "1000000000", "{}"), "value");
    assertRejected(() -> metric("job_count", "", "-1000000000", "{}"), "value");
    // rounds up to 10^9
    assertRejected(() -> metric("job_count", "", "999999999.9999995", "{}"), "value");
    assertRejected(() -> new DailyMetric(DAY, "job_count", "", null, "{}"), "value");
    assertRejected(() -> DailyMetric.of(DAY, "job_count", "", Double.NaN, "{}"), "value");
    assertRejected(() -> DailyMetric.of(DAY, "job_count", "", Double.POSITIVE_INFINITY, "{}"),
        "value");
  }

  @Test
  void shouldCheckTheMetricType() {
    assertThat(metric("a".repeat(50), "", "1", "{}").metricType()).hasSize(50);
    assertThat(metric("p95_latency_2", "", "1", "{}").metricType()).isEqualTo("p95_latency_2");
    for (String bad : new String[] {"", "a".repeat(51), "Job_count", "job-count", "job count"}) {
      assertRejected(() -> metric(bad, "", "1", "{}"), "metricType");
    }
    assertRejected(() -> metric(null, "", "1", "{}"), "metricType");
    assertThat(DailyMetric.isValidMetricType(DailyMetric.CACHE_HIT_RATE)).isTrue();
    assertThat(DailyMetric.isValidMetricType("é")).isFalse();
  }

  @Test
  void shouldCheckTheCategory() {
    assertThat(metric("job_count", DailyMetric.ALL_JOB_TYPES, "1", "{}").category()).isEmpty();
    assertThat(metric("job_count", "x".repeat(30), "1", "{}").category()).hasSize(30);
    assertRejected(() -> metric("job_count", "x".repeat(31), "1", "{}"), "category");
    assertRejected(() -> metric("job_count", "  ", "1", "{}"), "category");
    assertRejected(() -> metric("job_count", null, "1", "{}"), "category");
  }

  @Test
  void shouldCheckTheDateAndTheAdditionalData() {
    assertThat(new DailyMetric(DailyMetric.MIN_DATE, "job_count", "", BigDecimal.ONE, "{}").date())
        .isEqualTo(LocalDate.of(1, 1, 1));
    assertRejected(() -> new DailyMetric(DailyMetric.MAX_DATE.plusDays(1), "job_count", "",
        BigDecimal.ONE, "{}"), "date");
    assertRejected(() -> new DailyMetric(null, "job_count", "", BigDecimal.ONE, "{}"), "date");
    assertThat(metric("job_count", "", "1", " {\"a\": 1}").additionalData())
        .isEqualTo(" {\"a\": 1}");
    assertRejected(() -> metric("job_count", "", "1", null), "additionalData");
    assertRejected(() -> metric("job_count", "", "1", "[1]"), "additionalData");
    assertRejected(() -> metric("job_count", "", "1", ""), "additionalData");
  }

  @Test
  void shouldCompareByValueAfterRounding() {
    assertThat(metric("job_count", "", "2", "{}")).isEqualTo(metric("job_count", "", "2.0", "{}"));
  }
}
