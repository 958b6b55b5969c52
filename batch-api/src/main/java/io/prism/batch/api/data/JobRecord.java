package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a job, with the seed's {@code batch_jobs} fields.
 *
 * @param id the store's id; 0 before it is stored
 * @param jobName a readable name
 * @param jobType e.g. {@code watchlist_warm}, {@code market_scan}, {@code cache_clean},
 *     {@code rag_sync}
 * @param jobCategory {@code scheduled}, {@code manual} or {@code priority}
 * @param stockCode the stock processed, if one
 * @param dataType the data type processed, if one
 * @param watchlistId the watchlist processed, if one
 * @param status the status
 * @param priority 1 to 5
 * @param scheduledTime when it was meant to run
 * @param startTime when it started
 * @param endTime when it ended
 * @param processedCount items processed
 * @param successCount items that succeeded
 * @param failedCount items that failed
 * @param errorMessage the error, if it failed
 * @param resultSummary a JSON summary; {@code "{}"} when none
 * @param retryCount retries made
 * @param maxRetries retries allowed
 * @param createdAt when the record was created
 */
public record JobRecord(
    long id,
    String jobName,
    String jobType,
    String jobCategory,
    Optional<String> stockCode,
    Optional<String> dataType,
    Optional<Long> watchlistId,
    JobStatus status,
    int priority,
    Optional<Instant> scheduledTime,
    Optional<Instant> startTime,
    Optional<Instant> endTime,
    long processedCount,
    long successCount,
    long failedCount,
    Optional<String> errorMessage,
    String resultSummary,
    int retryCount,
    int maxRetries,
    Instant createdAt) {

  /** Checks the fields. */
  public JobRecord {
    if (jobName == null || jobName.isBlank() || jobName.length() > 100) {
      throw new InvalidInputException("jobName", jobName, "must be 1-100 characters");
    }
    if (jobType == null || jobType.isBlank() || jobType.length() > 50) {
      throw new InvalidInputException("jobType", jobType, "must be 1-50 characters");
    }
    if (jobCategory == null || jobCategory.isBlank() || jobCategory.length() > 30) {
      throw new InvalidInputException("jobCategory", jobCategory, "must be 1-30 characters");
    }
    if (priority < 1 || priority > 5) {
      throw new InvalidInputException("priority", priority, "must be between 1 and 5");
    }
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stockCode, "stockCode");
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(watchlistId, "watchlistId");
    Objects.requireNonNull(scheduledTime, "scheduledTime");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(endTime, "endTime");
    Objects.requireNonNull(errorMessage, "errorMessage");
    resultSummary = resultSummary == null || resultSummary.isBlank() ? "{}" : resultSummary;
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * Creates a pending record.
   *
   * @param jobName the name
   * @param jobType the type
   * @param jobCategory the category
   * @param priority the priority
   * @param now the creation time
   * @return the record
   */
  public static JobRecord pending(
      String jobName, String jobType, String jobCategory, int priority, Instant now) {
    return new JobRecord(0, jobName, jobType, jobCategory, Optional.empty(), Optional.empty(),
        Optional.empty(), JobStatus.PENDING, priority, Optional.empty(), Optional.empty(),
        Optional.empty(), 0, 0, 0, Optional.empty(), "{}", 0, 3, now);
  }

  /**
   * Returns a copy marked running.
   *
   * @param at the start time
   * @return the copy
   */
  public JobRecord started(Instant at) {
    return new JobRecord(id, jobName, jobType, jobCategory, stockCode, dataType, watchlistId,
        JobStatus.RUNNING, priority, scheduledTime, Optional.of(at), endTime, processedCount,
        successCount, failedCount, errorMessage, resultSummary, retryCount, maxRetries, createdAt);
  }

  /**
   * Returns a copy marked finished.
   *
   * @param finalStatus the status
   * @param at the end time
   * @param processed items processed
   * @param succeeded items succeeded
   * @param failed items failed
   * @param error the error, if any
   * @param summary JSON summary
   * @return the copy
   */
  public JobRecord finished(JobStatus finalStatus, Instant at, long processed, long succeeded,
      long failed, Optional<String> error, String summary) {
    return new JobRecord(id, jobName, jobType, jobCategory, stockCode, dataType, watchlistId,
        finalStatus, priority, scheduledTime, startTime, Optional.of(at), processed, succeeded,
        failed, error, summary, retryCount, maxRetries, createdAt);
  }

  /**
   * Returns a copy with the store's id.
   *
   * @param newId the id
   * @return the copy
   */
  public JobRecord withId(long newId) {
    return new JobRecord(newId, jobName, jobType, jobCategory, stockCode, dataType, watchlistId,
        status, priority, scheduledTime, startTime, endTime, processedCount, successCount,
        failedCount, errorMessage, resultSummary, retryCount, maxRetries, createdAt);
  }
}
