package io.prism.batch.core.engine;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.ProgressSnapshot;
import java.time.Duration;
import java.util.Optional;

/**
 * A running batch: control it and watch it. Thread-safe.
 *
 * <p>{@link #pause()} takes effect at once for new tasks: a task that has not started does
 * not start until {@link #resume()}; tasks already running finish. {@link #cancel()} cancels
 * every task that has not ended, interrupts running ones, and returns when no task is left
 * running (or after the task timeout, for processors that ignore interrupts).
 */
public interface BatchRun {

  /**
   * Returns the batch id.
   *
   * @return the id
   */
  String batchId();

  /**
   * Returns the current status.
   *
   * @return the status
   */
  BatchStatus status();

  /**
   * Tells whether this run resumed a batch found in the journal.
   *
   * @return true when resumed
   */
  boolean resumed();

  /**
   * Returns the current progress.
   *
   * @return a snapshot
   */
  ProgressSnapshot progress();

  /** Stops starting new tasks until {@link #resume()}; no-op when not running. */
  void pause();

  /** Lets workers start tasks again; no-op when not paused. */
  void resume();

  /** Cancels the batch; returns once no task is running. Idempotent. */
  void cancel();

  /**
   * Takes this engine out of the batch without ending the batch for anyone else: what a node of
   * a cluster on a shared queue (such as the PostgreSQL one) does when it shuts down. Workers
   * claim nothing more; the tasks they run finish normally (within the task timeout); tasks they
   * had claimed and not started go back to the queue, their attempts not counted, for the other
   * consumers. Unlike {@link #cancel()}, nothing of the queue is cancelled. Returns once no task
   * runs here; the run ends {@link io.prism.batch.api.BatchStatus#LEFT}. Idempotent; no-op once
   * the run ended.
   */
  void leave();

  /**
   * Waits for the batch to end.
   *
   * @return the result
   * @throws io.prism.batch.api.BatchException if the waiting thread is interrupted
   */
  BatchResult await();

  /**
   * Waits for the batch to end, at most {@code timeout}.
   *
   * @param timeout the longest wait
   * @return the result, or empty if the batch is still running
   */
  Optional<BatchResult> await(Duration timeout);
}
