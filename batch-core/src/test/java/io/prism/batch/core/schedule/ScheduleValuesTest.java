package io.prism.batch.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.MisfirePolicy;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.Trigger;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Schedule and trigger validation, calendar loading. The in-memory fire guard is checked by
 * {@link InMemoryFireGuardTest}.
 */
class ScheduleValuesTest {

  private static void assertRejected(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  private static AShareTradingCalendar calendar(String text) {
    return AShareTradingCalendar.load(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
  }

  @Test
  void shouldBuildAScheduleWithTheDefaults() {
    Schedule s = Schedule.builder("nightly").dailyAt(LocalTime.of(0, 30)).build();

    assertThat(s.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(s.requiresTradingDay()).isFalse();
    assertThat(s.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE_IF_WITHIN_GRACE);
    assertThat(s.gracePeriod()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.enabled()).isTrue();
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void shouldNameEveryInvalidScheduleField() {
    assertRejected(() -> Schedule.builder(" "), "name");
    assertRejected(() -> Schedule.builder("two words"), "name");
    assertRejected(() -> Schedule.builder("x".repeat(201)), "name");
    assertRejected(() -> Schedule.builder("s").build(), "trigger");
    assertRejected(() -> Schedule.builder("s").zone("Mars/Base"), "zone");
    assertRejected(() -> Schedule.builder("s").misfirePolicy(null), "misfirePolicy");
    assertRejected(() -> Schedule.builder("s").gracePeriod(Duration.ofSeconds(-1)), "gracePeriod");
    assertRejected(() -> Schedule.builder("s").gracePeriod(Duration.ofDays(8)), "gracePeriod");
    assertRejected(() -> new Schedule("s", Trigger.cron("* * * * *"), null, false,
        MisfirePolicy.SKIP, Duration.ZERO, true), "zone");
  }

  @Test
  void shouldParseTriggersFromText() {
    assertThat(Trigger.parse("9:30")).isEqualTo(Trigger.dailyAt(LocalTime.of(9, 30)));
    assertThat(Trigger.parse("15:30:05")).isEqualTo(Trigger.dailyAt(LocalTime.of(15, 30, 5)));
    assertThat(Trigger.parse("  */30   9-15 * * MON-FRI "))
        .isEqualTo(Trigger.cron("*/30 9-15 * * MON-FRI"));
    assertThat(Trigger.parse("00:30").text()).isEqualTo("00:30");
    assertThat(Trigger.cron("0 0 9 * * *").hasSeconds()).isTrue();
    assertRejected(() -> Trigger.parse("24:00"), "at");
    assertRejected(() -> Trigger.parse(""), "trigger");
    assertRejected(() -> Trigger.dailyAt(LocalTime.of(9, 0, 0, 5)), "at");
    assertRejected(() -> Trigger.cron("* * * * * * *"), "cron");
  }

  @Test
  void shouldLoadACalendarFromJsonOrLines() {
    AShareTradingCalendar json = calendar("[\"20270104\", \"2027-01-05\"]");
    AShareTradingCalendar lines = calendar("# 2027\n20270104\n\n2027-01-05  # Tuesday\n");

    for (AShareTradingCalendar c : new AShareTradingCalendar[] {json, lines}) {
      assertThat(c.size()).isEqualTo(2);
      assertThat(c.firstCovered()).isEqualTo(LocalDate.of(2027, 1, 4));
      assertThat(c.lastCovered()).isEqualTo(LocalDate.of(2027, 1, 5));
      assertThat(c.isTradingDay(LocalDate.of(2027, 1, 4))).isTrue();
      assertThat(c.uncoveredLookups()).isZero();
    }
    assertRejected(() -> calendar("[\"20270104\", \"2027-13-01\"]"), "calendar[1]");
    assertRejected(() -> calendar("20270104\nMonday\n"), "calendar line 2");
    assertRejected(() -> calendar("[]"), "tradingDays");
  }

  @Test
  void shouldKnowTheBundledCalendarsRangeAndHolidays() {
    AShareTradingCalendar c = AShareTradingCalendar.bundled();

    assertThat(c.firstCovered()).isEqualTo(LocalDate.of(1990, 12, 19));
    assertThat(c.lastCovered()).isEqualTo(LocalDate.of(2026, 12, 31));
    assertThat(c.size()).isEqualTo(8797);
    assertThat(c.isTradingDay(LocalDate.of(2026, 10, 1))).isFalse();
    assertThat(c.isTradingDay(LocalDate.of(2026, 10, 8))).isTrue();
    assertThat(c.isTradingDay(LocalDate.of(2026, 2, 13))).isTrue();
    assertThat(c.isTradingDay(LocalDate.of(2026, 2, 18))).isFalse();
  }
}
