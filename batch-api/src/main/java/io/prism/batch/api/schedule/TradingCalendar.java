package io.prism.batch.api.schedule;

import java.time.LocalDate;

/**
 * Which dates an exchange trades on. A schedule with {@link Schedule#requiresTradingDay()} fires
 * only on those dates (the date of the slot in the schedule's zone).
 *
 * <p>A calendar knows a range of dates ({@link #isCovered}); outside it an implementation falls
 * back to a rule (the embedded A-share calendar uses Monday to Friday) and says so.
 * Implementations must be thread-safe.
 */
public interface TradingCalendar {

  /**
   * Tells whether the exchange trades on a date.
   *
   * @param date the date
   * @return true on a trading day
   */
  boolean isTradingDay(LocalDate date);

  /**
   * Tells whether the date lies within the range the calendar actually lists; outside it,
   * {@link #isTradingDay} is a fallback guess.
   *
   * @param date the date
   * @return true if covered
   */
  boolean isCovered(LocalDate date);
}
