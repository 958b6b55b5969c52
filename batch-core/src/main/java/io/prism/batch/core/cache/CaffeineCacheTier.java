package io.prism.batch.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * An in-process {@link CacheTier} on <a href="https://github.com/ben-manes/caffeine">Caffeine</a>:
 * bounded by a maximum number of records (evicted by Window TinyLFU) and with a time to live per
 * record, taken from the function given to {@link #putAll}. A hit is one hash-map lookup and does
 * not allocate.
 *
 * <p>A record whose time to live is zero or negative is not stored, and an older record under its
 * key is removed. Since the backend is the JVM's heap, no write is ever dropped.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * CacheTier l1 = CaffeineCacheTier.builder().maximumSize(50_000).build();
 * l1.putAll(records, key -> types.require(key.dataType()).cacheTtl());
 * Optional<DataRecord> hit = l1.get(new DataKey("600519", DataType.FINANCIAL));
 * }</pre>
 */
public final class CaffeineCacheTier implements CacheTier {

  /** The provider and metrics name, {@value}. */
  public static final String NAME = "caffeine";

  /** The default bound on the number of records, {@value}. */
  public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

  /** Caffeine's longest supported expiry (about 146 years). */
  private static final long MAX_TTL_NANOS = Long.MAX_VALUE >> 1;

  private final Cache<DataKey, Entry> cache;
  private final long maximumSize;

  private CaffeineCacheTier(Builder b) {
    this.maximumSize = b.maximumSize;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(b.maximumSize)
            .expireAfter(new PerRecordExpiry())
            .ticker(b.ticker)
            .build();
  }

  /**
   * Starts a builder with the defaults: {@value #DEFAULT_MAXIMUM_SIZE} records, the system
   * ticker.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a tier with the defaults.
   *
   * @return the tier
   */
  public static CaffeineCacheTier create() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<DataRecord> get(DataKey key) {
    Entry e = cache.getIfPresent(key);
    return e == null ? Optional.empty() : e.value;
  }

  @Override
  public Map<DataKey, DataRecord> getAll(Collection<DataKey> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    Map<DataKey, Entry> present = cache.getAllPresent(keys);
    Map<DataKey, DataRecord> found = new HashMap<>(present.size() * 2);
    present.forEach((k, e) -> found.put(k, e.value.orElseThrow()));
    return found;
  }

  @Override
  public void putAll(Collection<DataRecord> records, Function<DataKey, Duration> ttl) {
    Objects.requireNonNull(ttl, "ttl");
    long[] nanos = new long[records.size()];
    int i = 0;
    for (DataRecord r : records) {
      nanos[i++] = ttlNanos(r.key(), ttl);
    }
    i = 0;
    for (DataRecord r : records) {
      long n = nanos[i++];
      if (n > 0) {
        cache.put(r.key(), new Entry(Optional.of(r), n));
      } else {
        cache.invalidate(r.key());
      }
    }
  }

  @Override
  public void invalidate(Collection<DataKey> keys) {
    cache.invalidateAll(keys);
  }

  /**
   * Returns the approximate number of records held, including expired ones not yet cleaned up.
   *
   * @return the estimate
   */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  /**
   * Returns the configured bound on the number of records.
   *
   * @return the maximum size
   */
  public long maximumSize() {
    return maximumSize;
  }

  /** Runs pending maintenance (eviction, expiry) in the calling thread; for tests. */
  void cleanUp() {
    cache.cleanUp();
  }

  /** Empties the cache. */
  @Override
  public void close() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  @Override
  public String toString() {
    return "CaffeineCacheTier{maximumSize=" + maximumSize + "}";
  }

  private static long ttlNanos(DataKey key, Function<DataKey, Duration> ttl) {
    Duration d = ttl.apply(key);
    if (d == null) {
      throw new NullPointerException("ttl function returned null for " + key);
    }
    if (d.isNegative() || d.isZero()) {
      return 0;
    }
    if (d.compareTo(Duration.ofNanos(MAX_TTL_NANOS)) >= 0) {
      return MAX_TTL_NANOS;
    }
    return d.toNanos();
  }

  /** A cached record with its time to live; the Optional is built once, at write time. */
  private static final class Entry {
    final Optional<DataRecord> value;
    final long ttlNanos;

    Entry(Optional<DataRecord> value, long ttlNanos) {
      this.value = value;
      this.ttlNanos = ttlNanos;
    }
  }

  /** Each record expires after its own time to live, counted from its latest write. */
  private static final class PerRecordExpiry implements Expiry<DataKey, Entry> {
    @Override
    public long expireAfterCreate(DataKey key, Entry value, long currentTime) {
      return value.ttlNanos;
    }

    @Override
    public long expireAfterUpdate(
        DataKey key, Entry value, long currentTime, long currentDuration) {
      return value.ttlNanos;
    }

    @Override
    public long expireAfterRead(
        DataKey key, Entry value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  /** Builds a {@link CaffeineCacheTier}. Not thread-safe. */
  public static final class Builder {
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {}

    /**
     * Bounds the number of records; the least valuable are evicted beyond it.
     *
     * @param maximumSize at least 1; default {@value #DEFAULT_MAXIMUM_SIZE}
     * @return this builder
     * @throws InvalidInputException naming {@code maximumSize} if it is below 1
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new InvalidInputException("maximumSize", maximumSize, "must be at least 1");
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Sets the time source for expiry, e.g. a settable ticker in tests.
     *
     * @param ticker nanosecond time source; default {@link Ticker#systemTicker()}
     * @return this builder
     * @throws InvalidInputException naming {@code ticker} if it is null
     */
    public Builder ticker(Ticker ticker) {
      if (ticker == null) {
        throw new InvalidInputException("ticker", null, "must be a time source");
      }
      this.ticker = ticker;
      return this;
    }

    /**
     * Builds the tier.
     *
     * @return the tier
     */
    public CaffeineCacheTier build() {
      return new CaffeineCacheTier(this);
    }
  }
}
