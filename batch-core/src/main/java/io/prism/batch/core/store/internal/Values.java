package io.prism.batch.core.store.internal;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.JobRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Normalises values the way every store keeps them, so that the embedded stores return exactly
 * what PostgreSQL returns: times to whole microseconds, records never stale.
 */
public final class Values {
  private Values() {}

  /**
   * Truncates to microseconds, PostgreSQL's {@code timestamptz} precision.
   *
   * @param t the instant
   * @return the truncated instant
   */
  public static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Checks a record's payload and normalises it for storage.
   *
   * @param r the record
   * @return the record as stored
   * @throws InvalidInputException naming {@code payload} if it is not one JSON value
   */
  public static DataRecord storable(DataRecord r) {
    requireJson("payload", r.payload());
    return new DataRecord(r.key(), r.payload(), r.contentHash(), micros(r.fetchedAt()),
        r.source(), false);
  }

  /**
   * Checks a job record's summary and normalises its times.
   *
   * @param j the record
   * @return the record as stored
   * @throws InvalidInputException naming {@code resultSummary} if it is not one JSON value
   */
  public static JobRecord storable(JobRecord j) {
    requireJson("resultSummary", j.resultSummary());
    return new JobRecord(j.id(), j.jobName(), j.jobType(), j.jobCategory(), j.stockCode(),
        j.dataType(), j.watchlistId(), j.status(), j.priority(), micros(j.scheduledTime()),
        micros(j.startTime()), micros(j.endTime()), j.processedCount(), j.successCount(),
        j.failedCount(), j.errorMessage(), j.resultSummary(), j.retryCount(), j.maxRetries(),
        micros(j.createdAt()));
  }

  /**
   * Checks a daily metric's additional data.
   *
   * @param m the metric, may be null
   * @return the metric
   * @throws InvalidInputException naming {@code metrics} if it is null, {@code additionalData}
   *     if its additional data is not JSON
   */
  public static DailyMetric storable(DailyMetric m) {
    if (m == null) {
      throw new InvalidInputException("metrics", null, "must not hold null");
    }
    requireJson("additionalData", m.additionalData());
    return m;
  }

  /**
   * Checks a limit argument.
   *
   * @param limit the limit
   * @return the limit
   * @throws InvalidInputException naming {@code limit} unless it is positive
   */
  public static int requireLimit(int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit", limit, "must be at least 1");
    }
    return limit;
  }

  private static Optional<Instant> micros(Optional<Instant> t) {
    return t.map(Values::micros);
  }

  private static void requireJson(String field, String text) {
    // PostgreSQL's jsonb refuses the NUL escape; refuse it here too so every store agrees.
    if (!StoreJson.isJson(text) || text.contains("\\u0000")) {
      throw new InvalidInputException(field, text, "must be one JSON value");
    }
  }
}
