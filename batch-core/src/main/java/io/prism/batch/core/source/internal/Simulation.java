package io.prism.batch.core.source.internal;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/** Helpers shared by the offline sources: simulated latency, setting checks, plugin settings. */
public final class Simulation {
  private Simulation() {}

  /**
   * Blocks the calling thread for a simulated call's latency.
   *
   * @param source the source name, for the message
   * @param latency how long; zero returns at once
   * @throws BatchException if interrupted (the interrupt flag is kept)
   */
  public static void pause(String source, Duration latency) {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis(), (int) (latency.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchException(source + ": interrupted during simulated latency", e);
    }
  }

  /**
   * Checks a latency value.
   *
   * @param latency the value
   * @return it
   * @throws InvalidInputException if null, negative or over a minute
   */
  public static Duration latency(Duration latency) {
    if (latency == null || latency.isNegative() || latency.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new InvalidInputException("latency", latency, "must be between zero and one minute");
    }
    return latency;
  }

  /**
   * Checks how many trading days of daily quotes a record holds.
   *
   * @param days the value
   * @return it
   * @throws InvalidInputException naming {@code dailyTradingDays} unless 1 to 5000
   */
  public static int dailyTradingDays(int days) {
    if (days < 1 || days > 5000) {
      throw new InvalidInputException("dailyTradingDays", days, "must be between 1 and 5000");
    }
    return days;
  }

  /**
   * Checks how many report periods the financial summary keeps.
   *
   * @param periods the value
   * @return it
   * @throws InvalidInputException naming {@code financialPeriods} unless 1 to 200
   */
  public static int financialPeriods(int periods) {
    if (periods < 1 || periods > 200) {
      throw new InvalidInputException("financialPeriods", periods, "must be between 1 and 200");
    }
    return periods;
  }

  /**
   * Rejects unknown plugin settings.
   *
   * @param settings the settings
   * @param known the known keys
   * @throws InvalidInputException naming the first unknown key
   */
  public static void requireKnown(Map<String, String> settings, Set<String> known) {
    for (String k : settings.keySet()) {
      if (!known.contains(k)) {
        throw new InvalidInputException(k, settings.get(k), "unknown setting; known: " + known);
      }
    }
  }

  /**
   * Parses a duration setting: ISO-8601 ({@code PT0.05S}) or whole milliseconds.
   *
   * @param field the setting's name
   * @param v its value
   * @return the duration
   */
  public static Duration duration(String field, String v) {
    String t = v == null ? "" : v.strip();
    try {
      return !t.isEmpty() && t.chars().allMatch(Character::isDigit)
          ? Duration.ofMillis(Long.parseLong(t))
          : Duration.parse(t);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new InvalidInputException(field, v, "must be ISO-8601 (PT0.05S) or milliseconds");
    }
  }

  /**
   * Parses a whole-number setting.
   *
   * @param field the setting's name
   * @param v its value
   * @return the number
   */
  public static long integer(String field, String v) {
    try {
      return Long.parseLong(v == null ? "" : v.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field, v, "must be a whole number");
    }
  }

  /**
   * Parses a whole-number setting that must fit an {@code int}.
   *
   * @param field the setting's name
   * @param v its value
   * @return the number
   */
  public static int intValue(String field, String v) {
    long n = integer(field, v);
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new InvalidInputException(field, v, "is out of range");
    }
    return (int) n;
  }

  /**
   * Parses a decimal setting.
   *
   * @param field the setting's name
   * @param v its value
   * @return the number
   */
  public static double decimal(String field, String v) {
    try {
      return Double.parseDouble(v == null ? "" : v.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field, v, "must be a number");
    }
  }
}
