package io.prism.batch.api.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One fire of a schedule, handed to its {@link FireAction} and to {@link ScheduleListener}s.
 * Immutable and thread-safe.
 *
 * @param scheduleName the schedule
 * @param scheduledTime the slot that fired (for {@link Scheduler#fireNow}, the time of the call);
 *     with the name, the identity claimed from the {@link FireGuard}
 * @param actualTime when the scheduler started the fire
 * @param fireNow true for a fire asked for with {@link Scheduler#fireNow}
 */
public record ScheduleFire(
    String scheduleName, Instant scheduledTime, Instant actualTime, boolean fireNow) {

  /** Checks no value is null. */
  public ScheduleFire {
    Objects.requireNonNull(scheduleName, "scheduleName");
    Objects.requireNonNull(scheduledTime, "scheduledTime");
    Objects.requireNonNull(actualTime, "actualTime");
  }

  /**
   * Returns how late the fire started, zero if not late.
   *
   * @return {@code actualTime - scheduledTime}, at least zero
   */
  public Duration lateness() {
    Duration d = Duration.between(scheduledTime, actualTime);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
