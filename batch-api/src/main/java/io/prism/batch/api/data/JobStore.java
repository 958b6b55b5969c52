package io.prism.batch.api.data;

import java.util.List;
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
 * runs.
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

  /** Releases resources. */
  @Override
  default void close() {}
}
