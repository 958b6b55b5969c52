package io.prism.batch.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.redis.internal.RecordCodec;
import io.prism.batch.redis.internal.RedisConnector;
import io.prism.batch.redis.internal.RedisConnector.LazyConnection;
import io.prism.batch.redis.internal.RedisUris;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A shared L1 {@link CacheTier} in Redis, on Lettuce.
 *
 * <p>Each record is one Redis string under {@code <prefix><code>:<type>} (default prefix {@value
 * #DEFAULT_KEY_PREFIX}, e.g. {@code prism:md:600519:financial}), written with {@code SET ... PX}
 * and the time to live the caller gives for its key (typically its data type's {@code
 * cacheTtl}). Values are a compact binary header (fetch time, flags, hash, source) followed by the
 * JSON payload as UTF-8. {@link #get} is one {@code GET} on a shared connection; {@link #getAll}
 * is {@code MGET}; {@link #putAll} pipelines its {@code SET}s on a second connection and waits for
 * all replies.
 *
 * <p>Redis being slow or gone never reaches the caller: a read that fails or takes longer than
 * the command timeout (default 200 ms) is a miss, a write that fails is dropped and counted in
 * {@link #droppedWrites()}. While disconnected, commands fail at once instead of queueing, and the
 * connection comes back by itself when Redis does; if Redis is unreachable when the tier is
 * built, the tier starts anyway and keeps trying in the background.
 *
 * <p>Thread-safe. Close it to release its connections and threads.
 *
 * <pre>{@code
 * try (RedisCacheTier l1 = RedisCacheTier.builder()
 *     .uri("rediss://:secret@cache.internal:6380/2")
 *     .commandTimeout(Duration.ofMillis(150))
 *     .build()) {
 *   l1.putAll(records, key -> types.require(key.dataType()).cacheTtl());
 *   Optional<DataRecord> hit = l1.get(new DataKey("600519", DataType.FINANCIAL));
 * }
 * }</pre>
 */
public final class RedisCacheTier implements CacheTier {

  /** The provider and metrics name, {@value}. */
  public static final String NAME = "redis";
  /** The default URI, {@value}. */
  public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
  /** The default key prefix, {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "prism:md:";
  /** The default timeout of one read command: 200 ms. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(200);
  /** The default time a bulk write waits for all its replies: 2 s. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(2);
  /** The default timeout of opening a connection: 1 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  /** The default longest wait between reconnection attempts: 2 s. */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

  /** Keys per MGET or DEL command, and commands per pipeline flush. */
  static final int BATCH = 1_000;
  /** Redis rejects expiries that overflow; ten years is far beyond any cache ttl. */
  private static final long MAX_TTL_MILLIS = Duration.ofDays(3650).toMillis();

  private final byte[] prefix;
  private final String keyPrefix;
  private final Duration commandTimeout;
  private final Duration writeTimeout;
  private final RedisConnector connector;
  private final LazyConnection<byte[], byte[]> reads;
  private final LazyConnection<byte[], byte[]> writes;
  private final LongAdder droppedWrites = new LongAdder();
  private final LongAdder failedReads = new LongAdder();
  private volatile boolean healthy = true;

  private RedisCacheTier(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.prefix = b.keyPrefix.getBytes(StandardCharsets.UTF_8);
    this.commandTimeout = b.commandTimeout;
    this.writeTimeout = b.writeTimeout;
    this.connector =
        new RedisConnector(b.uri, b.commandTimeout, b.connectTimeout, b.maxReconnectDelay);
    this.reads = connector.connect(ByteArrayCodec.INSTANCE, true, "cache reads");
    this.writes = connector.connect(ByteArrayCodec.INSTANCE, false, "cache writes");
  }

  /**
   * Starts a builder with the defaults: {@value #DEFAULT_URI}, prefix {@value
   * #DEFAULT_KEY_PREFIX}, 200 ms command timeout, 2 s write timeout.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<DataRecord> get(DataKey key) {
    StatefulRedisConnection<byte[], byte[]> c = reads.get();
    if (c == null) {
      failedReads.increment();
      return Optional.empty();
    }
    byte[] value;
    try {
      value = c.sync().get(redisKey(key));
    } catch (RuntimeException e) {
      readFailed(e);
      return Optional.empty();
    }
    if (!healthy) {
      recovered();
    }
    return value == null ? Optional.empty() : RecordCodec.decode(key, value);
  }

  @Override
  public Map<DataKey, DataRecord> getAll(Collection<DataKey> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    StatefulRedisConnection<byte[], byte[]> c = reads.get();
    if (c == null) {
      failedReads.increment();
      return Map.of();
    }
    Map<DataKey, DataRecord> found = new HashMap<>();
    Iterator<DataKey> it = keys.iterator();
    List<DataKey> chunk = new ArrayList<>(Math.min(keys.size(), BATCH));
    while (it.hasNext()) {
      chunk.clear();
      while (it.hasNext() && chunk.size() < BATCH) {
        chunk.add(it.next());
      }
      byte[][] redisKeys = new byte[chunk.size()][];
      for (int i = 0; i < redisKeys.length; i++) {
        redisKeys[i] = redisKey(chunk.get(i));
      }
      List<KeyValue<byte[], byte[]>> values;
      try {
        values = c.sync().mget(redisKeys);
      } catch (RuntimeException e) {
        readFailed(e);
        continue;
      }
      for (int i = 0; i < values.size() && i < redisKeys.length; i++) {
        KeyValue<byte[], byte[]> kv = values.get(i);
        if (kv.hasValue()) {
          DataKey k = chunk.get(i);
          RecordCodec.decode(k, kv.getValue()).ifPresent(r -> found.put(k, r));
        }
      }
    }
    if (!healthy) {
      recovered();
    }
    return found;
  }

  @Override
  public void putAll(Collection<DataRecord> records, Function<DataKey, Duration> ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (records.isEmpty()) {
      return;
    }
    long[] millis = new long[records.size()];
    int n = 0;
    for (DataRecord r : records) {
      millis[n++] = ttlMillis(r.key(), ttl);
    }
    StatefulRedisConnection<byte[], byte[]> c = writes.get();
    if (c == null) {
      dropped(records.size(), null);
      return;
    }
    RedisAsyncCommands<byte[], byte[]> async = c.async();
    List<RedisFuture<?>> pending = new ArrayList<>(records.size());
    int rejected = 0;
    int i = 0;
    for (DataRecord r : records) {
      long ms = millis[i++];
      try {
        if (ms > 0) {
          pending.add(async.set(redisKey(r.key()), RecordCodec.encode(r), SetArgs.Builder.px(ms)));
        } else {
          pending.add(async.del(redisKey(r.key())));
        }
      } catch (RuntimeException e) {
        rejected++;
      }
      if (i % BATCH == 0) {
        flush(c);
      }
    }
    flush(c);
    int failed = rejected + await(pending);
    if (failed > 0) {
      dropped(failed, null);
    } else if (!healthy) {
      recovered();
    }
  }

  @Override
  public void invalidate(Collection<DataKey> keys) {
    if (keys.isEmpty()) {
      return;
    }
    StatefulRedisConnection<byte[], byte[]> c = writes.get();
    if (c == null) {
      dropped(keys.size(), null);
      return;
    }
    RedisAsyncCommands<byte[], byte[]> async = c.async();
    List<RedisFuture<?>> pending = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    Iterator<DataKey> it = keys.iterator();
    int rejected = 0;
    while (it.hasNext()) {
      List<byte[]> chunk = new ArrayList<>(Math.min(keys.size(), BATCH));
      while (it.hasNext() && chunk.size() < BATCH) {
        chunk.add(redisKey(it.next()));
      }
      try {
        pending.add(async.del(chunk.toArray(new byte[0][])));
        sizes.add(chunk.size());
      } catch (RuntimeException e) {
        rejected += chunk.size();
      }
    }
    flush(c);
    int failed = rejected;
    long deadline = System.nanoTime() + writeTimeout.toNanos();
    for (int j = 0; j < pending.size(); j++) {
      if (!awaitOne(pending.get(j), deadline)) {
        failed += sizes.get(j);
      }
    }
    if (failed > 0) {
      dropped(failed, null);
    } else if (!healthy) {
      recovered();
    }
  }

  /**
   * Counts writes (records put and keys invalidated) dropped because Redis failed or was too
   * slow.
   *
   * @return the count since the tier was built
   */
  @Override
  public long droppedWrites() {
    return droppedWrites.sum();
  }

  /**
   * Counts read commands that failed or timed out and were served as misses.
   *
   * @return the count since the tier was built
   */
  public long failedReads() {
    return failedReads.sum();
  }

  /**
   * Tells whether the read connection is open now.
   *
   * @return true if connected
   */
  public boolean isConnected() {
    return reads.isConnected();
  }

  /**
   * Returns the key prefix.
   *
   * @return the prefix, e.g. {@value #DEFAULT_KEY_PREFIX}
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Returns the Redis key of a data key.
   *
   * @param key the data key
   * @return e.g. {@code prism:md:600519:financial}
   */
  public String redisKeyOf(DataKey key) {
    return new String(redisKey(key), StandardCharsets.UTF_8);
  }

  /** Closes the connections and stops the client's threads. Idempotent. */
  @Override
  public void close() {
    connector.close();
  }

  @Override
  public String toString() {
    return "RedisCacheTier{uri=" + connector.displayUri() + ", keyPrefix=" + keyPrefix
        + ", commandTimeout=" + commandTimeout + ", writeTimeout=" + writeTimeout + "}";
  }

  /** Builds the key bytes without a charset encoder: a data key is ASCII by construction. */
  private byte[] redisKey(DataKey key) {
    String code = key.stockCode();
    String type = key.dataType();
    byte[] out = new byte[prefix.length + code.length() + 1 + type.length()];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int p = prefix.length;
    for (int i = 0; i < code.length(); i++) {
      out[p++] = (byte) code.charAt(i);
    }
    out[p++] = ':';
    for (int i = 0; i < type.length(); i++) {
      out[p++] = (byte) type.charAt(i);
    }
    return out;
  }

  private static long ttlMillis(DataKey key, Function<DataKey, Duration> ttl) {
    Duration d = ttl.apply(key);
    if (d == null) {
      throw new NullPointerException("ttl function returned null for " + key);
    }
    if (d.isNegative() || d.isZero()) {
      return 0;
    }
    if (d.compareTo(Duration.ofMillis(MAX_TTL_MILLIS)) >= 0) {
      return MAX_TTL_MILLIS;
    }
    long ms = d.toMillis();
    return ms == 0 ? 1 : ms;
  }

  private void flush(StatefulRedisConnection<byte[], byte[]> c) {
    try {
      c.flushCommands();
    } catch (RuntimeException e) {
      Log.debug("flushing pipelined commands failed", e);
    }
  }

  /** Waits for every reply until the write timeout; returns how many failed or did not come. */
  private int await(List<RedisFuture<?>> pending) {
    long deadline = System.nanoTime() + writeTimeout.toNanos();
    int failed = 0;
    for (RedisFuture<?> f : pending) {
      if (!awaitOne(f, deadline)) {
        failed++;
      }
    }
    return failed;
  }

  private static boolean awaitOne(RedisFuture<?> f, long deadline) {
    try {
      long left = Math.max(0, deadline - System.nanoTime());
      f.get(left, TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      return false;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      f.cancel(false);
      return false;
    }
  }

  private void readFailed(RuntimeException e) {
    failedReads.increment();
    unhealthy("reads miss", e);
  }

  private void dropped(int count, RuntimeException e) {
    droppedWrites.add(count);
    unhealthy("writes are dropped", e);
  }

  private void unhealthy(String consequence, RuntimeException e) {
    if (healthy) {
      healthy = false;
      Log.warn("Redis " + connector.displayUri() + " is failing; " + consequence
          + " until it is back", e);
    }
  }

  private void recovered() {
    healthy = true;
    Log.info("Redis " + connector.displayUri() + " is serving again");
  }

  /** Logs through {@link System.Logger}, so the tier needs no logging library. */
  private static final class Log {
    private static final System.Logger LOG = System.getLogger(RedisCacheTier.class.getName());

    static void warn(String message, RuntimeException e) {
      LOG.log(Level.WARNING, e == null ? message : message + ": " + e);
    }

    static void info(String message) {
      LOG.log(Level.INFO, message);
    }

    static void debug(String message, RuntimeException e) {
      if (LOG.isLoggable(Level.DEBUG)) {
        LOG.log(Level.DEBUG, message + ": " + e);
      }
    }
  }

  /** Builds a {@link RedisCacheTier}. Not thread-safe. */
  public static final class Builder {
    private RedisURI uri = RedisUris.parse("uri", DEFAULT_URI);
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;

    private Builder() {}

    /**
     * Sets where Redis is, as Lettuce parses it: {@code redis://[[user]:password@]host[:port][/db]}
     * or {@code rediss://...} for TLS. A {@code timeout} in the URI is ignored; see {@link
     * #commandTimeout}.
     *
     * @param uri the URI; default {@value #DEFAULT_URI}
     * @return this builder
     * @throws InvalidInputException naming {@code uri} (password masked) if it is malformed
     */
    public Builder uri(String uri) {
      this.uri = RedisUris.parse("uri", uri);
      return this;
    }

    /**
     * Sets the prefix of every key, to share a Redis between applications or environments.
     *
     * @param keyPrefix a non-empty prefix without whitespace; default {@value
     *     #DEFAULT_KEY_PREFIX}
     * @return this builder
     * @throws InvalidInputException naming {@code keyPrefix} if it is empty or has whitespace
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix == null || keyPrefix.isEmpty() || keyPrefix.chars()
          .anyMatch(Character::isWhitespace)) {
        throw new InvalidInputException(
            "keyPrefix", keyPrefix, "must be non-empty and without whitespace, e.g. prism:md:");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets how long a read waits for Redis before it counts as a miss.
     *
     * @param commandTimeout positive; default 200 ms
     * @return this builder
     * @throws InvalidInputException naming {@code commandTimeout} if not positive
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = positive("commandTimeout", commandTimeout);
      return this;
    }

    /**
     * Sets how long {@link #putAll} and {@link #invalidate} wait for all their replies before the
     * missing ones count as dropped.
     *
     * @param writeTimeout positive; default 2 s
     * @return this builder
     * @throws InvalidInputException naming {@code writeTimeout} if not positive
     */
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = positive("writeTimeout", writeTimeout);
      return this;
    }

    /**
     * Sets the timeout of opening a connection.
     *
     * @param connectTimeout positive; default 1 s
     * @return this builder
     * @throws InvalidInputException naming {@code connectTimeout} if not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * Sets the longest wait between reconnection attempts while Redis is away; attempts start a
     * few milliseconds apart and back off exponentially up to it.
     *
     * @param maxReconnectDelay positive; default 2 s
     * @return this builder
     * @throws InvalidInputException naming {@code maxReconnectDelay} if not positive
     */
    public Builder maxReconnectDelay(Duration maxReconnectDelay) {
      this.maxReconnectDelay = positive("maxReconnectDelay", maxReconnectDelay);
      return this;
    }

    /**
     * Builds the tier and connects; if Redis is unreachable now, the tier serves misses and
     * connects when it can.
     *
     * @return the tier
     */
    public RedisCacheTier build() {
      return new RedisCacheTier(this);
    }

    private static Duration positive(String field, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new InvalidInputException(field, d, "must be a positive duration");
      }
      return d;
    }
  }
}
