package io.prism.batch.core.engine.internal;

import dev.failsafe.Bulkhead;
import dev.failsafe.RateLimiter;
import io.prism.batch.api.Permit;
import io.prism.batch.api.QuotaExhaustedException;
import io.prism.batch.core.engine.RateLimit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The limits of one named resource: a Failsafe smooth {@link RateLimiter} (requests per minute),
 * a Failsafe {@link Bulkhead} (concurrent calls) and a {@link QuotaLedger} (calls per day).
 *
 * <p>Adaptive rate: a 429 halves the effective rate (floor: a tenth of the configured one);
 * every {@value #RECOVERY_CALLS} successful calls raise it by a quarter until it is back to the
 * configured rate. The limiter is swapped atomically when the rate changes.
 */
public final class ResourceLimiter {
  static final int RECOVERY_CALLS = 20;
  private static final double MIN_FACTOR = 0.1;

  private final String name;
  private final RateLimit limit;
  private final Clock clock;
  private final Bulkhead<Object> bulkhead;
  private final QuotaLedger quota;
  private final AtomicReference<RateLimiter<Object>> rate = new AtomicReference<>();
  private final AtomicInteger successesSinceChange = new AtomicInteger();
  private volatile double factor = 1.0;

  /**
   * Creates the limiter.
   *
   * @param name the resource name
   * @param limit its limits
   * @param stateDir where the daily quota is persisted, if anywhere
   * @param clock the clock deciding the quota day
   */
  public ResourceLimiter(String name, RateLimit limit, Optional<Path> stateDir, Clock clock) {
    this.name = name;
    this.limit = limit;
    this.clock = clock;
    this.bulkhead = limit.maxConcurrent() > 0 ? Bulkhead.builder(limit.maxConcurrent()).build() : null;
    this.quota = limit.dailyQuota().isPresent()
        ? new QuotaLedger(limit.dailyQuota().getAsLong(),
            stateDir.map(d -> d.resolve("quota-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".txt")))
        : null;
    if (limit.requestsPerMinute() > 0) {
      rate.set(buildRate(1.0));
    }
  }

  /**
   * Takes a permit: quota first (fails fast), then the concurrency slot, then a token.
   *
   * @return the permit
   * @throws InterruptedException if interrupted while waiting
   * @throws QuotaExhaustedException if today's quota is used up
   */
  public Permit acquire() throws InterruptedException {
    if (quota != null) {
      LocalDate today = LocalDate.now(clock.withZone(limit.quotaZone()));
      if (!quota.tryConsume(today)) {
        throw new QuotaExhaustedException(name, quota.quota(),
            today.plusDays(1).atStartOfDay(limit.quotaZone()).toInstant());
      }
    }
    if (bulkhead != null) {
      bulkhead.acquirePermit();
    }
    try {
      RateLimiter<Object> r = rate.get();
      if (r != null) {
        r.acquirePermit();
      }
    } catch (InterruptedException | RuntimeException e) {
      if (bulkhead != null) {
        bulkhead.releasePermit();
      }
      throw e;
    }
    return new LimiterPermit();
  }

  /** Slows the rate after a 429. */
  public void onRateLimited() {
    if (limit.requestsPerMinute() == 0) {
      return;
    }
    synchronized (this) {
      factor = Math.max(MIN_FACTOR, factor / 2);
      rate.set(buildRate(factor));
      successesSinceChange.set(0);
    }
  }

  private void onSuccess() {
    if (factor >= 1.0 || successesSinceChange.incrementAndGet() < RECOVERY_CALLS) {
      return;
    }
    synchronized (this) {
      if (factor < 1.0 && successesSinceChange.get() >= RECOVERY_CALLS) {
        factor = Math.min(1.0, factor * 1.25);
        rate.set(buildRate(factor));
        successesSinceChange.set(0);
      }
    }
  }

  /**
   * Returns the current fraction of the configured rate, 0.1 to 1.
   *
   * @return the factor
   */
  public double rateFactor() {
    return factor;
  }

  /**
   * Returns the calls used today.
   *
   * @return the count, or 0 without a quota
   */
  public long quotaUsedToday() {
    return quota == null ? 0 : quota.used(LocalDate.now(clock.withZone(limit.quotaZone())));
  }

  /**
   * Returns the resource name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  private RateLimiter<Object> buildRate(double f) {
    double perMinute = Math.max(1.0, limit.requestsPerMinute() * f);
    long intervalNanos = (long) (60_000_000_000d / perMinute);
    return RateLimiter.smoothBuilder(Duration.ofNanos(intervalNanos)).build();
  }

  private final class LimiterPermit implements Permit {
    private boolean limited;
    private boolean closed;

    @Override
    public void rateLimited() {
      if (!limited) {
        limited = true;
        onRateLimited();
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (bulkhead != null) {
        bulkhead.releasePermit();
      }
      if (!limited) {
        onSuccess();
      }
    }
  }
}
