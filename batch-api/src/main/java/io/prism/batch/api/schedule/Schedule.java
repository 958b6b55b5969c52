package io.prism.batch.api.schedule;

import io.prism.batch.api.InvalidInputException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * A named schedule: when it fires ({@link Trigger} in a {@link ZoneId}), whether only on trading
 * days, what happens to a fire it missed, and whether it starts enabled. Immutable and
 * thread-safe; construction checks every field and names the offending one in an {@link
 * InvalidInputException}.
 *
 * <pre>
 * Schedule intraday = Schedule.builder("market_tasks.intraday_update")
 *     .cron("*&#47;30 9-15 * * MON-FRI")
 *     .requiresTradingDay(true)
 *     .gracePeriod(Duration.ofMinutes(5))
 *     .build();
 * </pre>
 *
 * @param name unique within a scheduler; 1-{@value #MAX_NAME_LENGTH} characters, no whitespace
 * @param trigger when it fires, as wall-clock times in {@code zone}
 * @param zone the time zone of the trigger (and of the trading-day check)
 * @param requiresTradingDay whether slots on non-trading days (weekends, exchange holidays) are
 *     left out
 * @param misfirePolicy what to do with a slot that did not fire on time
 * @param gracePeriod how late a missed slot may still fire under {@link
 *     MisfirePolicy#FIRE_ONCE_IF_WITHIN_GRACE}; 0 to {@link #MAX_GRACE_PERIOD}
 * @param enabled false registers the schedule paused (or, on {@link Scheduler#reschedule}, pauses
 *     it); only {@link Scheduler#resume} enables it
 */
public record Schedule(
    String name,
    Trigger trigger,
    ZoneId zone,
    boolean requiresTradingDay,
    MisfirePolicy misfirePolicy,
    Duration gracePeriod,
    boolean enabled) {

  /** The longest schedule name. */
  public static final int MAX_NAME_LENGTH = 200;
  /** The default zone: Asia/Shanghai, where the A-share market trades. */
  public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
  /** The default misfire policy: {@link MisfirePolicy#FIRE_ONCE_IF_WITHIN_GRACE}. */
  public static final MisfirePolicy DEFAULT_MISFIRE_POLICY =
      MisfirePolicy.FIRE_ONCE_IF_WITHIN_GRACE;
  /** The default grace period: 10 minutes. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);
  /** The longest grace period: 7 days. */
  public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(7);

  /** Checks every field. */
  public Schedule {
    checkName(name);
    if (trigger == null) {
      throw new InvalidInputException(
          "trigger", null, "must be set: a cron expression or a daily time");
    }
    if (zone == null) {
      throw new InvalidInputException("zone", null, "must be a time zone, e.g. Asia/Shanghai");
    }
    if (misfirePolicy == null) {
      throw new InvalidInputException(
          "misfirePolicy", null, "must be FIRE_ONCE_IF_WITHIN_GRACE or SKIP");
    }
    checkGrace(gracePeriod);
  }

  /**
   * Starts a builder with the defaults: zone {@link #DEFAULT_ZONE}, every day (not only trading
   * days), {@link #DEFAULT_MISFIRE_POLICY}, {@link #DEFAULT_GRACE_PERIOD}, enabled. A trigger
   * must be set.
   *
   * @param name the schedule name
   * @return a builder
   * @throws InvalidInputException naming {@code name} if it is invalid
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Starts a builder holding this schedule's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder(name)
        .trigger(trigger)
        .zone(zone)
        .requiresTradingDay(requiresTradingDay)
        .misfirePolicy(misfirePolicy)
        .gracePeriod(gracePeriod)
        .enabled(enabled);
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new InvalidInputException(
          "name", name, "must be 1-" + MAX_NAME_LENGTH + " characters, not blank");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new InvalidInputException(
            "name", name, "must not contain whitespace or control characters");
      }
    }
  }

  private static void checkGrace(Duration grace) {
    if (grace == null || grace.isNegative() || grace.compareTo(MAX_GRACE_PERIOD) > 0) {
      throw new InvalidInputException(
          "gracePeriod", grace, "must be between 0 and " + MAX_GRACE_PERIOD);
    }
  }

  /**
   * Builds a {@link Schedule}. Each setter checks its value at once and names it in an {@link
   * InvalidInputException}. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private Trigger trigger;
    private ZoneId zone = DEFAULT_ZONE;
    private boolean requiresTradingDay;
    private MisfirePolicy misfirePolicy = DEFAULT_MISFIRE_POLICY;
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private boolean enabled = true;

    private Builder(String name) {
      checkName(name);
      this.name = name;
    }

    /**
     * Sets the trigger.
     *
     * @param trigger a cron or daily-at trigger
     * @return this builder
     * @throws InvalidInputException naming {@code trigger} if null
     */
    public Builder trigger(Trigger trigger) {
      if (trigger == null) {
        throw new InvalidInputException(
            "trigger", null, "must be a cron expression or a daily time");
      }
      this.trigger = trigger;
      return this;
    }

    /**
     * Sets a cron trigger; see {@link Trigger.Cron}.
     *
     * @param expression 5 or 6 fields
     * @return this builder
     * @throws InvalidInputException naming {@code cron}
     */
    public Builder cron(String expression) {
      return trigger(Trigger.cron(expression));
    }

    /**
     * Sets a daily-at trigger; see {@link Trigger.DailyAt}.
     *
     * @param time the time of day
     * @return this builder
     * @throws InvalidInputException naming {@code at}
     */
    public Builder dailyAt(LocalTime time) {
      return trigger(Trigger.dailyAt(time));
    }

    /**
     * Sets the time zone of the trigger.
     *
     * @param zone the zone; default {@link #DEFAULT_ZONE}
     * @return this builder
     * @throws InvalidInputException naming {@code zone} if null
     */
    public Builder zone(ZoneId zone) {
      if (zone == null) {
        throw new InvalidInputException("zone", null, "must be a time zone, e.g. Asia/Shanghai");
      }
      this.zone = zone;
      return this;
    }

    /**
     * Sets the time zone by id.
     *
     * @param zoneId e.g. {@code Asia/Shanghai}, {@code America/New_York}
     * @return this builder
     * @throws InvalidInputException naming {@code zone} if the id is unknown
     */
    public Builder zone(String zoneId) {
      if (zoneId == null || zoneId.isBlank()) {
        throw new InvalidInputException("zone", zoneId, "must be a time zone, e.g. Asia/Shanghai");
      }
      try {
        return zone(ZoneId.of(zoneId.trim()));
      } catch (DateTimeException e) {
        throw new InvalidInputException("zone", zoneId, "is not a known time zone");
      }
    }

    /**
     * Sets whether only trading days fire.
     *
     * @param requiresTradingDay true to skip weekends and exchange holidays; default false
     * @return this builder
     */
    public Builder requiresTradingDay(boolean requiresTradingDay) {
      this.requiresTradingDay = requiresTradingDay;
      return this;
    }

    /**
     * Sets the misfire policy.
     *
     * @param misfirePolicy default {@link #DEFAULT_MISFIRE_POLICY}
     * @return this builder
     * @throws InvalidInputException naming {@code misfirePolicy} if null
     */
    public Builder misfirePolicy(MisfirePolicy misfirePolicy) {
      if (misfirePolicy == null) {
        throw new InvalidInputException(
            "misfirePolicy", null, "must be FIRE_ONCE_IF_WITHIN_GRACE or SKIP");
      }
      this.misfirePolicy = misfirePolicy;
      return this;
    }

    /**
     * Sets how late a missed slot may still fire.
     *
     * @param gracePeriod 0 to {@link #MAX_GRACE_PERIOD}; default {@link #DEFAULT_GRACE_PERIOD}
     * @return this builder
     * @throws InvalidInputException naming {@code gracePeriod} if out of range
     */
    public Builder gracePeriod(Duration gracePeriod) {
      checkGrace(gracePeriod);
      this.gracePeriod = gracePeriod;
      return this;
    }

    /**
     * Sets whether the schedule starts enabled.
     *
     * @param enabled false registers it paused; default true
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Builds the schedule.
     *
     * @return the schedule
     * @throws InvalidInputException naming {@code trigger} if none was set
     */
    public Schedule build() {
      return new Schedule(
          name, trigger, zone, requiresTradingDay, misfirePolicy, gracePeriod, enabled);
    }
  }
}
