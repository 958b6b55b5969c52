package io.prism.batch.core.jobs;

import io.prism.batch.api.data.JobRecord;
import java.util.Set;

/**
 * Tells a {@link JobControl} about the jobs that {@link WarmJobs} runs on a thread the control
 * runs an action on: their records, and a handle to cancel each one or hold back task types. {@link WarmJobs} reports to the
 * observer of its calling thread, if there is one; without one, nothing happens.
 *
 * <p>Package-private plumbing between the two classes; the observer is thread-confined.
 */
final class JobScope {
  private static final ThreadLocal<Observer> CURRENT = new ThreadLocal<>();
  private static final Runnable NOTHING = () -> { };

  /** What a control can do to one job. Thread-safe. */
  interface JobHandle {
    /** Cancels the job, before or after its engine started; returns once its tasks stopped. */
    void cancel();

    /**
     * Makes the job's queue hold back tasks of exactly these types from now on, until called
     * again with another set; applied before the engine claims its first task when called
     * before it starts.
     *
     * @param pausedTypes the paused task types
     */
    void holdBack(Set<String> pausedTypes);
  }

  private JobScope() {}

  /** Learns of the jobs started on a thread. */
  interface Observer {
    /**
     * A job's record exists and the job is about to run on this thread.
     *
     * @param job the record as created (pending)
     * @param handle cancels the job or holds back task types
     * @return what to run when the job has ended, its final record written or not
     */
    Runnable started(JobRecord job, JobHandle handle);
  }

  /**
   * Runs an action with an observer on this thread, then restores the thread's previous one.
   *
   * @param observer the observer
   * @param action the action
   */
  static void run(Observer observer, Runnable action) {
    Observer previous = CURRENT.get();
    CURRENT.set(observer);
    try {
      action.run();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /**
   * Reports a job to this thread's observer, if any.
   *
   * @param job the record as created
   * @param handle cancels the job or holds back task types
   * @return what to run when the job has ended
   */
  static Runnable started(JobRecord job, JobHandle handle) {
    Observer o = CURRENT.get();
    return o == null ? NOTHING : o.started(job, handle);
  }
}
