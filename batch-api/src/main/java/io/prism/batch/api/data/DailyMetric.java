package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;

/**
 * One daily performance metric, a row of the seed's {@code batch_performance_metrics}: a value of
 * one metric type for one job type (the category) on one day. A store keeps at most one metric
 * per (date, metric type, category); see {@link JobStore#putDailyMetrics}.
 *
 * <pre>{@code
 * DailyMetric rate = new DailyMetric(LocalDate.of(2024, 3, 1), DailyMetric.SUCCESS_RATE,
 *     "watchlist_warm", new BigDecimal("0.75"), "{\"failed\": 1, \"success\": 3}");
 * }</pre>
 *
 * @param date the day, a calendar date (the zone is the writer's; job control uses Shanghai
 *     time), from {@code 0001-01-01} to {@code 9999-12-31}
 * @param metricType what is measured, e.g. {@value #SUCCESS_RATE}: 1 to {@value
 *     #MAX_METRIC_TYPE_LENGTH} characters of {@code a-z}, {@code 0-9} and {@code _}
 * @param category the job type measured, or {@value #ALL_JOB_TYPES} (empty) for all job types:
 *     empty, or up to {@value #MAX_CATEGORY_LENGTH} characters and not blank
 * @param value the value; kept as {@code DECIMAL(15,6)}: rounded half up to 6 decimal places
 *     (its scale is always 6) and at most 9 digits before the point
 * @param additionalData a JSON object with details, e.g. the counts behind a rate; {@code "{}"}
 *     when none. This record checks only that it starts with <code>{</code>; a store refuses
 *     text that is not JSON
 */
public record DailyMetric(
    LocalDate date, String metricType, String category, BigDecimal value, String additionalData) {

  /** Finished jobs, the seed's {@code job_count}: {@value}. */
  public static final String JOB_COUNT = "job_count";
  /** The mean duration of finished jobs in seconds, the seed's {@code avg_duration}: {@value}. */
  public static final String AVG_DURATION = "avg_duration";
  /** The share of finished jobs that succeeded, 0 to 1, the seed's {@code success_rate}. */
  public static final String SUCCESS_RATE = "success_rate";
  /** The share of reads served from a cache tier, 0 to 1, the seed's {@code cache_hit_rate}. */
  public static final String CACHE_HIT_RATE = "cache_hit_rate";
  /** The category of a metric over all job types: {@value} (empty). */
  public static final String ALL_JOB_TYPES = "";
  /** The longest metric type, {@value}. */
  public static final int MAX_METRIC_TYPE_LENGTH = 50;
  /** The longest category, {@value}, as in the seed's {@code metric_category VARCHAR(30)}. */
  public static final int MAX_CATEGORY_LENGTH = 30;
  /** The decimal places a value keeps, {@value}. */
  public static final int SCALE = 6;
  /** The earliest date, {@code 0001-01-01}. */
  public static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);
  /** The latest date, {@code 9999-12-31}. */
  public static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);

  private static final BigDecimal LIMIT = BigDecimal.TEN.pow(9);

  /** Checks the fields and rounds the value to {@value #SCALE} decimal places. */
  public DailyMetric {
    if (date == null || date.isBefore(MIN_DATE) || date.isAfter(MAX_DATE)) {
      throw new InvalidInputException("date", date, "must be a date from " + MIN_DATE + " to "
          + MAX_DATE);
    }
    if (!isValidMetricType(metricType)) {
      throw new InvalidInputException("metricType", metricType, "must be 1-"
          + MAX_METRIC_TYPE_LENGTH + " characters of a-z, 0-9 and _");
    }
    if (category == null || category.length() > MAX_CATEGORY_LENGTH
        || (!category.isEmpty() && category.isBlank())) {
      throw new InvalidInputException("category", category, "must be a job type of at most "
          + MAX_CATEGORY_LENGTH + " characters, or empty for all job types");
    }
    if (value == null) {
      throw new InvalidInputException("value", null, "must be a number");
    }
    value = value.setScale(SCALE, RoundingMode.HALF_UP);
    if (value.abs().compareTo(LIMIT) >= 0) {
      throw new InvalidInputException("value", value.toPlainString(),
          "must have at most 9 digits before the decimal point");
    }
    if (additionalData == null || !additionalData.stripLeading().startsWith("{")) {
      throw new InvalidInputException("additionalData", additionalData,
          "must be a JSON object, \"{}\" when none");
    }
  }

  /**
   * Creates a metric from a double, as computed rates and means are.
   *
   * @param date the day
   * @param metricType the metric type
   * @param category the job type, or {@value #ALL_JOB_TYPES} for all
   * @param value the value; must be finite
   * @param additionalData a JSON object, {@code "{}"} when none
   * @return the metric
   * @throws InvalidInputException naming the offending field, {@code value} if it is not finite
   */
  public static DailyMetric of(
      LocalDate date, String metricType, String category, double value, String additionalData) {
    if (!Double.isFinite(value)) {
      throw new InvalidInputException("value", value, "must be a finite number");
    }
    return new DailyMetric(date, metricType, category, BigDecimal.valueOf(value), additionalData);
  }

  /**
   * Tells whether a text is a valid metric type: 1 to {@value #MAX_METRIC_TYPE_LENGTH}
   * characters of {@code a-z}, {@code 0-9} and {@code _}.
   *
   * @param metricType the text, may be null
   * @return true if valid
   */
  public static boolean isValidMetricType(String metricType) {
    if (metricType == null || metricType.isEmpty()
        || metricType.length() > MAX_METRIC_TYPE_LENGTH) {
      return false;
    }
    for (int i = 0; i < metricType.length(); i++) {
      char c = metricType.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
