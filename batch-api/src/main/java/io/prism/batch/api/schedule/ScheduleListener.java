package io.prism.batch.api.schedule;

import java.time.Instant;

/**
 * Receives what a scheduler does. Every method has an empty default; implement those you need.
 *
 * <p>Called synchronously on the thread that decided (the scheduler's thread, a caller of
 * {@code runDue} or {@code fireNow}) or, for {@link #onFireFailed}, the executor's thread; keep
 * it quick. An exception it throws is logged and otherwise ignored. Implementations must be
 * thread-safe.
 */
public interface ScheduleListener {

  /**
   * A fire was claimed and its action is being started.
   *
   * @param fire the fire
   */
  default void onFire(ScheduleFire fire) {}

  /**
   * A fire's action threw.
   *
   * @param fire the fire
   * @param error what it threw
   */
  default void onFireFailed(ScheduleFire fire, Throwable error) {}

  /**
   * Slots did not fire on time: skipped, or the latest fired once late.
   *
   * @param misfire the report
   */
  default void onMisfire(Misfire misfire) {}

  /**
   * The {@link FireGuard} refused a slot: another node (or an earlier run) already claimed it, so
   * it did not run here.
   *
   * @param scheduleName the schedule
   * @param scheduledTime the slot
   */
  default void onFireDenied(String scheduleName, Instant scheduledTime) {}
}
