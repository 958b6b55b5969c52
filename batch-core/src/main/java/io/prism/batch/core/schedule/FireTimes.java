package io.prism.batch.core.schedule;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.TradingCalendar;
import io.prism.batch.api.schedule.Trigger;
import io.prism.batch.core.schedule.internal.CronSlots;
import io.prism.batch.core.schedule.internal.DailySlots;
import io.prism.batch.core.schedule.internal.SlotSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes the fire times of a {@link Schedule}: its trigger's wall-clock slots in its zone,
 * without non-trading days if it requires trading days.
 *
 * <p><b>Daylight saving.</b> Slots are wall-clock times, and each wall-clock slot fires at most
 * once:
 *
 * <ul>
 *   <li>a slot in a spring-forward gap fires later by the length of the gap — a daily 02:30 in
 *       America/New_York fires at 03:30 EDT on the day clocks jump from 02:00 to 03:00 (the rule
 *       of {@link ZonedDateTime#of}); a slot shifted onto a time that is itself a slot fires
 *       once;
 *   <li>a slot in a fall-back overlap fires once, at the first occurrence (the earlier offset) —
 *       a daily 01:30 fires at 01:30 EDT, not again at 01:30 EST; the repeated hour's slots do
 *       not fire a second time.
 * </ul>
 *
 * <p><b>Trading days</b> are judged by the slot's date in the schedule's zone.
 *
 * <pre>{@code
 * FireTimes times = FireTimes.of(schedule, AShareTradingCalendar.bundled());
 * List<ZonedDateTime> next = times.next(Instant.now(), 5);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class FireTimes {

  /** How far ahead a search for the next slot looks before giving up: 60 years. */
  public static final int HORIZON_YEARS = 60;
  /** The most slots one search examines before giving up. */
  public static final int MAX_STEPS = 50_000;
  /** The most fire times {@link #next} returns. */
  public static final int MAX_PREVIEW = 1000;

  private static final Instant PROBE = Instant.parse("2000-01-01T00:00:00Z");

  private final Schedule schedule;
  private final SlotSource slots;
  private final TradingCalendar calendar;
  private final ZoneId zone;
  private final ZoneRules rules;

  private FireTimes(Schedule schedule, SlotSource slots, TradingCalendar calendar) {
    this.schedule = schedule;
    this.slots = slots;
    this.calendar = calendar;
    this.zone = schedule.zone();
    this.rules = zone.getRules();
  }

  /**
   * Creates the fire times of a schedule and checks that it fires at all.
   *
   * @param schedule the schedule
   * @param calendar the trading calendar, used if the schedule requires trading days
   * @return the fire times
   * @throws InvalidInputException naming {@code cron} if the expression is not valid, or {@code
   *     trigger} if it never fires (e.g. {@code 0 0 30 2 *}, or Sundays on trading days only)
   */
  public static FireTimes of(Schedule schedule, TradingCalendar calendar) {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(calendar, "calendar");
    FireTimes times = new FireTimes(schedule, slotsOf(schedule.trigger()), calendar);
    if (times.nextInstantAfter(PROBE).isEmpty()) {
      throw new InvalidInputException("trigger", schedule.trigger().text(),
          schedule.requiresTradingDay() ? "never fires on a trading day" : "never fires");
    }
    return times;
  }

  /**
   * Checks a trigger's syntax and that it fires at all, without a calendar.
   *
   * @param trigger the trigger
   * @throws InvalidInputException naming {@code cron} or {@code trigger}
   */
  public static void validate(Trigger trigger) {
    Objects.requireNonNull(trigger, "trigger");
    SlotSource s = slotsOf(trigger);
    if (s.nextAfter(LocalDateTime.ofInstant(PROBE, ZoneOffset.UTC)).isEmpty()) {
      throw new InvalidInputException("trigger", trigger.text(), "never fires");
    }
  }

  /**
   * Returns the schedule these times belong to.
   *
   * @return the schedule
   */
  public Schedule schedule() {
    return schedule;
  }

  /**
   * Returns the first fire time strictly after an instant.
   *
   * @param after the instant
   * @return the time in the schedule's zone, or empty if it never fires again
   */
  public Optional<ZonedDateTime> nextAfter(Instant after) {
    return nextInstantAfter(after).map(i -> i.atZone(zone));
  }

  /**
   * Returns the next fire times strictly after an instant.
   *
   * @param after the instant
   * @param count how many, 1 to {@value #MAX_PREVIEW}
   * @return up to {@code count} times, ascending, in the schedule's zone
   * @throws InvalidInputException naming {@code count} if out of range
   */
  public List<ZonedDateTime> next(Instant after, int count) {
    if (count < 1 || count > MAX_PREVIEW) {
      throw new InvalidInputException("count", count, "must be between 1 and " + MAX_PREVIEW);
    }
    List<ZonedDateTime> out = new ArrayList<>(count);
    Instant t = after;
    while (out.size() < count) {
      Optional<Instant> n = nextInstantAfter(t);
      if (n.isEmpty()) {
        break;
      }
      t = n.get();
      out.add(t.atZone(zone));
    }
    return List.copyOf(out);
  }

  /**
   * Returns the first fire instant strictly after an instant.
   *
   * @param after the instant
   * @return the instant, or empty if it never fires again (within {@value #HORIZON_YEARS} years)
   */
  public Optional<Instant> nextInstantAfter(Instant after) {
    Objects.requireNonNull(after, "after");
    LocalDateTime start = LocalDateTime.ofInstant(after, zone);
    // A spring-forward gap shortly before `after` may have pushed an earlier wall-clock slot to
    // an instant after it: start the search at the gap in that case.
    ZoneOffsetTransition gap = rules.previousTransition(after.plusNanos(1));
    if (gap != null && gap.isGap() && after.isBefore(gap.getInstant().plus(gap.getDuration()))) {
      LocalDateTime gapStart = gap.getDateTimeBefore().minusNanos(1);
      if (gapStart.isBefore(start)) {
        start = gapStart;
      }
    }
    LocalDateTime horizon = start.plusYears(HORIZON_YEARS);
    Instant best = null;
    LocalDateTime bestLocal = null;
    LocalDateTime cursor = start;
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<LocalDateTime> next = slots.nextAfter(cursor);
      if (next.isEmpty()) {
        break;
      }
      LocalDateTime slot = next.get();
      if (slot.isAfter(horizon) || (bestLocal != null && !slot.isBefore(bestLocal))) {
        break;
      }
      if (schedule.requiresTradingDay() && !calendar.isTradingDay(slot.toLocalDate())) {
        cursor = slot.toLocalDate().plusDays(1).atStartOfDay().minusNanos(1);
        continue;
      }
      // ZonedDateTime.of: a gap moves the slot later by the gap, an overlap takes the earlier
      // offset, so a repeated wall-clock slot fires once.
      Instant resolved = ZonedDateTime.of(slot, zone).toInstant();
      if (resolved.isAfter(after) && (best == null || resolved.isBefore(best))) {
        best = resolved;
        bestLocal = LocalDateTime.ofInstant(resolved, zone);
      }
      cursor = slot;
    }
    return Optional.ofNullable(best);
  }

  /**
   * Returns the latest fire instant in a closed range, found without walking every slot before
   * it: the search window doubles backwards from {@code to} until it holds a slot.
   *
   * @param from the start of the range, inclusive
   * @param to the end of the range, inclusive
   * @return the latest fire instant {@code t} with {@code from <= t <= to}, or empty
   */
  public Optional<Instant> latestBetween(Instant from, Instant to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (to.isBefore(from)) {
      return Optional.empty();
    }
    Duration window = Duration.ofSeconds(1);
    while (true) {
      Instant probe = to.minus(window);
      boolean whole = !probe.isAfter(from);
      if (whole) {
        probe = from.minusNanos(1);
      }
      Optional<Instant> found = nextInstantAfter(probe);
      if (found.isPresent() && !found.get().isAfter(to)) {
        Instant last = found.get();
        for (Optional<Instant> n = nextInstantAfter(last);
            n.isPresent() && !n.get().isAfter(to);
            n = nextInstantAfter(last)) {
          last = n.get();
        }
        return Optional.of(last);
      }
      if (whole) {
        return Optional.empty();
      }
      window = window.multipliedBy(2);
    }
  }

  @Override
  public String toString() {
    return "FireTimes{" + schedule.name() + ": " + slots + " in " + zone
        + (schedule.requiresTradingDay() ? ", trading days" : "") + "}";
  }

  private static SlotSource slotsOf(Trigger trigger) {
    if (trigger instanceof Trigger.Cron c) {
      return CronSlots.parse(c);
    }
    return new DailySlots(((Trigger.DailyAt) trigger).time());
  }
}
