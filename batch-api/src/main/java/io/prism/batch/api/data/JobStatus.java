package io.prism.batch.api.data;

/** The status of a job record (the seed's {@code batch_jobs.status}). */
public enum JobStatus {
  /** Created, not started. */
  PENDING,
  /** Running. */
  RUNNING,
  /** Finished; all or most items succeeded. */
  SUCCESS,
  /** Finished with failure. */
  FAILED,
  /** Cancelled. */
  CANCELLED;

  /**
   * Tells whether a job with this status has ended: {@link #SUCCESS}, {@link #FAILED} or {@link
   * #CANCELLED}. A pending or running job may still be cancelled.
   *
   * @return true if final
   */
  public boolean isFinished() {
    return this == SUCCESS || this == FAILED || this == CANCELLED;
  }
}
