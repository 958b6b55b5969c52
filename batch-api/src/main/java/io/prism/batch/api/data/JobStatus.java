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
  CANCELLED
}
