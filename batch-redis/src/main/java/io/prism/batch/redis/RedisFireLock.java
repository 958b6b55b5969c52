package io.prism.batch.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.redis.internal.RedisConnector;
import io.prism.batch.redis.internal.RedisConnector.LazyConnection;
import io.prism.batch.redis.internal.RedisUris;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Lets a scheduled fire happen once across a cluster: every node that wants to run schedule
 * {@code S} at fire time {@code T} calls {@link #tryAcquireFire}, and only the first one gets
 * {@code true}. It is one {@code SET <prefix>S:<T epoch millis> <owner> NX PX <ttl>}; the key
 * expires by itself, so nothing is released.
 *
 * <p>Choose a time to live longer than the clocks of the nodes may disagree plus the misfire
 * window of the schedule, so a late node cannot take the same fire after the key has expired.
 * If Redis cannot answer, {@link #tryAcquireFire} throws rather than guess: the caller decides
 * whether to skip that fire or run it elsewhere.
 *
 * <p>Thread-safe. Close it to release its connection and threads.
 *
 * <pre>{@code
 * try (RedisFireLock lock = RedisFireLock.builder().uri("redis://cache.internal:6379").build()) {
 *   if (lock.tryAcquireFire("nightly-warm", fireTime, Duration.ofMinutes(10))) {
 *     runNightlyWarm();
 *   }
 * }
 * }</pre>
 */
public final class RedisFireLock implements AutoCloseable {

  /** The default key prefix, {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "prism:fire:";
  /** The default timeout of one command: 2 s. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** The longest schedule name, {@value}. */
  public static final int MAX_SCHEDULE_NAME_LENGTH = 200;

  private final String keyPrefix;
  private final String ownerId;
  private final RedisConnector connector;
  private final LazyConnection<String, String> connection;

  private RedisFireLock(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.ownerId = b.ownerId;
    this.connector = new RedisConnector(
        b.uri, b.commandTimeout, b.commandTimeout, RedisCacheTier.DEFAULT_MAX_RECONNECT_DELAY);
    this.connection = connector.connect(StringCodec.UTF8, true, "schedule fire locks");
  }

  /**
   * Starts a builder: {@value RedisCacheTier#DEFAULT_URI}, prefix {@value #DEFAULT_KEY_PREFIX},
   * an owner id of host, process id and a random part.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Claims one fire of a schedule for this node.
   *
   * @param scheduleName the schedule, 1-{@value #MAX_SCHEDULE_NAME_LENGTH} characters
   * @param fireTime the planned fire time (the same on every node, to the millisecond)
   * @param ttl how long the claim is kept
   * @return true if this call claimed the fire; false if any caller claimed it before
   * @throws InvalidInputException naming {@code scheduleName}, {@code fireTime} or {@code ttl}
   * @throws BatchException if Redis did not answer, so whether the fire was claimed is unknown
   */
  public boolean tryAcquireFire(String scheduleName, Instant fireTime, Duration ttl) {
    String key = keyOf(scheduleName, fireTime);
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new InvalidInputException("ttl", ttl, "must be a positive duration");
    }
    StatefulRedisConnection<String, String> c = connection.get();
    if (c == null) {
      throw new BatchException(
          "Redis " + connector.displayUri() + " is unreachable; cannot claim fire " + key);
    }
    try {
      long px = Math.max(1, ttl.toMillis());
      String reply = c.sync().set(key, ownerId, SetArgs.Builder.nx().px(px));
      return "OK".equals(reply);
    } catch (RuntimeException e) {
      throw new BatchException("cannot claim fire " + key + " in Redis "
          + connector.displayUri() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns which owner holds a fire, if the claim has not expired.
   *
   * @param scheduleName the schedule
   * @param fireTime the fire time
   * @return the owner id, or empty
   * @throws BatchException if Redis did not answer
   */
  public Optional<String> holderOf(String scheduleName, Instant fireTime) {
    String key = keyOf(scheduleName, fireTime);
    StatefulRedisConnection<String, String> c = connection.get();
    if (c == null) {
      throw new BatchException("Redis " + connector.displayUri() + " is unreachable");
    }
    try {
      return Optional.ofNullable(c.sync().get(key));
    } catch (RuntimeException e) {
      throw new BatchException("cannot read fire " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the value this lock writes into the keys it claims.
   *
   * @return the owner id
   */
  public String ownerId() {
    return ownerId;
  }

  /** Closes the connection and stops the client's threads. Idempotent. */
  @Override
  public void close() {
    connector.close();
  }

  @Override
  public String toString() {
    return "RedisFireLock{uri=" + connector.displayUri() + ", keyPrefix=" + keyPrefix
        + ", ownerId=" + ownerId + "}";
  }

  private String keyOf(String scheduleName, Instant fireTime) {
    if (scheduleName == null || scheduleName.isBlank()
        || scheduleName.length() > MAX_SCHEDULE_NAME_LENGTH) {
      throw new InvalidInputException("scheduleName", scheduleName,
          "must be 1-" + MAX_SCHEDULE_NAME_LENGTH + " characters, not blank");
    }
    if (fireTime == null) {
      throw new InvalidInputException("fireTime", null, "must be an instant");
    }
    return keyPrefix + scheduleName + ":" + fireTime.toEpochMilli();
  }

  /** Builds a {@link RedisFireLock}. Not thread-safe. */
  public static final class Builder {
    private RedisURI uri = RedisUris.parse("uri", RedisCacheTier.DEFAULT_URI);
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private String ownerId = defaultOwnerId();
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

    private Builder() {}

    /**
     * Sets where Redis is; see {@link RedisCacheTier.Builder#uri}.
     *
     * @param uri the URI
     * @return this builder
     * @throws InvalidInputException naming {@code uri} if it is malformed
     */
    public Builder uri(String uri) {
      this.uri = RedisUris.parse("uri", uri);
      return this;
    }

    /**
     * Sets the prefix of the lock keys.
     *
     * @param keyPrefix non-empty; default {@value #DEFAULT_KEY_PREFIX}
     * @return this builder
     * @throws InvalidInputException naming {@code keyPrefix} if empty
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix == null || keyPrefix.isEmpty()) {
        throw new InvalidInputException("keyPrefix", keyPrefix, "must not be empty");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets the value written into claimed keys, to see which node ran a fire.
     *
     * @param ownerId non-blank; default host, process id and a random part
     * @return this builder
     * @throws InvalidInputException naming {@code ownerId} if blank
     */
    public Builder ownerId(String ownerId) {
      if (ownerId == null || ownerId.isBlank()) {
        throw new InvalidInputException("ownerId", ownerId, "must not be blank");
      }
      this.ownerId = ownerId;
      return this;
    }

    /**
     * Sets how long a claim waits for Redis.
     *
     * @param commandTimeout positive; default 2 s
     * @return this builder
     * @throws InvalidInputException naming {@code commandTimeout} if not positive
     */
    public Builder commandTimeout(Duration commandTimeout) {
      if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
        throw new InvalidInputException(
            "commandTimeout", commandTimeout, "must be a positive duration");
      }
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * Builds the lock and connects; if Redis is unreachable now, it connects when next used.
     *
     * @return the lock
     */
    public RedisFireLock build() {
      return new RedisFireLock(this);
    }

    private static String defaultOwnerId() {
      // RuntimeMXBean's name is "pid@host" on HotSpot.
      String jvm = ManagementFactory.getRuntimeMXBean().getName();
      return jvm + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
