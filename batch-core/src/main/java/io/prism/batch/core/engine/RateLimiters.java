package io.prism.batch.core.engine;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Permit;
import io.prism.batch.core.engine.internal.ResourceLimiter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The named rate-limited resources of a host: one token bucket, concurrency limit and daily
 * quota per resource, shared by every engine and read path given the same instance, so that
 * batch jobs and interactive reads together stay within a source's limits. Thread-safe.
 *
 * <pre>{@code
 * RateLimiters limits = RateLimiters.builder()
 *     .limit("akshare", RateLimit.builder().requestsPerMinute(60).maxConcurrent(2).build())
 *     .stateDir(Path.of("state"))          // daily quotas survive restarts
 *     .build();
 * BatchEngine.builder().rateLimiters(limits)...;
 * }</pre>
 */
public final class RateLimiters {
  private static final Permit UNLIMITED = new Permit() {
    @Override
    public void rateLimited() {}

    @Override
    public void close() {}
  };

  private final Map<String, ResourceLimiter> limiters;

  private RateLimiters(Map<String, ResourceLimiter> limiters) {
    this.limiters = Map.copyOf(limiters);
  }

  /**
   * Returns a registry with no limits.
   *
   * @return the registry
   */
  public static RateLimiters none() {
    return new RateLimiters(Map.of());
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Takes a permit of a resource; an unknown resource is unlimited.
   *
   * @param resource the resource name
   * @return the permit, to close after the call
   * @throws InterruptedException if interrupted while waiting
   * @throws io.prism.batch.api.QuotaExhaustedException if today's quota is used up
   */
  public Permit acquire(String resource) throws InterruptedException {
    ResourceLimiter l = limiters.get(resource);
    return l == null ? UNLIMITED : l.acquire();
  }

  /**
   * Tells a resource's bucket that a call was refused for rate, so it slows down.
   *
   * @param resource the resource name
   */
  public void onRateLimited(String resource) {
    ResourceLimiter l = limiters.get(resource);
    if (l != null) {
      l.onRateLimited();
    }
  }

  /**
   * Returns the current fraction of a resource's configured rate (1 unless slowed by 429s).
   *
   * @param resource the resource name
   * @return the factor, or empty for an unknown resource
   */
  public Optional<Double> rateFactor(String resource) {
    return Optional.ofNullable(limiters.get(resource)).map(ResourceLimiter::rateFactor);
  }

  /**
   * Returns the calls a resource used today against its quota.
   *
   * @param resource the resource name
   * @return the count, or 0
   */
  public long quotaUsedToday(String resource) {
    ResourceLimiter l = limiters.get(resource);
    return l == null ? 0 : l.quotaUsedToday();
  }

  /** Builds {@link RateLimiters}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, RateLimit> limits = new LinkedHashMap<>();
    private Path stateDir;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Limits a named resource.
     *
     * @param resource the name
     * @param limit the limits
     * @return this builder
     */
    public Builder limit(String resource, RateLimit limit) {
      if (resource == null || resource.isBlank()) {
        throw new InvalidInputException("resource", resource, "must not be empty");
      }
      if (limit == null) {
        throw new InvalidInputException("limit", null, "must not be null");
      }
      limits.put(resource, limit);
      return this;
    }

    /**
     * Sets where daily quotas persist across restarts.
     *
     * @param dir the directory
     * @return this builder
     */
    public Builder stateDir(Path dir) {
      this.stateDir = dir;
      return this;
    }

    /**
     * Sets the clock that decides the quota day.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Builds the registry.
     *
     * @return the registry
     */
    public RateLimiters build() {
      Map<String, ResourceLimiter> m = new LinkedHashMap<>();
      limits.forEach((name, limit) ->
          m.put(name, new ResourceLimiter(name, limit, Optional.ofNullable(stateDir), clock)));
      return new RateLimiters(m);
    }
  }
}
