package io.prism.batch.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.redis.internal.RedisConnector;
import io.prism.batch.redis.internal.RedisConnector.LazyConnection;
import io.prism.batch.redis.internal.RedisUris;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster-wide {@link FireGuard} on Redis: claiming slot {@code T} of schedule {@code S} is
 * {@code SET <prefix>{S}:<T epoch millis> <node id> NX PX <claim ttl>}; only the node whose
 * {@code SET} created the key runs the slot, and the key expires by itself, so nothing is
 * released. A node that stalls and comes back late finds the key and does not run the slot
 * again.
 *
 * <p>The claim runs as one Lua script that also keeps {@code <prefix>{S}:last}, the latest slot
 * ever claimed for the schedule (epoch millis, raised only, never expiring): {@link
 * #lastClaimed} reads it, so a scheduler that starts after every node was down catches up the
 * slots missed meanwhile. The script refuses a slot more than the claim TTL older than that
 * latest claim, because its key may have expired and it could not be told apart from a slot
 * already run.
 *
 * <p>Choose a claim TTL ({@link Builder#claimTtl}, default {@link #DEFAULT_CLAIM_TTL}) longer
 * than the longest grace period plus misfire threshold plus the clock skew between nodes. Each
 * claim is one key for that long: a schedule firing every second keeps {@code ttl / 1 s} keys, so
 * give frequent schedules a guard with a shorter TTL.
 *
 * <p>If Redis cannot answer, {@link #tryClaim} and {@link #lastClaimed} throw a {@link
 * BatchException} rather than guess; the scheduler then does not run the slot on this node and
 * reports it as {@link io.prism.batch.api.schedule.MisfireCause#GUARD_FAILED}. Slots are kept to
 * the millisecond.
 *
 * <p>The braces make the two keys of a schedule share a Redis Cluster hash slot, as a script
 * needs; this class itself connects to a single Redis server (or a primary), as Lettuce's {@code
 * redis://} URIs do.
 *
 * <p>Thread-safe. Close it to release its connection and threads.
 *
 * <pre>{@code
 * try (RedisFireGuard guard = RedisFireGuard.builder()
 *     .uri("redis://cache.internal:6379").claimTtl(Duration.ofHours(1)).build()) {
 *   LocalScheduler scheduler = LocalScheduler.builder().fireGuard(guard).build();
 *   ...
 * }
 * }</pre>
 */
public final class RedisFireGuard implements FireGuard, AutoCloseable {

  /** The provider name, {@value}. */
  public static final String NAME = "redis";
  /** The default key prefix, {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "prism:fire:";
  /** The default time to live of a claim: 8 days, longer than the longest grace period. */
  public static final Duration DEFAULT_CLAIM_TTL = Duration.ofDays(8);
  /** The default timeout of one command: 2 s. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** The longest node id, {@value}. */
  public static final int MAX_NODE_ID_LENGTH = 200;

  /**
   * KEYS[1] the slot key, KEYS[2] the schedule's latest-claim key; ARGV[1] the node id, ARGV[2]
   * the TTL in ms, ARGV[3] the slot in epoch ms. Returns 1 if claimed, 0 if not.
   */
  private static final String CLAIM_SCRIPT = String.join("\n",
      "local last = tonumber(redis.call('GET', KEYS[2]))",
      "local slot = tonumber(ARGV[3])",
      "if last and last - slot > tonumber(ARGV[2]) then return 0 end",
      "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end",
      "if not last or slot > last then redis.call('SET', KEYS[2], ARGV[3]) end",
      "return 1");
  private static final String CLAIM_SHA = sha1(CLAIM_SCRIPT);

  private final String keyPrefix;
  private final String nodeId;
  private final Duration claimTtl;
  private final RedisConnector connector;
  private final LazyConnection<String, String> connection;

  private RedisFireGuard(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.nodeId = b.nodeId;
    this.claimTtl = b.claimTtl;
    this.connector = new RedisConnector(
        b.uri, b.commandTimeout, b.commandTimeout, RedisCacheTier.DEFAULT_MAX_RECONNECT_DELAY);
    this.connection = connector.connect(StringCodec.UTF8, true, "schedule fire claims");
  }

  /**
   * Starts a builder: {@value RedisCacheTier#DEFAULT_URI}, prefix {@value #DEFAULT_KEY_PREFIX},
   * {@link #DEFAULT_CLAIM_TTL}, {@link #DEFAULT_COMMAND_TIMEOUT}, a node id of process id, host
   * and a random part.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Claims one slot for this node.
   *
   * @param scheduleName the schedule, 1-{@value Schedule#MAX_NAME_LENGTH} characters
   * @param scheduledTime the slot (the same on every node, to the millisecond)
   * @return true if this call claimed it; false if any node claimed it before, or it is more
   *     than the claim TTL older than the schedule's latest claim
   * @throws InvalidInputException naming {@code scheduleName} or {@code scheduledTime}
   * @throws BatchException if Redis did not answer, so whether the slot is claimed is unknown
   */
  @Override
  public boolean tryClaim(String scheduleName, Instant scheduledTime) {
    String key = slotKey(scheduleName, scheduledTime);
    String[] keys = {key, lastKey(scheduleName)};
    String ttl = Long.toString(claimTtl.toMillis());
    String slot = Long.toString(scheduledTime.toEpochMilli());
    RedisCommands<String, String> redis = commands("claim " + key);
    try {
      Long claimed;
      try {
        claimed = redis.evalsha(CLAIM_SHA, ScriptOutputType.INTEGER, keys, nodeId, ttl, slot);
      } catch (RedisNoScriptException e) {
        claimed = redis.eval(CLAIM_SCRIPT, ScriptOutputType.INTEGER, keys, nodeId, ttl, slot);
      }
      return claimed != null && claimed == 1L;
    } catch (RuntimeException e) {
      throw new BatchException("cannot claim " + key + " in Redis " + connector.displayUri()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the latest slot ever claimed for a schedule, by any node.
   *
   * @param scheduleName the schedule
   * @return the latest claimed slot, or empty if none was claimed (under this prefix)
   * @throws InvalidInputException naming {@code scheduleName}
   * @throws BatchException if Redis did not answer or the key holds something else
   */
  @Override
  public Optional<Instant> lastClaimed(String scheduleName) {
    String key = lastKey(scheduleName);
    RedisCommands<String, String> redis = commands("read " + key);
    String value;
    try {
      value = redis.get(key);
    } catch (RuntimeException e) {
      throw new BatchException("cannot read " + key + " in Redis " + connector.displayUri()
          + ": " + e.getMessage(), e);
    }
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
    } catch (NumberFormatException e) {
      throw new BatchException(
          "Redis key " + key + " holds '" + value + "', not a time in epoch milliseconds", e);
    }
  }

  /**
   * Tells which node holds a slot, while its claim has not expired.
   *
   * @param scheduleName the schedule
   * @param scheduledTime the slot
   * @return the node id, or empty if the slot is not (or no longer) claimed
   * @throws InvalidInputException naming {@code scheduleName} or {@code scheduledTime}
   * @throws BatchException if Redis did not answer
   */
  public Optional<String> claimedBy(String scheduleName, Instant scheduledTime) {
    String key = slotKey(scheduleName, scheduledTime);
    RedisCommands<String, String> redis = commands("read " + key);
    try {
      return Optional.ofNullable(redis.get(key));
    } catch (RuntimeException e) {
      throw new BatchException("cannot read " + key + " in Redis " + connector.displayUri()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the value this guard writes into the keys it claims.
   *
   * @return the node id
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Returns how long a claim is kept.
   *
   * @return the claim TTL
   */
  public Duration claimTtl() {
    return claimTtl;
  }

  /**
   * Returns the prefix of every key this guard writes.
   *
   * @return the prefix
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** Closes the connection and stops the client's threads. Idempotent. */
  @Override
  public void close() {
    connector.close();
  }

  @Override
  public String toString() {
    return "RedisFireGuard{uri=" + connector.displayUri() + ", keyPrefix=" + keyPrefix
        + ", nodeId=" + nodeId + ", claimTtl=" + claimTtl + "}";
  }

  private RedisCommands<String, String> commands(String what) {
    StatefulRedisConnection<String, String> c = connection.get();
    if (c == null) {
      throw new BatchException(
          "Redis " + connector.displayUri() + " is unreachable; cannot " + what);
    }
    return c.sync();
  }

  private String slotKey(String scheduleName, Instant scheduledTime) {
    checkName(scheduleName);
    if (scheduledTime == null) {
      throw new InvalidInputException("scheduledTime", null, "must be an instant");
    }
    long millis;
    try {
      millis = scheduledTime.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new InvalidInputException(
          "scheduledTime", scheduledTime, "must be within the range of epoch milliseconds");
    }
    return keyPrefix + "{" + scheduleName + "}:" + millis;
  }

  private String lastKey(String scheduleName) {
    checkName(scheduleName);
    return keyPrefix + "{" + scheduleName + "}:last";
  }

  private static void checkName(String scheduleName) {
    if (scheduleName == null || scheduleName.isBlank()
        || scheduleName.length() > Schedule.MAX_NAME_LENGTH) {
      throw new InvalidInputException("scheduleName", scheduleName,
          "must be 1-" + Schedule.MAX_NAME_LENGTH + " characters, not blank");
    }
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  /** Builds a {@link RedisFireGuard}. Not thread-safe. */
  public static final class Builder {
    private RedisURI uri = RedisUris.parse("uri", RedisCacheTier.DEFAULT_URI);
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private String nodeId = defaultNodeId();
    private Duration claimTtl = DEFAULT_CLAIM_TTL;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

    private Builder() {}

    /**
     * Sets where Redis is; see {@link RedisCacheTier.Builder#uri}.
     *
     * @param uri the URI
     * @return this builder
     * @throws InvalidInputException naming {@code uri} (password masked) if it is malformed
     */
    public Builder uri(String uri) {
      this.uri = RedisUris.parse("uri", uri);
      return this;
    }

    /**
     * Sets the prefix of the keys.
     *
     * @param keyPrefix non-empty, no whitespace; default {@value #DEFAULT_KEY_PREFIX}
     * @return this builder
     * @throws InvalidInputException naming {@code keyPrefix} if empty or with whitespace
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix == null || keyPrefix.isEmpty()
          || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
        throw new InvalidInputException(
            "keyPrefix", keyPrefix, "must not be empty or contain whitespace");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets the value written into claimed keys, to see which node ran a slot.
     *
     * @param nodeId 1-{@value #MAX_NODE_ID_LENGTH} characters, not blank; default process id,
     *     host and a random part
     * @return this builder
     * @throws InvalidInputException naming {@code nodeId} if blank or too long
     */
    public Builder nodeId(String nodeId) {
      if (nodeId == null || nodeId.isBlank() || nodeId.length() > MAX_NODE_ID_LENGTH) {
        throw new InvalidInputException("nodeId", nodeId,
            "must be 1-" + MAX_NODE_ID_LENGTH + " characters, not blank");
      }
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Sets how long a claim is kept; see the class comment.
     *
     * @param claimTtl at least 1 ms; default {@link #DEFAULT_CLAIM_TTL}
     * @return this builder
     * @throws InvalidInputException naming {@code claimTtl} if shorter than 1 ms
     */
    public Builder claimTtl(Duration claimTtl) {
      if (claimTtl == null || claimTtl.compareTo(Duration.ofMillis(1)) < 0
          || claimTtl.compareTo(Duration.ofDays(365_000)) > 0) {
        throw new InvalidInputException(
            "claimTtl", claimTtl, "must be between 1 ms and 365000 days");
      }
      this.claimTtl = claimTtl;
      return this;
    }

    /**
     * Sets how long a call waits for Redis.
     *
     * @param commandTimeout positive; default {@link #DEFAULT_COMMAND_TIMEOUT}
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
     * Builds the guard and connects; if Redis is unreachable now, it connects in the
     * background and calls throw until then.
     *
     * @return the guard
     */
    public RedisFireGuard build() {
      return new RedisFireGuard(this);
    }

    private static String defaultNodeId() {
      // RuntimeMXBean's name is "pid@host" on HotSpot.
      String jvm = ManagementFactory.getRuntimeMXBean().getName();
      String id = jvm + ":" + UUID.randomUUID().toString().substring(0, 8);
      return id.length() <= MAX_NODE_ID_LENGTH ? id : id.substring(0, MAX_NODE_ID_LENGTH);
    }
  }
}
