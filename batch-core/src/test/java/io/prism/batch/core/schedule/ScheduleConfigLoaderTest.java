package io.prism.batch.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.MisfirePolicy;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.Trigger;
import io.prism.batch.core.testing.SettableClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** YAML schedules: the shipped example, and bad values named by their path. */
class ScheduleConfigLoaderTest {

  private static List<Schedule> load(String yaml) {
    return ScheduleConfigLoader.load(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  private static Map<String, Schedule> byName(List<Schedule> schedules) {
    return schedules.stream().collect(Collectors.toMap(Schedule::name, Function.identity()));
  }

  private static void assertRejected(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void shouldLoadTheSeedSchedulesFromTheShippedExample() {
    List<Schedule> schedules = ScheduleConfigLoader.example();
    Map<String, Schedule> s = byName(schedules);

    assertThat(schedules).extracting(Schedule::name).containsExactly(
        "priority_batches.level_5", "priority_batches.level_4", "priority_batches.level_3",
        "priority_batches.level_2", "priority_batches.level_1",
        "maintenance_tasks.cache_cleanup", "maintenance_tasks.performance_report",
        "maintenance_tasks.rag_optimization",
        "market_tasks.pre_market_warm", "market_tasks.intraday_update",
        "market_tasks.post_market_update");
    assertThat(s.get("priority_batches.level_5").trigger())
        .isEqualTo(Trigger.dailyAt(LocalTime.of(0, 30)));
    assertThat(s.get("priority_batches.level_1").trigger())
        .isEqualTo(Trigger.dailyAt(LocalTime.of(2, 30)));
    assertThat(s.get("market_tasks.intraday_update").trigger())
        .isEqualTo(Trigger.cron("*/30 9-15 * * MON-FRI"));
    assertThat(s.get("market_tasks.post_market_update").trigger())
        .isEqualTo(Trigger.dailyAt(LocalTime.of(15, 30)));
    assertThat(schedules).allSatisfy(x -> {
      assertThat(x.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
      assertThat(x.gracePeriod()).isEqualTo(Duration.ofMinutes(10));
      assertThat(x.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE_IF_WITHIN_GRACE);
      assertThat(x.requiresTradingDay()).isEqualTo(x.name().startsWith("market_tasks."));
    });
  }

  @Test
  void shouldRegisterTheExampleAndFireLevelFiveAtHalfPastMidnight() {
    SettableClock clock = new SettableClock(Instant.parse("2026-03-01T16:00:00Z"));
    try (LocalScheduler scheduler = LocalScheduler.builder().clock(clock)
        .executor(Runnable::run).build()) {
      StringBuilder ran = new StringBuilder();
      for (Schedule s : ScheduleConfigLoader.example()) {
        scheduler.register(s, f -> ran.append(f.scheduleName()).append(' '));
      }
      clock.set(Instant.parse("2026-03-01T16:30:00Z")); // 00:30 on 2 March in Shanghai

      scheduler.runDue();

      assertThat(ran.toString().trim()).isEqualTo("priority_batches.level_5");
    }
  }

  @Test
  void shouldReadMapsDefaultsAndEveryField() {
    Map<String, Schedule> s = byName(load("""
        defaults:
          zone: UTC
          grace: 5m
        schedules:
          nightly: "01:00"
          ny:
            defaults:
              zone: America/New_York
              misfire: skip
            open:
              at: "09:30:15"
              trading_day: true
              grace: PT1H
            hourly:
              cron: "0 0 * * * *"
              enabled: false
              misfire: FIRE-ONCE-IF-WITHIN-GRACE
        """));

    assertThat(s.get("nightly")).satisfies(x -> {
      assertThat(x.zone()).isEqualTo(ZoneId.of("UTC"));
      assertThat(x.gracePeriod()).isEqualTo(Duration.ofMinutes(5));
    });
    assertThat(s.get("ny.open")).satisfies(x -> {
      assertThat(x.trigger()).isEqualTo(Trigger.dailyAt(LocalTime.of(9, 30, 15)));
      assertThat(x.zone()).isEqualTo(ZoneId.of("America/New_York"));
      assertThat(x.requiresTradingDay()).isTrue();
      assertThat(x.misfirePolicy()).isEqualTo(MisfirePolicy.SKIP);
      assertThat(x.gracePeriod()).isEqualTo(Duration.ofHours(1));
    });
    assertThat(s.get("ny.hourly")).satisfies(x -> {
      assertThat(x.enabled()).isFalse();
      assertThat(x.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE_IF_WITHIN_GRACE);
      assertThat(x.gracePeriod()).isEqualTo(Duration.ofMinutes(5));
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bad cron | 'g: {s: \"61 * * * *\"}' | schedules.g.s",
      "bad cron in a map | 'g: {s: {cron: \"0 9 * * FUNDAY\"}}' | schedules.g.s.cron",
      "cron with 3 fields | 'g: {s: {cron: \"* * *\"}}' | schedules.g.s.cron",
      "never fires | 'g: {s: \"0 0 30 2 *\"}' | schedules.g.s",
      "time out of range | 'g: {s: {at: \"25:00\"}}' | schedules.g.s.at",
      "at that is cron | 'g: {s: {at: \"0 9 * * *\"}}' | schedules.g.s.at",
      "both at and cron | 'g: {s: {at: \"09:00\", cron: \"0 9 * * *\"}}' | schedules.g.s",
      "unknown zone | 'g: {s: {at: \"09:00\", zone: Mars/Base}}' | schedules.g.s.zone",
      "bad grace | 'g: {s: {at: \"09:00\", grace: soon}}' | schedules.g.s.grace",
      "grace too long | 'g: {s: {at: \"09:00\", grace: 8d}}' | schedules.g.s.grace",
      "grace as a number | 'g: {s: {at: \"09:00\", grace: 600}}' | schedules.g.s.grace",
      "bad misfire | 'g: {s: {at: \"09:00\", misfire: often}}' | schedules.g.s.misfire",
      "trading_day a string | 'g: {s: {at: \"09:00\", trading_day: x}}'"
          + " | schedules.g.s.trading_day",
      "unknown key | 'g: {s: {at: \"09:00\", zonee: UTC}}' | schedules.g.s.zonee",
      "unknown group default | 'g: {defaults: {cron: x}, s: \"09:00\"}'"
          + " | schedules.g.defaults.cron",
      "a list | 'g: {s: [\"09:00\"]}' | schedules.g.s",
      "name with a space | 'g: {\"a b\": \"09:00\"}' | schedules.g.a b",
  })
  void shouldNameTheFieldOfABadValue(String why, String schedules, String field) {
    assertRejected(() -> load("schedules: {" + schedules + "}"), field);
  }

  @Test
  void shouldReadAnUnquotedTimeButAskForQuotesWhenAValueIsANumber() {
    assertThat(load("schedules:\n  g:\n    s: 12:30\n")).singleElement()
        .satisfies(x -> assertThat(x.trigger()).isEqualTo(Trigger.dailyAt(LocalTime.of(12, 30))));
    assertThatThrownBy(() -> load("schedules:\n  g:\n    s: 930\n"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("schedules.g.s");
          assertThat(e.reason()).contains("quote");
        });
  }

  @Test
  void shouldNameTheRootDefaultsField() {
    assertRejected(() -> load("defaults: {zon: UTC}\nschedules: {s: \"09:00\"}"), "defaults.zon");
    assertRejected(() -> load("defaults: {zone: Nowhere}\nschedules: {s: \"09:00\"}"),
        "defaults.zone");
  }

  @Test
  void shouldRejectMissingSchedulesDuplicatesAndBrokenYaml() {
    assertRejected(() -> load("batch_settings: {max_concurrent_jobs: 5}"), "schedules");
    assertRejected(() -> load(""), "schedules");
    assertThatThrownBy(() -> load("schedules:\n  g:\n    s: \"09:00\"\n    s: \"10:00\"\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Duplicate field 's'");
    assertThatThrownBy(() -> load("schedules:\n  g: [\"09:00\"\n  h: 1\n"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).startsWith("yaml line "));
  }

  @Test
  void shouldIgnoreOtherTopLevelSettings() {
    assertThat(load("batch_settings: {max_concurrent_jobs: 5}\nschedules: {s: \"09:00\"}"))
        .extracting(Schedule::name).containsExactly("s");
  }
}
