package io.prism.batch.api.data;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Decides whether a stored record is fresh enough to serve without asking the source.
 */
@FunctionalInterface
public interface FreshnessPolicy {

  /** China's market time zone. */
  ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  /**
   * Tells whether a record fetched at {@code fetchedAt} is fresh at {@code now}.
   *
   * @param fetchedAt when the record was fetched
   * @param now the current time
   * @return true if it may be served as is
   */
  boolean isFresh(Instant fetchedAt, Instant now);

  /**
   * A record is fresh for a fixed time after it was fetched.
   *
   * @param maxAge how long
   * @return the policy
   */
  static FreshnessPolicy maxAge(Duration maxAge) {
    return (fetchedAt, now) -> !fetchedAt.plus(maxAge).isBefore(now);
  }

  /**
   * While the A-share market trades (weekdays 09:30–11:30 and 13:00–15:00 Shanghai time) a
   * record is fresh for {@code maxAge}; outside trading hours it stays fresh if it was fetched
   * after the latest session ended, since prices do not move then.
   *
   * @param maxAge freshness while the market is open
   * @return the policy
   */
  static FreshnessPolicy duringTradingHours(Duration maxAge) {
    return (fetchedAt, now) -> {
      ZonedDateTime t = now.atZone(SHANGHAI);
      if (isTrading(t)) {
        return !fetchedAt.plus(maxAge).isBefore(now);
      }
      return !fetchedAt.isBefore(lastSessionEnd(t).toInstant());
    };
  }

  private static boolean isTrading(ZonedDateTime t) {
    if (t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return false;
    }
    LocalTime lt = t.toLocalTime();
    return (!lt.isBefore(LocalTime.of(9, 30)) && lt.isBefore(LocalTime.of(11, 30)))
        || (!lt.isBefore(LocalTime.of(13, 0)) && lt.isBefore(LocalTime.of(15, 0)));
  }

  private static ZonedDateTime lastSessionEnd(ZonedDateTime t) {
    LocalTime lt = t.toLocalTime();
    ZonedDateTime day = t.toLocalDate().atStartOfDay(SHANGHAI);
    boolean weekday = t.getDayOfWeek().getValue() <= 5;
    if (weekday && !lt.isBefore(LocalTime.of(15, 0))) {
      return day.plusHours(15);
    }
    if (weekday && !lt.isBefore(LocalTime.of(11, 30)) && lt.isBefore(LocalTime.of(13, 0))) {
      return day.plusHours(11).plusMinutes(30);
    }
    ZonedDateTime d = day.minusDays(1);
    while (d.getDayOfWeek().getValue() > 5) {
      d = d.minusDays(1);
    }
    return d.plusHours(15);
  }
}
