package io.prism.batch.api;

import java.util.Optional;

/**
 * The engine's services to a running processor. Valid only during the call it was passed to.
 */
public interface TaskContext {

  /**
   * Returns the id of the batch the task belongs to.
   *
   * @return the batch id
   */
  String batchId();

  /**
   * Takes a permit of a named rate-limited resource, waiting for the token bucket and the
   * concurrency limit. Close the permit when the call is done.
   *
   * @param resource the resource name
   * @return the permit
   * @throws QuotaExhaustedException if the resource's daily quota is used up
   * @throws InterruptedException if the run is cancelled or times out while waiting
   */
  Permit acquire(String resource) throws InterruptedException;

  /**
   * Advances a named stage's progress by {@code done} items, creating the stage with the given
   * total on first use.
   *
   * @param stage the stage name
   * @param done items completed now
   * @param total the stage's total item count
   */
  void advanceStage(String stage, long done, long total);

  /**
   * Returns the lease under which a task of this call runs, for processors that make their side
   * effects conditional on still holding it (e.g. in one transaction with the completion, which
   * a queue may offer, such as {@code PostgresTaskQueue.inLeaseTransaction}).
   *
   * @param task a task passed to the current {@code process} or {@code processBatch} call
   * @return its lease; empty for any other task, or where the caller runs tasks without leases
   */
  default Optional<Lease> lease(Task task) {
    return Optional.empty();
  }

  /**
   * Tells whether the batch was cancelled or the task ran out of time; long-running
   * processors should check it and stop.
   *
   * @return true when the task should stop
   */
  boolean isCancelled();
}
