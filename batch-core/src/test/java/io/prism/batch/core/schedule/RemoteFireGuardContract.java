package io.prism.batch.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Misfire;
import io.prism.batch.api.schedule.MisfireCause;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleFire;
import io.prism.batch.core.testing.SettableClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a {@link FireGuard} whose claims live in a store that can be down (PostgreSQL, Redis) must
 * show besides the {@link FireGuardContract}: it throws rather than guess when the store cannot
 * be reached, and a scheduler on it skips and reports the slot instead of firing it.
 */
public abstract class RemoteFireGuardContract extends FireGuardContract {

  private FireGuard offline;

  /**
   * Creates a guard whose store cannot be reached, so that every call on it fails.
   *
   * @return the guard
   * @throws Exception if the guard cannot be set up
   */
  protected abstract FireGuard newUnreachableGuard() throws Exception;

  private FireGuard unreachable() throws Exception {
    offline = newUnreachableGuard();
    return offline;
  }

  @AfterEach
  void closeUnreachableGuard() throws Exception {
    if (offline instanceof AutoCloseable c) {
      c.close();
    }
  }

  @Test
  void shouldThrowRatherThanGuessWhenTheStoreIsUnreachable() throws Exception {
    // Given a guard whose store is down
    FireGuard offline = unreachable();

    // When it is asked to claim, or for the latest claim
    // Then it throws, naming the schedule, rather than answer
    assertThatThrownBy(() -> offline.tryClaim("nightly-warm", SLOT))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("nightly-warm");
    assertThatThrownBy(() -> offline.lastClaimed("nightly-warm"))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("nightly-warm");
  }

  @Test
  void shouldMakeTheSchedulerSkipAndReportASlotWhenTheStoreIsUnreachable() throws Exception {
    // Given a scheduler whose guard's store is down
    FireGuard offline = unreachable();
    SettableClock clock = new SettableClock(SLOT.minusMillis(500));
    List<Misfire> misfires = new CopyOnWriteArrayList<>();
    List<ScheduleFire> fired = new CopyOnWriteArrayList<>();
    try (LocalScheduler scheduler = scheduler(clock, offline, misfires)) {
      scheduler.register(Schedule.builder("nightly-warm").cron("* * * * * *").zone("UTC")
          .build(), fired::add);

      // When a slot is due
      clock.set(SLOT);

      // Then it is not run, and reported as a guard failure
      assertThat(scheduler.runDue()).isEmpty();
    }
    assertThat(fired).isEmpty();
    assertThat(misfires).singleElement().satisfies(m -> {
      assertThat(m.cause()).isEqualTo(MisfireCause.GUARD_FAILED);
      assertThat(m.lastMissed()).isEqualTo(SLOT);
    });
  }
}
