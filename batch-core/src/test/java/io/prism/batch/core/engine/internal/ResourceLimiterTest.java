package io.prism.batch.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.Permit;
import io.prism.batch.api.QuotaExhaustedException;
import io.prism.batch.core.engine.RateLimit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceLimiterTest {

  @TempDir Path dir;

  @Test
  void shouldKeepTheDailyQuotaAcrossARestart() throws Exception {
    Clock day1 = Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC);
    RateLimit limit = RateLimit.builder().dailyQuota(5).build();
    ResourceLimiter first = new ResourceLimiter("akshare", limit, Optional.of(dir), day1);
    for (int i = 0; i < 3; i++) {
      first.acquire().close();
    }
    // a new process: a new limiter over the same state directory
    ResourceLimiter second = new ResourceLimiter("akshare", limit, Optional.of(dir), day1);
    assertThat(second.quotaUsedToday()).isEqualTo(3);
    second.acquire().close();
    second.acquire().close();
    assertThatThrownBy(second::acquire)
        .isInstanceOf(QuotaExhaustedException.class)
        .hasMessageContaining("akshare").hasMessageContaining("5")
        .satisfies(e -> assertThat(((QuotaExhaustedException) e).resetsAt())
            .isEqualTo(Instant.parse("2026-11-22T16:00:00Z"))); // midnight in Shanghai
    Clock day2 = Clock.fixed(Instant.parse("2026-11-22T16:00:01Z"), ZoneOffset.UTC);
    ResourceLimiter third = new ResourceLimiter("akshare", limit, Optional.of(dir), day2);
    assertThat(third.quotaUsedToday()).isZero();
    third.acquire().close();
    assertThat(third.quotaUsedToday()).isEqualTo(1);
  }

  @Test
  void shouldSlowDownOnRateLimitAndRecover() throws Exception {
    ResourceLimiter l = new ResourceLimiter("api",
        RateLimit.builder().requestsPerMinute(600_000).build(), Optional.empty(), Clock.systemUTC());
    assertThat(l.rateFactor()).isEqualTo(1.0);
    try (Permit p = l.acquire()) {
      p.rateLimited();
    }
    assertThat(l.rateFactor()).isEqualTo(0.5);
    l.onRateLimited();
    l.onRateLimited();
    l.onRateLimited();
    l.onRateLimited();
    assertThat(l.rateFactor()).isEqualTo(0.1);
    int calls = 0;
    while (l.rateFactor() < 1.0 && calls < 10_000) {
      l.acquire().close();
      calls++;
    }
    assertThat(l.rateFactor()).isEqualTo(1.0);
    // 0.1 -> 1.0 in steps of x1.25 takes 11 steps of RECOVERY_CALLS successes each
    assertThat(calls).isEqualTo(11 * ResourceLimiter.RECOVERY_CALLS);
  }

  @Test
  void shouldNotLetMoreThanMaxConcurrentHoldPermits() throws Exception {
    ResourceLimiter l = new ResourceLimiter("api",
        RateLimit.builder().maxConcurrent(1).build(), Optional.empty(), Clock.systemUTC());
    Permit held = l.acquire();
    Thread t = new Thread(() -> {
      try {
        l.acquire().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    t.start();
    t.join(200);
    assertThat(t.isAlive()).as("second caller waits for the slot").isTrue();
    held.close();
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
  }
}
