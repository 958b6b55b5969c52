package io.prism.batch.api.schedule;

import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one registered schedule, from {@link Scheduler#list} or {@link
 * Scheduler#status}. Immutable and thread-safe.
 *
 * @param schedule the schedule as registered, or as last {@linkplain Scheduler#reschedule
 *     rescheduled}
 * @param paused whether it is paused
 * @param running whether a fire of it is running now
 * @param nextFireTime its next slot after the last one handled (a paused schedule's slots wait
 *     for {@link Scheduler#resume}); empty if it never fires again
 * @param lastFire the latest fire started here; empty if none
 * @param firedCount fires started here, including {@link Scheduler#fireNow}
 * @param skippedCount slots that never ran here (see {@link Misfire#skippedCount()})
 * @param deniedCount slots the {@link FireGuard} refused
 * @param failedCount fires whose action threw
 */
public record ScheduleStatus(
    Schedule schedule,
    boolean paused,
    boolean running,
    Optional<ZonedDateTime> nextFireTime,
    Optional<ScheduleFire> lastFire,
    long firedCount,
    long skippedCount,
    long deniedCount,
    long failedCount) {

  /** Checks no value is null. */
  public ScheduleStatus {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(nextFireTime, "nextFireTime");
    Objects.requireNonNull(lastFire, "lastFire");
  }

  /**
   * Returns the schedule's name.
   *
   * @return the name
   */
  public String name() {
    return schedule.name();
  }
}
