package io.prism.batch.core.engine;

import io.prism.batch.api.InvalidInputException;
import java.time.ZoneId;
import java.util.OptionalLong;

/**
 * The limits of one named resource: a token bucket of requests per minute, a maximum of
 * concurrent calls, and a daily quota that survives a restart when the engine has a state
 * directory. A rate-limited error (HTTP 429) halves the bucket's rate, down to a tenth of the
 * configured rate; successful calls bring it back up. Immutable.
 *
 * <pre>{@code
 * RateLimit akshare = RateLimit.builder()
 *     .requestsPerMinute(60).maxConcurrent(2).dailyQuota(5_000).build();
 * }</pre>
 *
 * @param requestsPerMinute the bucket's rate; 0 for no rate limit
 * @param maxConcurrent the most calls at once; 0 for no limit
 * @param dailyQuota the most calls per day, or empty for none
 * @param quotaZone the time zone whose midnight resets the quota
 */
public record RateLimit(
    int requestsPerMinute, int maxConcurrent, OptionalLong dailyQuota, ZoneId quotaZone) {

  /** Checks the values. */
  public RateLimit {
    if (requestsPerMinute < 0) {
      throw new InvalidInputException("requestsPerMinute", requestsPerMinute, "must be >= 0");
    }
    if (maxConcurrent < 0) {
      throw new InvalidInputException("maxConcurrent", maxConcurrent, "must be >= 0");
    }
    if (dailyQuota.isPresent() && dailyQuota.getAsLong() <= 0) {
      throw new InvalidInputException("dailyQuota", dailyQuota.getAsLong(), "must be > 0");
    }
    if (quotaZone == null) {
      throw new InvalidInputException("quotaZone", null, "must be a time zone");
    }
  }

  /**
   * Starts a builder: no limits, quota day in Asia/Shanghai.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RateLimit}. Not thread-safe. */
  public static final class Builder {
    private int rpm;
    private int concurrent;
    private OptionalLong quota = OptionalLong.empty();
    private ZoneId zone = ZoneId.of("Asia/Shanghai");

    private Builder() {}

    /**
     * Sets the token bucket's rate.
     *
     * @param rpm requests per minute; 0 for none
     * @return this builder
     */
    public Builder requestsPerMinute(int rpm) {
      this.rpm = rpm;
      return this;
    }

    /**
     * Sets the concurrency limit.
     *
     * @param max calls at once; 0 for none
     * @return this builder
     */
    public Builder maxConcurrent(int max) {
      this.concurrent = max;
      return this;
    }

    /**
     * Sets the daily quota.
     *
     * @param calls calls per day
     * @return this builder
     */
    public Builder dailyQuota(long calls) {
      if (calls <= 0) {
        throw new InvalidInputException("dailyQuota", calls, "must be > 0");
      }
      this.quota = OptionalLong.of(calls);
      return this;
    }

    /**
     * Sets the zone whose midnight resets the quota.
     *
     * @param zone the zone
     * @return this builder
     */
    public Builder quotaZone(ZoneId zone) {
      this.zone = zone;
      return this;
    }

    /**
     * Builds the limit.
     *
     * @return the limit
     */
    public RateLimit build() {
      return new RateLimit(rpm, concurrent, quota, zone);
    }
  }
}
