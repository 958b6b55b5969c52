package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Stores job records (the seed's {@code batch_jobs}). SPI. Thread-safe.
 *
 * <p>Besides the records, a store keeps one flag per job: whether a cancel was requested ({@link
 * #requestCancel}). The flag is how a cancel reaches the JVM that runs a job when it is asked
 * for elsewhere: that JVM reads it with {@link #cancelRequested} and cancels the job itself,
 * whose record then ends {@link JobStatus#CANCELLED}. {@link #update} never changes the flag.
 *
 * <pre>{@code
 * // any JVM sharing the store
 * boolean standing = jobs.requestCancel(42);
 * // the JVM running job 42, at its poll interval
 * if (jobs.cancelRequested(42)) {
 *   run.cancel();
 * }
 * }</pre>
 *
 * <p>A store also keeps the set of paused task types ({@link #pauseTaskType}), so that job
 * control on every JVM sharing the store holds back the tasks of those types in the jobs it
 * runs, and the daily performance metrics (the seed's {@code batch_performance_metrics}, {@link
 * #putDailyMetrics}), which job control rolls up from the jobs that finished on a day ({@link
 * #finishedBetween}).
 */
public interface JobStore extends AutoCloseable {

  /**
   * Stores a new record.
   *
   * @param job the record; its id is ignored
   * @return the record with its id
   */
  JobRecord create(JobRecord job);

  /**
   * Replaces a stored record.
   *
   * @param job the record with its id
   */
  void update(JobRecord job);

  /**
   * Reads a record.
   *
   * @param id the id
   * @return the record, or empty
   */
  Optional<JobRecord> get(long id);

  /**
   * Lists the newest records, optionally of one type.
   *
   * @param jobType the type, or empty for all
   * @param limit the most records
   * @return newest first
   */
  List<JobRecord> recent(Optional<String> jobType, int limit);

  /**
   * Deletes a finished job's record (status {@code success}, {@code failed} or {@code
   * cancelled}) with its cancel flag. A job that is pending or running is not deleted: cancel it
   * first, and delete it once it ended.
   *
   * @param jobId the job's id
   * @return true if the record was deleted, false if no record has this id
   * @throws io.prism.batch.api.InvalidInputException naming {@code jobId} if the job is pending
   *     or running
   */
  boolean delete(long jobId);

  /**
   * Asks for a job to be cancelled by whichever JVM runs it, by setting the job's cancel flag.
   * Only a job that is {@link JobStatus#PENDING pending} or {@link JobStatus#RUNNING running}
   * is flagged; a finished or missing one is left as it is. Idempotent: asking again for a
   * flagged job that is still pending or running returns true and changes nothing.
   *
   * <p>The record's status is not changed here: the JVM that runs the job cancels it and writes
   * the final status.
   *
   * @param jobId the job's id
   * @return true if the job exists and is pending or running, so the request stands; false if
   *     no record has this id or the job has finished
   */
  boolean requestCancel(long jobId);

  /**
   * Tells whether a cancel was requested for a job ({@link #requestCancel} returned true for
   * it). The flag stays set after the job ends.
   *
   * @param jobId the job's id
   * @return true if its cancel flag is set; false if not, or if no record has this id
   */
  boolean cancelRequested(long jobId);

  /**
   * Records that tasks of a type are paused, for every JVM sharing the store: job control reads
   * the set ({@link #pausedTaskTypes}) and keeps its running jobs from claiming such tasks until
   * the type is resumed. Durable where the store is. Idempotent.
   *
   * @param taskType a task type, as in {@link io.prism.batch.api.Task#type()}, e.g. {@code
   *     warm}; it need not have tasks
   * @return true if this call paused it, false if it was paused already
   * @throws io.prism.batch.api.InvalidInputException naming {@code taskType} if it is not a
   *     valid task type
   */
  boolean pauseTaskType(String taskType);

  /**
   * Removes a task type from the paused set. Idempotent.
   *
   * @param taskType a task type
   * @return true if this call resumed it, false if it was not paused
   * @throws io.prism.batch.api.InvalidInputException naming {@code taskType} if it is not a
   *     valid task type
   */
  boolean resumeTaskType(String taskType);

  /**
   * Returns the paused task types.
   *
   * @return the types, sorted; empty when none is paused
   */
  Set<String> pausedTaskTypes();

  /**
   * Lists the jobs that ended in a time range: those whose end time is at or after {@code from}
   * and before {@code to}, whatever their status.
   *
   * @param from the start of the range, inclusive
   * @param to the end of the range, exclusive
   * @return ordered by end time, then id; empty when none, or when {@code from} equals {@code to}
   * @throws io.prism.batch.api.InvalidInputException naming {@code from} if it is after {@code
   *     to}
   */
  List<JobRecord> finishedBetween(Instant from, Instant to);

  /**
   * Stores daily metrics, each replacing the stored metric with its date, metric type and
   * category, if any. All or nothing: when one metric cannot be stored (its additional data is
   * not JSON, say) nothing is written. Two metrics of the call with the same date, type and
   * category: the later one wins.
   *
   * @param metrics the metrics; empty writes nothing
   * @throws io.prism.batch.api.InvalidInputException naming {@code additionalData} if a metric's
   *     additional data is not a JSON object, {@code metrics} if an element is null
   */
  void putDailyMetrics(Collection<DailyMetric> metrics);

  /**
   * Lists the daily metrics of a date range (the seed's {@code GET /api/v1/batch/metrics}).
   *
   * @param from the first day, inclusive
   * @param to the last day, inclusive
   * @param metricType one metric type, e.g. {@value DailyMetric#SUCCESS_RATE}, or empty for all
   * @return ordered by date, metric type and category (by their characters, as {@link
   *     String#compareTo} does); empty when none
   * @throws io.prism.batch.api.InvalidInputException naming {@code from} if it is after {@code
   *     to}
   */
  List<DailyMetric> dailyMetrics(LocalDate from, LocalDate to, Optional<String> metricType);

  /**
   * Checks the bounds of a range argument as every store does, for {@link #finishedBetween} and
   * {@link #dailyMetrics}.
   *
   * @param from the start
   * @param to the end
   * @param <T> the bounds' type, e.g. {@link Instant} or {@link LocalDate}
   * @throws NullPointerException if a bound is null
   * @throws io.prism.batch.api.InvalidInputException naming {@code from} if it is after {@code
   *     to}
   */
  static <T extends Comparable<? super T>> void requireRange(T from, T to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.compareTo(to) > 0) {
      throw new InvalidInputException("from", from, "must not be after to (" + to + ")");
    }
  }

  /** Releases resources. */
  @Override
  default void close() {}
}
