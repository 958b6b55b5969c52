package io.prism.batch.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.Trigger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Fire times: cron syntax, month ends, leap days, daylight saving, trading days. */
class FireTimesTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final AShareTradingCalendar CALENDAR = AShareTradingCalendar.bundled();

  private static FireTimes cron(String expr, ZoneId zone) {
    return FireTimes.of(Schedule.builder("t").cron(expr).zone(zone).build(), CALENDAR);
  }

  private static FireTimes daily(LocalTime at, ZoneId zone) {
    return FireTimes.of(Schedule.builder("t").dailyAt(at).zone(zone).build(), CALENDAR);
  }

  private static FireTimes tradingDays(Trigger trigger) {
    return FireTimes.of(
        Schedule.builder("t").trigger(trigger).requiresTradingDay(true).build(), CALENDAR);
  }

  private static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  private static List<String> next(FireTimes times, String from, int n) {
    return times.next(at(from), n).stream().map(z -> z.toOffsetDateTime().toString()).toList();
  }

  @Nested
  class CronSyntax {

    @Test
    void shouldReadFiveFieldsWithStepsRangesAndDayNames() {
      // Friday afternoon: the last slots of the day, then Monday morning.
      assertThat(next(cron("*/30 9-15 * * MON-FRI", SHANGHAI), "2026-01-02T14:40+08:00", 5))
          .containsExactly("2026-01-02T15:00+08:00", "2026-01-02T15:30+08:00",
              "2026-01-05T09:00+08:00", "2026-01-05T09:30+08:00", "2026-01-05T10:00+08:00");
    }

    @Test
    void shouldReadSixFieldsWithSeconds() {
      assertThat(next(cron("30 15 9 * * *", SHANGHAI), "2026-01-01T00:00+08:00", 2))
          .containsExactly("2026-01-01T09:15:30+08:00", "2026-01-02T09:15:30+08:00");
      assertThat(next(cron("*/15 * * * * *", SHANGHAI), "2026-01-01T00:00+08:00", 3))
          .containsExactly("2026-01-01T00:00:15+08:00", "2026-01-01T00:00:30+08:00",
              "2026-01-01T00:00:45+08:00");
    }

    @Test
    void shouldReadListsMonthNamesAndWrappingDayRanges() {
      assertThat(next(cron("0 9 1,15 JAN,MAR *", SHANGHAI), "2026-01-10T00:00+08:00", 3))
          .containsExactly("2026-01-15T09:00+08:00", "2026-03-01T09:00+08:00",
              "2026-03-15T09:00+08:00");
      // FRI-MON wraps over the weekend; 2026-01-02 is a Friday.
      assertThat(next(cron("0 9 * * FRI-MON", SHANGHAI), "2026-01-01T12:00+08:00", 4))
          .containsExactly("2026-01-02T09:00+08:00", "2026-01-03T09:00+08:00",
              "2026-01-04T09:00+08:00", "2026-01-05T09:00+08:00");
    }

    @Test
    void shouldFireOnEitherDayFieldWhenBothAreRestrictedAsUnixCronDoes() {
      // The 1st of the month OR a Monday; 2026-02-01 is a Sunday.
      assertThat(next(cron("0 0 1 * MON", SHANGHAI), "2026-01-20T00:00+08:00", 4))
          .containsExactly("2026-01-26T00:00+08:00", "2026-02-01T00:00+08:00",
              "2026-02-02T00:00+08:00", "2026-02-09T00:00+08:00");
    }

    @Test
    void shouldReadQuestionMarkAsAnyAndSundayAsZeroOrSeven() {
      assertThat(next(cron("0 9 ? * MON", SHANGHAI), "2026-01-01T00:00+08:00", 1))
          .containsExactly("2026-01-05T09:00+08:00");
      assertThat(next(cron("0 9 * * 0", SHANGHAI), "2026-01-01T00:00+08:00", 1))
          .isEqualTo(next(cron("0 9 * * 7", SHANGHAI), "2026-01-01T00:00+08:00", 1))
          .containsExactly("2026-01-04T09:00+08:00");
    }

    @Test
    void shouldRejectBadExpressionsNamingTheCronField() {
      assertThatThrownBy(() -> cron("61 * * * *", SHANGHAI))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("cron");
            assertThat(e.reason()).contains("61");
          });
      assertThatThrownBy(() -> cron("0 25 * * *", SHANGHAI))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("cron"));
      assertThatThrownBy(() -> Trigger.cron("* * *"))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("cron");
            assertThat(e.reason()).contains("3 fields");
          });
      assertThatThrownBy(() -> cron("0 9 * * FUNDAY", SHANGHAI))
          .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void shouldRejectTriggersThatNeverFire() {
      assertThatThrownBy(() -> cron("0 0 30 2 *", SHANGHAI))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("trigger");
            assertThat(e.reason()).isEqualTo("never fires");
          });
      assertThatThrownBy(() -> tradingDays(Trigger.cron("0 9 * * SUN")))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.reason()).isEqualTo("never fires on a trading day"));
    }
  }

  @Nested
  class MonthEndsAndLeapDays {

    @Test
    void shouldFireOnTheLastDayOfEveryMonthWithL() {
      assertThat(next(cron("0 0 L * *", SHANGHAI), "2026-01-15T00:00+08:00", 4))
          .containsExactly("2026-01-31T00:00+08:00", "2026-02-28T00:00+08:00",
              "2026-03-31T00:00+08:00", "2026-04-30T00:00+08:00");
      assertThat(next(cron("0 0 L 2 *", SHANGHAI), "2027-03-01T00:00+08:00", 1))
          .containsExactly("2028-02-29T00:00+08:00");
    }

    @Test
    void shouldSkipShortMonthsForTheThirtyFirst() {
      assertThat(next(cron("0 0 31 * *", SHANGHAI), "2026-01-15T00:00+08:00", 5))
          .containsExactly("2026-01-31T00:00+08:00", "2026-03-31T00:00+08:00",
              "2026-05-31T00:00+08:00", "2026-07-31T00:00+08:00", "2026-08-31T00:00+08:00");
    }

    @Test
    void shouldFireOnFebruaryTwentyNinthInLeapYearsOnly() {
      assertThat(next(cron("0 0 29 2 *", SHANGHAI), "2026-01-01T00:00+08:00", 3))
          .containsExactly("2028-02-29T00:00+08:00", "2032-02-29T00:00+08:00",
              "2036-02-29T00:00+08:00");
      // 2100 is not a leap year.
      assertThat(next(cron("0 0 29 2 *", SHANGHAI), "2096-03-01T00:00+08:00", 1))
          .containsExactly("2104-02-29T00:00+08:00");
    }
  }

  /**
   * America/New_York in 2026: clocks jump 02:00 EST to 03:00 EDT on 8 March and fall back
   * 02:00 EDT to 01:00 EST on 1 November.
   */
  @Nested
  class DaylightSaving {

    @Test
    void shouldFireADailySlotInTheSpringGapOnceAnHourLater() {
      assertThat(next(daily(LocalTime.of(2, 30), NEW_YORK), "2026-03-07T00:00-05:00", 3))
          .containsExactly("2026-03-07T02:30-05:00", "2026-03-08T03:30-04:00",
              "2026-03-09T02:30-04:00");
    }

    @Test
    void shouldStillFireTheShiftedSlotWhenAskedInsideTheShift() {
      // At 03:10 EDT the 02:30 slot, shifted to 03:30, is still ahead.
      assertThat(next(daily(LocalTime.of(2, 30), NEW_YORK), "2026-03-08T03:10-04:00", 2))
          .containsExactly("2026-03-08T03:30-04:00", "2026-03-09T02:30-04:00");
    }

    @Test
    void shouldNotFireTwiceWhenGapSlotsLandOnExistingSlots() {
      // 02:00 and 02:30 do not exist; shifted, they coincide with 03:00 and 03:30.
      assertThat(next(cron("*/30 * * * *", NEW_YORK), "2026-03-08T01:00-05:00", 4))
          .containsExactly("2026-03-08T01:30-05:00", "2026-03-08T03:00-04:00",
              "2026-03-08T03:30-04:00", "2026-03-08T04:00-04:00");
    }

    @Test
    void shouldFireADailySlotInTheFallOverlapOnce() {
      assertThat(next(daily(LocalTime.of(1, 30), NEW_YORK), "2026-10-31T00:00-04:00", 3))
          .containsExactly("2026-10-31T01:30-04:00", "2026-11-01T01:30-04:00",
              "2026-11-02T01:30-05:00");
      // Asked during the repeated hour, after the first 01:30: the next is the following day.
      assertThat(next(daily(LocalTime.of(1, 30), NEW_YORK), "2026-11-01T01:10-05:00", 1))
          .containsExactly("2026-11-02T01:30-05:00");
    }

    @Test
    void shouldNotRepeatHourlySlotsInTheFallOverlap() {
      assertThat(next(cron("0 * * * *", NEW_YORK), "2026-11-01T00:00-04:00", 3))
          .containsExactly("2026-11-01T01:00-04:00", "2026-11-01T02:00-05:00",
              "2026-11-01T03:00-05:00");
    }

    @Test
    void shouldHaveNoDaylightSavingInShanghai() {
      List<ZonedDateTime> times = daily(LocalTime.of(2, 30), SHANGHAI)
          .next(at("2026-03-07T00:00+08:00"), 3);
      assertThat(times).extracting(z -> z.getOffset().getTotalSeconds())
          .containsOnly(8 * 3600);
    }
  }

  @Nested
  class TradingDays {

    @Test
    void shouldSkipTheNationalDayHolidays() {
      // 2026-10-01 to 10-07 are closed (a Thursday to a Wednesday); trading resumes on 10-08.
      assertThat(next(tradingDays(Trigger.cron("*/30 9-15 * * MON-FRI")),
          "2026-09-30T15:00+08:00", 3))
          .containsExactly("2026-09-30T15:30+08:00", "2026-10-08T09:00+08:00",
              "2026-10-08T09:30+08:00");
    }

    @Test
    void shouldSkipTheSpringFestivalHolidaysFromTheCalendar() {
      // The calendar lists 2026-02-13 and then 2026-02-24: 16-23 February are weekday holidays.
      assertThat(CALENDAR.isTradingDay(LocalDate.of(2026, 2, 16))).isFalse();
      assertThat(CALENDAR.isTradingDay(LocalDate.of(2026, 2, 23))).isFalse();
      assertThat(next(tradingDays(Trigger.dailyAt(LocalTime.of(9, 15))),
          "2026-02-13T09:00+08:00", 3))
          .containsExactly("2026-02-13T09:15+08:00", "2026-02-24T09:15+08:00",
              "2026-02-25T09:15+08:00");
    }

    @Test
    void shouldSkipWeekendsButNotHolidaysWhenTradingDaysAreNotRequired() {
      assertThat(next(cron("15 9 * * *", SHANGHAI), "2026-10-01T00:00+08:00", 1))
          .containsExactly("2026-10-01T09:15+08:00");
    }

    @Test
    void shouldFallBackToWeekdaysBeyondTheCalendarAndSaySo() {
      AShareTradingCalendar cal = AShareTradingCalendar.load(
          AShareTradingCalendar.class.getResourceAsStream(AShareTradingCalendar.BUNDLED_RESOURCE));
      FireTimes times = FireTimes.of(Schedule.builder("t").dailyAt(LocalTime.of(9, 15))
          .requiresTradingDay(true).build(), cal);
      // 2027-01-01 (a Friday) is outside the calendar: treated as a weekday trading day.
      assertThat(next(times, "2026-12-31T10:00+08:00", 3))
          .containsExactly("2027-01-01T09:15+08:00", "2027-01-04T09:15+08:00",
              "2027-01-05T09:15+08:00");
      assertThat(cal.isCovered(LocalDate.of(2027, 1, 1))).isFalse();
      assertThat(cal.isCovered(LocalDate.of(2026, 12, 31))).isTrue();
      assertThat(cal.uncoveredLookups()).isPositive();
    }
  }
}
