package io.prism.batch.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Misfire;
import io.prism.batch.api.schedule.MisfireCause;
import io.prism.batch.api.schedule.MisfirePolicy;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleFire;
import io.prism.batch.api.schedule.ScheduleListener;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.api.schedule.Scheduler;
import io.prism.batch.core.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The local scheduler, driven by a settable clock and {@link LocalScheduler#runDue()}: no test
 * sleeps. Times are Shanghai time unless said otherwise; 2026-03-02 is a Monday.
 */
class LocalSchedulerTest {

  private static final String INTRADAY = "market_tasks.intraday_update";
  private static final String PRE_MARKET = "market_tasks.pre_market_warm";

  private SettableClock clock;
  private Recorder recorder;
  private List<ScheduleFire> ran;
  private LocalScheduler scheduler;

  @BeforeEach
  void setUp() {
    clock = new SettableClock(at("2026-03-02T08:00+08:00"));
    recorder = new Recorder();
    ran = new CopyOnWriteArrayList<>();
    scheduler = newScheduler(new InMemoryFireGuard());
  }

  @AfterEach
  void tearDown() {
    scheduler.close();
  }

  private LocalScheduler newScheduler(FireGuard guard) {
    return LocalScheduler.builder()
        .clock(clock)
        .fireGuard(guard)
        .executor(Runnable::run)
        .listener(recorder)
        .build();
  }

  private static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  private static Schedule intraday() {
    return Schedule.builder(INTRADAY).cron("*/30 9-15 * * MON-FRI").requiresTradingDay(true)
        .build();
  }

  private static Schedule preMarket() {
    return Schedule.builder(PRE_MARKET).dailyAt(LocalTime.of(9, 15)).requiresTradingDay(true)
        .build();
  }

  private List<ScheduleFire> runAt(String offsetDateTime) {
    clock.set(at(offsetDateTime));
    return scheduler.runDue();
  }

  private ScheduleStatus status(String name) {
    return scheduler.status(name).orElseThrow();
  }

  @Nested
  class Firing {

    @Test
    void shouldFireAtTheSlotOnceAndNotBefore() {
      scheduler.register(preMarket(), ran::add);

      assertThat(runAt("2026-03-02T09:14:59+08:00")).isEmpty();
      List<ScheduleFire> fired = runAt("2026-03-02T09:15+08:00");
      assertThat(runAt("2026-03-02T09:15:01+08:00")).isEmpty();

      assertThat(fired).singleElement().satisfies(f -> {
        assertThat(f.scheduleName()).isEqualTo(PRE_MARKET);
        assertThat(f.scheduledTime()).isEqualTo(at("2026-03-02T09:15+08:00"));
        assertThat(f.fireNow()).isFalse();
      });
      assertThat(ran).isEqualTo(fired);
      assertThat(recorder.misfires).isEmpty();
      assertThat(status(PRE_MARKET).nextFireTime())
          .contains(ZonedDateTime.parse("2026-03-03T09:15+08:00[Asia/Shanghai]"));
    }

    @Test
    void shouldCountASlotHandledWithinTheThresholdAsOnTime() {
      scheduler.register(preMarket(), ran::add);

      runAt("2026-03-02T09:15:45+08:00");

      assertThat(ran).hasSize(1);
      assertThat(ran.get(0).lateness()).isEqualTo(Duration.ofSeconds(45));
      assertThat(recorder.misfires).isEmpty();
    }

    @Test
    void shouldNotFireOnHolidays() {
      // 2026-10-01 to 10-07: National Day, no trading.
      clock.set(at("2026-09-30T16:00+08:00"));
      scheduler.register(preMarket(), ran::add);

      for (int day = 1; day <= 7; day++) {
        runAt(String.format("2026-10-%02dT09:15+08:00", day));
      }
      runAt("2026-10-08T09:15+08:00");

      assertThat(ran).extracting(ScheduleFire::scheduledTime)
          .containsExactly(at("2026-10-08T09:15+08:00"));
      assertThat(recorder.misfires).isEmpty();
    }

    @Test
    void shouldNotFireAgainWhenTheClockStepsBack() {
      scheduler.register(preMarket(), ran::add);
      runAt("2026-03-02T09:15+08:00");

      runAt("2026-03-02T09:10+08:00");
      runAt("2026-03-02T09:15+08:00");

      assertThat(ran).hasSize(1);
    }

    @Test
    void shouldReportAFailingActionAndKeepFiring() {
      scheduler.register(preMarket(), f -> {
        throw new IllegalStateException("source down");
      });

      runAt("2026-03-02T09:15+08:00");
      runAt("2026-03-03T09:15+08:00");

      assertThat(recorder.failures).hasSize(2);
      assertThat(status(PRE_MARKET).failedCount()).isEqualTo(2);
      assertThat(status(PRE_MARKET).firedCount()).isEqualTo(2);
      assertThat(status(PRE_MARKET).running()).isFalse();
    }

    @Test
    void shouldNotStartARegularFireWhileThePreviousOneRuns() {
      Queue<Runnable> pending = new ArrayDeque<>();
      scheduler.close();
      scheduler = LocalScheduler.builder().clock(clock).executor(pending::add)
          .listener(recorder).build();
      scheduler.register(intraday(), ran::add);

      runAt("2026-03-02T09:00+08:00");
      assertThat(status(INTRADAY).running()).isTrue();
      runAt("2026-03-02T09:30+08:00");
      pending.poll().run();
      runAt("2026-03-02T10:00+08:00");
      pending.poll().run();

      assertThat(ran).extracting(ScheduleFire::scheduledTime)
          .containsExactly(at("2026-03-02T09:00+08:00"), at("2026-03-02T10:00+08:00"));
      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.cause()).isEqualTo(MisfireCause.STILL_RUNNING);
        assertThat(m.lastMissed()).isEqualTo(at("2026-03-02T09:30+08:00"));
      });
    }

    @Test
    void shouldFireOnceOnBothDaylightSavingChangesInNewYork() {
      ZoneId ny = ZoneId.of("America/New_York");
      clock.set(at("2026-03-07T12:00-05:00"));
      scheduler.register(Schedule.builder("spring").dailyAt(LocalTime.of(2, 30)).zone(ny).build(),
          ran::add);

      // Spring forward: 02:30 does not exist on 8 March; it fires at 03:30 EDT, once.
      for (String t : List.of("2026-03-08T01:59-05:00", "2026-03-08T03:00-04:00",
          "2026-03-08T03:30-04:00", "2026-03-08T04:30-04:00")) {
        runAt(t);
      }
      assertThat(ran).extracting(f -> f.scheduledTime().atZone(ny).toOffsetDateTime().toString())
          .containsExactly("2026-03-08T03:30-04:00");
      scheduler.unregister("spring");

      // Fall back: 01:30 happens twice on 1 November; it fires at the first only.
      ran.clear();
      clock.set(at("2026-10-31T12:00-04:00"));
      scheduler.register(Schedule.builder("fall").dailyAt(LocalTime.of(1, 30)).zone(ny).build(),
          ran::add);
      for (String t : List.of("2026-11-01T01:30-04:00", "2026-11-01T01:30-05:00",
          "2026-11-01T02:30-05:00")) {
        runAt(t);
      }
      assertThat(ran).extracting(f -> f.scheduledTime().atZone(ny).toOffsetDateTime().toString())
          .containsExactly("2026-11-01T01:30-04:00");
      assertThat(recorder.misfires).isEmpty();
    }
  }

  @Nested
  class Misfires {

    @Test
    void shouldFireTheLatestMissedSlotOnceWithinGraceAndReportTheRest() {
      scheduler.register(intraday(), ran::add);

      // Nothing ran from 08:00 to 11:05: 09:00 ... 11:00 were missed; 11:00 is 5 min late.
      List<ScheduleFire> fired = runAt("2026-03-02T11:05+08:00");

      assertThat(fired).singleElement().satisfies(f -> {
        assertThat(f.scheduledTime()).isEqualTo(at("2026-03-02T11:00+08:00"));
        assertThat(f.lateness()).isEqualTo(Duration.ofMinutes(5));
      });
      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.firstMissed()).isEqualTo(at("2026-03-02T09:00+08:00"));
        assertThat(m.lastMissed()).isEqualTo(at("2026-03-02T11:00+08:00"));
        assertThat(m.missedCount()).isEqualTo(5);
        assertThat(m.firedLate()).isTrue();
        assertThat(m.cause()).isEqualTo(MisfireCause.LATE);
      });
      assertThat(status(INTRADAY).skippedCount()).isEqualTo(4);
      assertThat(runAt("2026-03-02T11:06+08:00")).isEmpty();
    }

    @Test
    void shouldSkipAndReportMissedSlotsBeyondGrace() {
      scheduler.register(intraday(), ran::add);

      assertThat(runAt("2026-03-02T11:25+08:00")).isEmpty();

      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.missedCount()).isEqualTo(5);
        assertThat(m.firedLate()).isFalse();
        assertThat(m.skippedCount()).isEqualTo(5);
      });
      assertThat(status(INTRADAY).skippedCount()).isEqualTo(5);
      // The next slot fires on time as usual.
      assertThat(runAt("2026-03-02T11:30+08:00")).hasSize(1);
    }

    @Test
    void shouldNeverFireLateUnderTheSkipPolicy() {
      scheduler.register(intraday().toBuilder().misfirePolicy(MisfirePolicy.SKIP).build(),
          ran::add);

      assertThat(runAt("2026-03-02T09:05+08:00")).isEmpty();
      assertThat(runAt("2026-03-02T09:30:30+08:00")).hasSize(1);

      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.lastMissed()).isEqualTo(at("2026-03-02T09:00+08:00"));
        assertThat(m.firedLate()).isFalse();
      });
    }

    @Test
    void shouldFireOnceNotOncePerSlotAfterALongStall() {
      clock.set(at("2026-03-02T08:00:30+08:00"));
      scheduler.register(Schedule.builder("every-minute").cron("* * * * *").build(), ran::add);

      // Three hours without a pass; the clock stops exactly on a slot.
      List<ScheduleFire> fired = runAt("2026-03-02T11:00+08:00");

      assertThat(fired).singleElement().satisfies(
          f -> assertThat(f.scheduledTime()).isEqualTo(at("2026-03-02T11:00+08:00")));
      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.missedCount()).isEqualTo(179);
        assertThat(m.firstMissed()).isEqualTo(at("2026-03-02T08:01+08:00"));
        assertThat(m.lastMissed()).isEqualTo(at("2026-03-02T10:59+08:00"));
        assertThat(m.firedLate()).isFalse();
      });
    }

    @Test
    void shouldCatchUpFromTheGuardsLastClaimAfterARestart() {
      InMemoryFireGuard shared = new InMemoryFireGuard();
      scheduler.close();
      scheduler = newScheduler(shared);
      scheduler.register(intraday(), ran::add);
      runAt("2026-03-02T09:00+08:00");
      scheduler.close();

      // Down from 09:00 to 10:05; a new scheduler sharing the guard takes over.
      clock.set(at("2026-03-02T10:05+08:00"));
      scheduler = newScheduler(shared);
      scheduler.register(intraday(), ran::add);
      scheduler.runDue();

      assertThat(ran).extracting(ScheduleFire::scheduledTime)
          .containsExactly(at("2026-03-02T09:00+08:00"), at("2026-03-02T10:00+08:00"));
      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.firstMissed()).isEqualTo(at("2026-03-02T09:30+08:00"));
        assertThat(m.missedCount()).isEqualTo(2);
        assertThat(m.firedLate()).isTrue();
      });
    }
  }

  @Nested
  class PauseAndResume {

    @Test
    void shouldHoldAPausedScheduleAndFireItsMissedSlotOnceOnResumeWithinGrace() {
      scheduler.register(intraday(), ran::add);
      scheduler.pause(INTRADAY);

      assertThat(runAt("2026-03-02T09:00+08:00")).isEmpty();
      assertThat(status(INTRADAY).paused()).isTrue();
      clock.set(at("2026-03-02T09:05+08:00"));
      scheduler.resume(INTRADAY);
      List<ScheduleFire> fired = scheduler.runDue();

      assertThat(fired).singleElement().satisfies(
          f -> assertThat(f.scheduledTime()).isEqualTo(at("2026-03-02T09:00+08:00")));
      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.cause()).isEqualTo(MisfireCause.PAUSED);
        assertThat(m.firedLate()).isTrue();
      });
    }

    @Test
    void shouldSkipAndReportSlotsMissedWhilePausedBeyondGrace() {
      scheduler.register(intraday(), ran::add);
      scheduler.pause(INTRADAY);
      runAt("2026-03-02T09:00+08:00");
      runAt("2026-03-02T09:30+08:00");

      clock.set(at("2026-03-02T09:50+08:00"));
      scheduler.resume(INTRADAY);
      assertThat(scheduler.runDue()).isEmpty();

      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.cause()).isEqualTo(MisfireCause.PAUSED);
        assertThat(m.missedCount()).isEqualTo(2);
        assertThat(m.firedLate()).isFalse();
      });
      assertThat(runAt("2026-03-02T10:00+08:00")).hasSize(1);
    }

    @Test
    void shouldPauseAndResumeAll() {
      scheduler.register(intraday(), ran::add);
      scheduler.register(preMarket(), ran::add);
      scheduler.pauseAll();

      assertThat(runAt("2026-03-02T09:15+08:00")).isEmpty();
      assertThat(scheduler.list()).allMatch(ScheduleStatus::paused);

      scheduler.resumeAll();
      List<ScheduleFire> fired = scheduler.runDue();

      // 09:15 is on time; the intraday 09:00 slot is 15 min late, beyond its 10 min grace.
      assertThat(fired).extracting(ScheduleFire::scheduleName).containsExactly(PRE_MARKET);
      assertThat(recorder.misfires).singleElement().satisfies(m -> {
        assertThat(m.scheduleName()).isEqualTo(INTRADAY);
        assertThat(m.cause()).isEqualTo(MisfireCause.PAUSED);
      });
      assertThat(scheduler.list()).noneMatch(ScheduleStatus::paused);
      assertThat(runAt("2026-03-02T09:30+08:00")).extracting(ScheduleFire::scheduleName)
          .containsExactly(INTRADAY);
    }

    @Test
    void shouldRegisterADisabledSchedulePaused() {
      scheduler.register(preMarket().toBuilder().enabled(false).build(), ran::add);

      runAt("2026-03-02T09:15+08:00");
      assertThat(ran).isEmpty();
      assertThat(status(PRE_MARKET).paused()).isTrue();

      scheduler.resume(PRE_MARKET);
      assertThat(scheduler.runDue()).hasSize(1);
    }
  }

  @Nested
  class FireNowAndPreview {

    @Test
    void shouldFireNowEvenWhenPausedWithoutMovingTheRegularSlots() {
      scheduler.register(preMarket(), ran::add);
      scheduler.pause(PRE_MARKET);
      List<ZonedDateTime> before = scheduler.nextFireTimes(PRE_MARKET, 3);

      clock.set(at("2026-03-02T08:30+08:00"));
      assertThat(scheduler.fireNow(PRE_MARKET)).hasValueSatisfying(f -> {
        assertThat(f.fireNow()).isTrue();
        assertThat(f.scheduledTime()).isEqualTo(at("2026-03-02T08:30+08:00"));
      });

      assertThat(ran).hasSize(1);
      assertThat(scheduler.nextFireTimes(PRE_MARKET, 3)).isEqualTo(before);
      assertThat(status(PRE_MARKET).firedCount()).isEqualTo(1);
    }

    @Test
    void shouldPreviewTheNextFireTimesSkippingHolidays() {
      clock.set(at("2026-09-30T14:40+08:00"));
      scheduler.register(intraday(), ran::add);

      assertThat(scheduler.nextFireTimes(INTRADAY, 5))
          .extracting(z -> z.toOffsetDateTime().toString())
          .containsExactly("2026-09-30T15:00+08:00", "2026-09-30T15:30+08:00",
              "2026-10-08T09:00+08:00", "2026-10-08T09:30+08:00", "2026-10-08T10:00+08:00");
      assertThatThrownBy(() -> scheduler.nextFireTimes(INTRADAY, 0))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("count"));
    }
  }

  @Nested
  class Guard {

    @Test
    void shouldNotFireWhenTheGuardDenies() {
      scheduler.close();
      scheduler = newScheduler((name, time) -> false);
      scheduler.register(preMarket(), ran::add);

      assertThat(runAt("2026-03-02T09:15+08:00")).isEmpty();
      assertThat(scheduler.fireNow(PRE_MARKET)).isEmpty();

      assertThat(ran).isEmpty();
      assertThat(recorder.denied).hasSize(2);
      assertThat(status(PRE_MARKET).deniedCount()).isEqualTo(2);
      assertThat(recorder.misfires).isEmpty();
    }

    @Test
    void shouldFireOnceAcrossTwoSchedulersSharingAGuard() {
      InMemoryFireGuard shared = new InMemoryFireGuard();
      scheduler.close();
      scheduler = newScheduler(shared);
      try (LocalScheduler other = newScheduler(shared)) {
        scheduler.register(preMarket(), ran::add);
        other.register(preMarket(), ran::add);

        clock.set(at("2026-03-02T09:15+08:00"));
        other.runDue();
        // This node stalled and comes back late, within grace: the slot is already taken.
        clock.set(at("2026-03-02T09:20+08:00"));
        scheduler.runDue();
        other.runDue();
      }

      assertThat(ran).hasSize(1);
      assertThat(recorder.denied).hasSize(1);
    }

    @Test
    void shouldReportAFailingGuardAndNotFire() {
      scheduler.close();
      scheduler = newScheduler((name, time) -> {
        throw new BatchException("postgres unreachable");
      });
      scheduler.register(preMarket(), ran::add);

      runAt("2026-03-02T09:15+08:00");

      assertThat(ran).isEmpty();
      assertThat(recorder.misfires).singleElement()
          .satisfies(m -> assertThat(m.cause()).isEqualTo(MisfireCause.GUARD_FAILED));
      assertThatThrownBy(() -> scheduler.fireNow(PRE_MARKET)).isInstanceOf(BatchException.class);
    }
  }

  @Nested
  class Reschedule {

    private static final String NIGHTLY = "priority_batches.level_5";

    private Schedule nightlyAt(int hour, int minute) {
      return Schedule.builder(NIGHTLY).dailyAt(LocalTime.of(hour, minute)).build();
    }

    @Test
    void shouldFireAtTheNewTimeWithTheSameActionAndKeepTheCounts() {
      scheduler.register(nightlyAt(0, 30), ran::add);
      runAt("2026-03-03T00:30+08:00");
      clock.set(at("2026-03-03T12:00+08:00"));

      Schedule previous = scheduler.reschedule(nightlyAt(1, 0));

      assertThat(previous).isEqualTo(nightlyAt(0, 30));
      assertThat(runAt("2026-03-04T00:30+08:00")).isEmpty();
      assertThat(runAt("2026-03-04T01:00+08:00")).hasSize(1);
      assertThat(ran).extracting(ScheduleFire::scheduledTime)
          .containsExactly(at("2026-03-03T00:30+08:00"), at("2026-03-04T01:00+08:00"));
      assertThat(status(NIGHTLY).firedCount()).isEqualTo(2);
      assertThat(status(NIGHTLY).schedule()).isEqualTo(nightlyAt(1, 0));
      assertThat(recorder.misfires).isEmpty();
    }

    @Test
    void shouldPreviewTheNewDefinitionAtOnce() {
      scheduler.register(nightlyAt(0, 30), ran::add);

      scheduler.reschedule(nightlyAt(1, 0));

      assertThat(scheduler.nextFireTimes(NIGHTLY, 2))
          .extracting(z -> z.toOffsetDateTime().toString())
          .containsExactly("2026-03-03T01:00+08:00", "2026-03-04T01:00+08:00");
      assertThat(status(NIGHTLY).nextFireTime())
          .contains(ZonedDateTime.parse("2026-03-03T01:00+08:00[Asia/Shanghai]"));
      assertThat(scheduler.nextDue()).contains(at("2026-03-03T01:00+08:00"));
    }

    @Test
    void shouldNotStartTheNewSlotsAtOrBeforeTheLastHandledOneWhenTheClockStepsBack() {
      scheduler.register(nightlyAt(0, 30), ran::add);
      runAt("2026-03-03T00:30+08:00");
      clock.set(at("2026-03-02T20:00+08:00"));

      scheduler.reschedule(nightlyAt(0, 15));

      assertThat(status(NIGHTLY).nextFireTime())
          .contains(ZonedDateTime.parse("2026-03-04T00:15+08:00[Asia/Shanghai]"));
      assertThat(runAt("2026-03-03T00:15+08:00")).isEmpty();
      assertThat(runAt("2026-03-04T00:15+08:00")).hasSize(1);
    }

    @Test
    void shouldKeepAPausedSchedulePausedUntilResumed() {
      scheduler.register(nightlyAt(0, 30), ran::add);
      scheduler.pause(NIGHTLY);

      scheduler.reschedule(nightlyAt(1, 0));

      assertThat(status(NIGHTLY).paused()).isTrue();
      assertThat(runAt("2026-03-03T01:00+08:00")).isEmpty();
      clock.set(at("2026-03-03T01:05+08:00"));
      scheduler.resume(NIGHTLY);
      assertThat(scheduler.runDue()).extracting(ScheduleFire::scheduledTime)
          .containsExactly(at("2026-03-03T01:00+08:00"));
      assertThat(recorder.misfires).singleElement()
          .satisfies(m -> assertThat(m.cause()).isEqualTo(MisfireCause.PAUSED));
    }

    @Test
    void shouldPauseWhenTheNewDefinitionIsNotEnabled() {
      scheduler.register(nightlyAt(0, 30), ran::add);

      scheduler.reschedule(nightlyAt(1, 0).toBuilder().enabled(false).build());

      assertThat(status(NIGHTLY).paused()).isTrue();
      assertThat(runAt("2026-03-03T01:00+08:00")).isEmpty();
      assertThat(ran).isEmpty();
    }

    @Test
    void shouldRejectAnUnknownNameAndKeepTheOtherSchedulesFiring() {
      scheduler.register(nightlyAt(0, 30), ran::add);

      assertThatThrownBy(() -> scheduler.reschedule(preMarket()))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("scheduleName");
            assertThat(e.getMessage()).contains(PRE_MARKET, "is not registered", NIGHTLY);
          });
      assertThatThrownBy(() -> scheduler.reschedule(null))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("schedule"));
      assertThat(scheduler.status(PRE_MARKET)).isEmpty();
      assertThat(runAt("2026-03-03T00:30+08:00")).hasSize(1);
    }

    @Test
    void shouldRejectAnInvalidDefinitionAndKeepTheOldOneFiring() {
      scheduler.register(nightlyAt(0, 30), ran::add);
      List<ZonedDateTime> before = scheduler.nextFireTimes(NIGHTLY, 3);

      assertThatThrownBy(() -> scheduler.reschedule(
          Schedule.builder(NIGHTLY).cron("0 0 30 2 *").misfirePolicy(MisfirePolicy.SKIP).build()))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("trigger");
            assertThat(e.getMessage()).contains("never fires");
          });
      assertThatThrownBy(() -> scheduler.reschedule(Schedule.builder(NIGHTLY)
          .cron("0 10 * * SUN").requiresTradingDay(true).enabled(false).build()))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.getMessage()).contains("never fires on a trading day"));
      assertThatThrownBy(() -> scheduler.reschedule(
          Schedule.builder(NIGHTLY).cron("61 * * * *").build()))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("cron"));

      assertThat(status(NIGHTLY).schedule()).isEqualTo(nightlyAt(0, 30));
      assertThat(status(NIGHTLY).paused()).isFalse();
      assertThat(scheduler.nextFireTimes(NIGHTLY, 3)).isEqualTo(before);
      assertThat(runAt("2026-03-03T00:30+08:00")).extracting(ScheduleFire::scheduledTime)
          .containsExactly(at("2026-03-03T00:30+08:00"));
    }

    @Test
    void shouldRejectAClosedScheduler() {
      scheduler.register(nightlyAt(0, 30), ran::add);
      scheduler.close();

      assertThatThrownBy(() -> scheduler.reschedule(nightlyAt(1, 0)))
          .isInstanceOf(BatchException.class)
          .isNotInstanceOf(InvalidInputException.class);
    }

    @Test
    void shouldLetARunningFireFinishAndFireTheNextSlotUnderTheNewDefinition()
        throws InterruptedException {
      List<Thread> threads = new CopyOnWriteArrayList<>();
      scheduler.close();
      scheduler = LocalScheduler.builder().clock(clock).listener(recorder).executor(r -> {
        Thread t = new Thread(r);
        threads.add(t);
        t.start();
      }).build();
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<ScheduleFire> finished = new CopyOnWriteArrayList<>();
      scheduler.register(nightlyAt(0, 30), f -> {
        started.countDown();
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        finished.add(f);
      });

      runAt("2026-03-03T00:30+08:00");
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      clock.set(at("2026-03-03T00:40+08:00"));
      scheduler.reschedule(nightlyAt(1, 0));

      assertThat(status(NIGHTLY).running()).isTrue();
      release.countDown();
      threads.get(0).join(10_000);
      assertThat(status(NIGHTLY).running()).isFalse();
      assertThat(runAt("2026-03-04T00:30+08:00")).isEmpty();
      assertThat(runAt("2026-03-04T01:00+08:00")).hasSize(1);
      threads.get(1).join(10_000);
      assertThat(finished).extracting(ScheduleFire::scheduledTime)
          .containsExactly(at("2026-03-03T00:30+08:00"), at("2026-03-04T01:00+08:00"));
      assertThat(status(NIGHTLY).firedCount()).isEqualTo(2);
      assertThat(recorder.failures).isEmpty();
    }

    @Test
    void shouldWakeTheSchedulerThreadForTheNewNextFire() throws InterruptedException {
      CountDownLatch fired = new CountDownLatch(1);
      scheduler.close();
      scheduler = LocalScheduler.builder().clock(clock).threadName("reschedule-wake").build();
      scheduler.register(nightlyAt(0, 30), f -> fired.countDown());
      scheduler.start();
      awaitWaiting("reschedule-wake");

      // The thread waits MAX_IDLE_WAIT (30 s) for 00:30; only the reschedule's signal wakes it.
      clock.set(at("2026-03-03T01:00+08:00"));
      scheduler.reschedule(nightlyAt(1, 0));

      assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(status(NIGHTLY).lastFire()).hasValueSatisfying(
          f -> assertThat(f.scheduledTime()).isEqualTo(at("2026-03-03T01:00+08:00")));
    }

    /** Waits until the scheduler thread sleeps for its next fire, so a wake-up must be a signal. */
    private void awaitWaiting(String threadName) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Thread.getAllStackTraces().keySet().stream().noneMatch(
          t -> t.getName().equals(threadName) && t.getState() == Thread.State.TIMED_WAITING)) {
        assertThat(System.nanoTime()).as("scheduler thread waiting").isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }

  @Nested
  class Lifecycle {

    @Test
    void shouldRejectDuplicateAndUnknownNames() {
      scheduler.register(preMarket(), ran::add);

      assertThatThrownBy(() -> scheduler.register(preMarket(), ran::add))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("name"));
      assertThatThrownBy(() -> scheduler.pause("nope"))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("scheduleName"));
      assertThat(scheduler.status("nope")).isEmpty();
      assertThat(scheduler.unregister(PRE_MARKET)).isTrue();
      assertThat(scheduler.unregister(PRE_MARKET)).isFalse();
    }

    @Test
    void shouldFireFromItsOwnThreadOnceStarted() throws InterruptedException {
      CountDownLatch fired = new CountDownLatch(1);
      scheduler.close();
      scheduler = LocalScheduler.builder().clock(clock).build();
      scheduler.register(preMarket(), f -> fired.countDown());
      clock.set(at("2026-03-02T09:15+08:00"));

      scheduler.start();

      assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
      scheduler.close();
      assertThatThrownBy(() -> scheduler.runDue()).isInstanceOf(BatchException.class);
    }

    @Test
    void shouldBeAvailableByProviderName() {
      try (Scheduler s = Plugins.create(Scheduler.class, "local", Map.of())) {
        assertThat(s).isInstanceOf(LocalScheduler.class);
      }
      assertThat(Plugins.create(FireGuard.class, "memory", Map.of("retention", "P1D")))
          .isInstanceOf(InMemoryFireGuard.class);
    }
  }

  /** Records what the scheduler reports. */
  static final class Recorder implements ScheduleListener {
    final List<ScheduleFire> fires = new CopyOnWriteArrayList<>();
    final List<Misfire> misfires = new CopyOnWriteArrayList<>();
    final List<Instant> denied = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onFire(ScheduleFire fire) {
      fires.add(fire);
    }

    @Override
    public void onMisfire(Misfire misfire) {
      misfires.add(misfire);
    }

    @Override
    public void onFireDenied(String scheduleName, Instant scheduledTime) {
      denied.add(scheduledTime);
    }

    @Override
    public void onFireFailed(ScheduleFire fire, Throwable error) {
      failures.add(error);
    }
  }
}
