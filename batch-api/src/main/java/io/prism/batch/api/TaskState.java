package io.prism.batch.api;

/** The state of one task. */
public enum TaskState {
  /** Waiting to be claimed. */
  PENDING,
  /** Claimed by a worker under a lease. */
  RUNNING,
  /** Failed and waiting for its retry time; claimable again after it. */
  RETRYING,
  /** Finished successfully. Terminal. */
  SUCCEEDED,
  /** Failed for good (permanent error or attempts exhausted). Terminal. */
  FAILED,
  /** Cancelled before it finished. Terminal. */
  CANCELLED;

  /**
   * Tells whether the state is final.
   *
   * @return true for succeeded, failed and cancelled
   */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
