package io.prism.batch.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.Plugins;
import io.prism.batch.api.schedule.FireGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link InMemoryFireGuard} against the {@link FireGuardContract} every guard passes, plus what
 * only this guard does. Its nodes are schedulers in one JVM sharing one instance, so the guards
 * a test asks for with one retention are one guard; it records no node, keeps its claims
 * private and has no store to lose.
 */
class InMemoryFireGuardTest extends FireGuardContract {
  private final Map<Duration, InMemoryFireGuard> shared = new HashMap<>();

  @Override
  protected FireGuard newGuard(String nodeId, Duration retention) {
    return shared.computeIfAbsent(retention, InMemoryFireGuard::new);
  }

  @Override
  protected boolean recordsClaimants() {
    return false;
  }

  @Override
  protected Optional<String> claimedBy(FireGuard reader, String scheduleName, Instant slot) {
    throw new UnsupportedOperationException("the in-memory guard records no claimant");
  }

  @Override
  protected long storedClaims() {
    throw new UnsupportedOperationException("the in-memory guard keeps its claims private");
  }

  @Test
  void shouldRefuseAClaimedSlotAfterForgettingIt() {
    // Given a slot claimed, then one more than the retention later
    InMemoryFireGuard guard = new InMemoryFireGuard(Duration.ofDays(1));
    assertThat(guard.tryClaim("a", SLOT)).isTrue();
    assertThat(guard.tryClaim("a", SLOT.plus(Duration.ofDays(3)))).isTrue();

    // When the first slot, no longer remembered, and an unclaimed one between are claimed again
    // Then both are refused rather than risk a second run, and the latest claim stays
    assertThat(guard.tryClaim("a", SLOT)).isFalse();
    assertThat(guard.tryClaim("a", SLOT.plus(Duration.ofHours(1)))).isFalse();
    assertThat(guard.lastClaimed("a")).contains(SLOT.plus(Duration.ofDays(3)));
  }

  @Test
  void shouldNotShareClaimsBetweenInstances() {
    // Given a slot claimed on one guard
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isTrue();

    // When another instance, as in another JVM, claims it
    InMemoryFireGuard elsewhere = new InMemoryFireGuard(RETENTION);

    // Then it wins it too: the guard spans one JVM only
    assertThat(elsewhere.tryClaim("nightly-warm", SLOT)).isTrue();
    assertThat(elsewhere.lastClaimed("nightly-warm")).contains(SLOT);
  }

  @Test
  void shouldBeCreatedByNameFromSettings() {
    // Given the settings of the "memory" provider / Then it builds a guard with them
    FireGuard byDefault = Plugins.create(FireGuard.class, "memory", Map.of());
    FireGuard daily = Plugins.create(FireGuard.class, "memory", Map.of("retention", "P1D"));

    assertThat(byDefault).isInstanceOfSatisfying(InMemoryFireGuard.class,
        g -> assertThat(g.retention()).isEqualTo(InMemoryFireGuard.DEFAULT_RETENTION));
    assertThat(daily).isInstanceOfSatisfying(InMemoryFireGuard.class,
        g -> assertThat(g.retention()).isEqualTo(Duration.ofDays(1)));
    assertRejected(() -> Plugins.create(FireGuard.class, "memory", Map.of("retention", "a day")),
        "retention");
    assertRejected(() -> Plugins.create(FireGuard.class, "memory", Map.of("ttl", "P1D")),
        "fire guard setting");
  }
}
