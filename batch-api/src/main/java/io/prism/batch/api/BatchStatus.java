package io.prism.batch.api;

/** The state of a whole batch run. */
public enum BatchStatus {
  /** Built, not started. */
  CREATED,
  /** Workers are claiming and running tasks. */
  RUNNING,
  /** Workers hold; no new task starts until resumed. */
  PAUSED,
  /** Every task ended and none failed. Terminal. */
  COMPLETED,
  /** Every task ended and at least one failed. Terminal. */
  COMPLETED_WITH_FAILURES,
  /** Cancelled by a caller. Terminal. */
  CANCELLED,
  /** The whole-batch timeout ran out. Terminal. */
  TIMED_OUT,
  /**
   * This run left a queue it shares with other consumers: it claims nothing more, the tasks it
   * ran finished, those it had claimed and not started went back to the queue, and the batch goes
   * on there. Terminal for this run.
   */
  LEFT;

  /**
   * Tells whether the run is over.
   *
   * @return true for the terminal states
   */
  public boolean isTerminal() {
    return this != CREATED && this != RUNNING && this != PAUSED;
  }
}
