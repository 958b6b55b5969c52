package io.prism.batch.api.schedule;

import io.prism.batch.api.InvalidInputException;
import java.time.LocalTime;
import java.util.regex.Pattern;

/**
 * When a schedule fires, as wall-clock times in the schedule's zone: a {@link Cron} expression or
 * a {@link DailyAt} time of day.
 *
 * <pre>
 * Trigger intraday = Trigger.cron("*&#47;30 9-15 * * MON-FRI");
 * Trigger nightly = Trigger.dailyAt(LocalTime.of(0, 30));
 * Trigger either = Trigger.parse("15:30"); // a DailyAt
 * </pre>
 *
 * <p>Records here check the shape of their values; a {@link Scheduler} checks the full cron
 * syntax when the schedule is registered.
 */
public sealed interface Trigger permits Trigger.Cron, Trigger.DailyAt {

  /** The longest cron expression accepted. */
  int MAX_CRON_LENGTH = 200;

  /**
   * Creates a cron trigger.
   *
   * @param expression 5 fields (minute hour day-of-month month day-of-week) or 6 (a leading
   *     seconds field)
   * @return the trigger
   * @throws InvalidInputException naming {@code cron} if the expression is blank or has another
   *     number of fields
   */
  static Cron cron(String expression) {
    return new Cron(expression);
  }

  /**
   * Creates a trigger that fires every day at a time of day.
   *
   * @param time the time, whole seconds
   * @return the trigger
   * @throws InvalidInputException naming {@code at} if the time is missing or has a fraction of a
   *     second
   */
  static DailyAt dailyAt(LocalTime time) {
    return new DailyAt(time);
  }

  /**
   * Reads a trigger from text: {@code HH:mm} or {@code HH:mm:ss} is a {@link DailyAt}, anything
   * else a {@link Cron} expression.
   *
   * @param text the text, e.g. {@code "00:30"} or <code>"*&#47;30 9-15 * * MON-FRI"</code>
   * @return the trigger
   * @throws InvalidInputException naming {@code trigger}, {@code at} or {@code cron}
   */
  static Trigger parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(
          "trigger", text, "must be a time of day (HH:mm) or a cron expression");
    }
    String t = text.trim();
    if (DailyAt.TIME.matcher(t).matches()) {
      String[] p = t.split(":");
      int h = Integer.parseInt(p[0]);
      int m = Integer.parseInt(p[1]);
      int s = p.length > 2 ? Integer.parseInt(p[2]) : 0;
      if (h > 23 || m > 59 || s > 59) {
        throw new InvalidInputException(
            "at", text, "is not a time of day between 00:00 and 23:59:59");
      }
      return new DailyAt(LocalTime.of(h, m, s));
    }
    return new Cron(t);
  }

  /**
   * Returns the trigger as text that {@link #parse} reads back.
   *
   * @return the text
   */
  String text();

  /**
   * A cron expression in Unix syntax, optionally with a leading seconds field: ranges ({@code
   * 9-15}), steps (<code>*&#47;30</code>), lists ({@code 1,15}), month and day names ({@code JAN},
   * {@code MON-FRI}), {@code L}, {@code W} and {@code #}; {@code ?} means {@code *}. As in Unix
   * cron, when both day-of-month and day-of-week are restricted, a day matching either fires.
   *
   * @param expression the expression, whitespace normalised to single spaces
   */
  record Cron(String expression) implements Trigger {

    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** Checks the shape: not blank, 5 or 6 fields, at most {@value #MAX_CRON_LENGTH} chars. */
    public Cron {
      if (expression == null || expression.isBlank()) {
        throw new InvalidInputException("cron", expression, "must not be blank");
      }
      if (expression.length() > MAX_CRON_LENGTH) {
        throw new InvalidInputException(
            "cron", expression, "must be at most " + MAX_CRON_LENGTH + " characters");
      }
      String normalised = SPACES.matcher(expression.trim()).replaceAll(" ");
      int fields = normalised.split(" ").length;
      if (fields != 5 && fields != 6) {
        throw new InvalidInputException("cron", expression, "has " + fields
            + " fields; expected 5 (minute hour day month weekday) or 6 (seconds first)");
      }
      expression = normalised;
    }

    /**
     * Tells whether the expression has a seconds field.
     *
     * @return true for 6 fields
     */
    public boolean hasSeconds() {
      return expression.split(" ").length == 6;
    }

    @Override
    public String text() {
      return expression;
    }
  }

  /**
   * Fires once a day at a wall-clock time in the schedule's zone. On a day when that time does
   * not exist (a daylight-saving gap) it fires that many minutes later (02:30 becomes 03:30); on
   * a day when it exists twice it fires at the first.
   *
   * @param time the time of day, whole seconds
   */
  record DailyAt(LocalTime time) implements Trigger {

    private static final Pattern TIME = Pattern.compile("\\d{1,2}:\\d{2}(:\\d{2})?");

    /** Checks the time is present and has no fraction of a second. */
    public DailyAt {
      if (time == null) {
        throw new InvalidInputException("at", null, "must be a time of day, e.g. 00:30");
      }
      if (time.getNano() != 0) {
        throw new InvalidInputException("at", time, "must be whole seconds");
      }
    }

    @Override
    public String text() {
      return time.getSecond() == 0
          ? String.format("%02d:%02d", time.getHour(), time.getMinute())
          : time.toString();
    }
  }
}
