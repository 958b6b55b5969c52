package io.prism.batch.api;

import java.time.Instant;

/**
 * An event of a running batch, delivered to {@link BatchListener}s.
 *
 * <p>The kinds follow the seeds' stream: progress, status, error, result, heartbeat, completed.
 */
public sealed interface BatchEvent {

  /**
   * Returns the batch the event is about.
   *
   * @return the batch id
   */
  String batchId();

  /**
   * Returns when the event happened.
   *
   * @return the instant
   */
  Instant at();

  /**
   * Progress at a configurable rate.
   *
   * @param batchId the batch
   * @param at when
   * @param progress the snapshot
   */
  record Progress(String batchId, Instant at, ProgressSnapshot progress) implements BatchEvent {}

  /**
   * The batch changed status.
   *
   * @param batchId the batch
   * @param at when
   * @param status the new status
   * @param message why
   */
  record Status(String batchId, Instant at, BatchStatus status, String message)
      implements BatchEvent {}

  /**
   * A task attempt failed.
   *
   * @param batchId the batch
   * @param at when
   * @param taskId the task
   * @param errorClass how the failure is treated
   * @param message the error message
   * @param attempt which attempt failed, from 1
   * @param willRetry whether the task will be tried again
   */
  record Error(
      String batchId,
      Instant at,
      String taskId,
      ErrorClass errorClass,
      String message,
      int attempt,
      boolean willRetry)
      implements BatchEvent {}

  /**
   * A task succeeded.
   *
   * @param batchId the batch
   * @param at when
   * @param taskId the task
   * @param output its output
   * @param skipped true if it was skipped because its output already existed
   */
  record Result(String batchId, Instant at, String taskId, String output, boolean skipped)
      implements BatchEvent {}

  /**
   * The batch is alive; sent at a fixed rate while it runs.
   *
   * @param batchId the batch
   * @param at when
   * @param running tasks running now
   */
  record Heartbeat(String batchId, Instant at, long running) implements BatchEvent {}

  /**
   * The batch ended; the last event of a run.
   *
   * @param batchId the batch
   * @param at when
   * @param result the result
   */
  record Completed(String batchId, Instant at, BatchResult result) implements BatchEvent {}
}
