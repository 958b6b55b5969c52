package io.prism.batch.api.schedule;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Fires registered {@link Schedule}s and runs their {@link FireAction}s.
 *
 * <pre>
 * try (Scheduler scheduler = LocalScheduler.builder().build()) {
 *   scheduler.register(Schedule.builder("priority_batches.level_5")
 *       .dailyAt(LocalTime.of(0, 30)).build(), fire -&gt; warm(5));
 *   scheduler.start();
 *   ...
 * }
 * </pre>
 *
 * <p>Every fire (regular, late or {@link #fireNow}) is claimed from the scheduler's {@link
 * FireGuard} first; slots that did not fire on time follow the schedule's {@link MisfirePolicy}
 * and are reported as {@link Misfire}s. Pausing a schedule holds its slots: on {@link #resume},
 * those missed while paused follow the misfire policy like any missed slot (the latest fires
 * once if still within the grace period, the rest are reported skipped).
 *
 * <p>Names that are not registered give {@link InvalidInputException} naming {@code
 * scheduleName}. Implementations must be thread-safe.
 */
public interface Scheduler extends AutoCloseable {

  /**
   * Registers a schedule. Slots from now on fire (or, if the {@link FireGuard} remembers the
   * last claimed slot, from that slot on, so missed ones are caught up); a schedule with {@code
   * enabled = false} is registered paused.
   *
   * @param schedule the schedule
   * @param action what runs on each fire
   * @throws InvalidInputException naming {@code name} if the name is taken, {@code cron} if the
   *     expression is not valid, or {@code trigger} if it never fires
   * @throws BatchException if the scheduler is closed
   */
  void register(Schedule schedule, FireAction action);

  /**
   * Replaces the definition (trigger, zone, trading-day requirement, misfire policy and grace
   * period) of the registered schedule with the same name. The schedule keeps its {@link
   * FireAction}, its counters in {@link ScheduleStatus}, and a fire of it that is running, which
   * finishes; its next regular fire waits for that one as usual.
   *
   * <p>Slots of the new definition fire from the time of the call on. Slots before the call are
   * not caught up under the new definition, including any the old one missed and had not yet
   * handled (e.g. while paused): they are dropped, not reported as {@link Misfire}s.
   *
   * <p>{@code enabled = false} pauses the schedule. {@code enabled = true} does not resume a
   * paused one: only {@link #resume} does, so a schedule paused by an operator stays paused.
   *
   * <p>If this throws, the old definition stays in force, unchanged.
   *
   * @param schedule the new definition; its name picks the schedule
   * @return the definition it replaced
   * @throws InvalidInputException naming {@code schedule} if null, {@code scheduleName} if no
   *     schedule of that name is registered, or, as {@link #register} does, {@code cron} if the
   *     expression is not valid or {@code trigger} if it never fires
   * @throws BatchException if the scheduler is closed
   */
  Schedule reschedule(Schedule schedule);

  /**
   * Removes a schedule; a fire of it that is running finishes.
   *
   * @param scheduleName the schedule
   * @return true if it was registered
   */
  boolean unregister(String scheduleName);

  /**
   * Pauses a schedule: its slots do not fire until {@link #resume}. A running fire finishes.
   * Idempotent.
   *
   * @param scheduleName the schedule
   * @throws InvalidInputException naming {@code scheduleName} if not registered
   */
  void pause(String scheduleName);

  /**
   * Resumes a paused schedule. The slots it missed while paused follow its misfire policy and
   * are reported with cause {@link MisfireCause#PAUSED}. Idempotent.
   *
   * @param scheduleName the schedule
   * @throws InvalidInputException naming {@code scheduleName} if not registered
   */
  void resume(String scheduleName);

  /** Pauses every registered schedule; schedules registered later are not affected. */
  void pauseAll();

  /** Resumes every registered schedule, as {@link #resume} does for one. */
  void resumeAll();

  /**
   * Fires a schedule now, whether or not it is paused and whether or not a fire of it is
   * running, after claiming (schedule name, now) from the {@link FireGuard}. Does not change
   * the schedule's regular slots.
   *
   * @param scheduleName the schedule
   * @return the fire started, or empty if the guard refused it
   * @throws InvalidInputException naming {@code scheduleName} if not registered
   * @throws BatchException if the scheduler is closed
   */
  Optional<ScheduleFire> fireNow(String scheduleName);

  /**
   * Previews a schedule's next slots after now, in its zone, leaving out non-trading days if it
   * requires trading days. Pausing does not change the preview.
   *
   * @param scheduleName the schedule
   * @param count how many, 1 to 1000
   * @return up to {@code count} times, ascending; fewer if it stops firing
   * @throws InvalidInputException naming {@code scheduleName} or {@code count}
   */
  List<ZonedDateTime> nextFireTimes(String scheduleName, int count);

  /**
   * Lists the registered schedules in registration order.
   *
   * @return a snapshot of each
   */
  List<ScheduleStatus> list();

  /**
   * Returns one schedule's snapshot.
   *
   * @param scheduleName the schedule
   * @return the snapshot, or empty if not registered
   */
  Optional<ScheduleStatus> status(String scheduleName);

  /**
   * Starts firing on the scheduler's own thread. Idempotent.
   *
   * @throws BatchException if the scheduler is closed
   */
  void start();

  /**
   * Stops firing and releases the scheduler's threads; fires already running finish. Idempotent.
   */
  @Override
  void close();
}
