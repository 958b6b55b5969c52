package io.prism.batch.api;

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
   * Tells whether the batch was cancelled or the task ran out of time; long-running
   * processors should check it and stop.
   *
   * @return true when the task should stop
   */
  boolean isCancelled();
}
