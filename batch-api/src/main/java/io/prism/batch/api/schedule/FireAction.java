package io.prism.batch.api.schedule;

/**
 * What runs when a schedule fires, e.g. enqueueing the nightly warm job. Registered with the
 * schedule in {@link Scheduler#register}.
 *
 * <p>Runs on the scheduler's executor, never while the scheduler holds a lock, so it may call
 * the scheduler (pause itself, fire another schedule). An exception it throws is logged and
 * reported to {@link ScheduleListener#onFireFailed}; the schedule keeps firing. A scheduler does
 * not start a schedule's next regular fire while its previous one is still running (that slot is
 * reported as a {@link Misfire} with cause {@link MisfireCause#STILL_RUNNING}), but {@link
 * Scheduler#fireNow} may overlap a running fire, so an action should be safe to run concurrently
 * with itself or guard against it.
 */
@FunctionalInterface
public interface FireAction {

  /**
   * Does the work of one fire.
   *
   * @param fire which schedule and slot fired
   * @throws Exception any failure; reported, never retried by the scheduler
   */
  void run(ScheduleFire fire) throws Exception;
}
