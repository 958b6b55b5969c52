package io.prism.batch.core.data;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Permit;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.engine.RetryRules;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three-tier read path over a {@link CacheTier}, a {@link RecordStore} and a {@link
 * MarketDataSource}. Thread-safe.
 *
 * <pre>{@code
 * DataPath path = TieredDataPath.builder()
 *     .cache(CaffeineCacheTier.create())
 *     .store(recordStore)
 *     .source(new ReplayMarketDataSource())
 *     .rateLimiters(limits)                 // shared with the batch engine
 *     .onChange(change -> ragSync.enqueue(change))
 *     .build();
 * ReadResult r = path.get("600519", "financial");
 * }</pre>
 *
 * <p>A failing L2 store is treated as a miss and logged; a failing cache tier is the tier's own
 * business (cache tiers never throw). Source calls take a permit of the source's resource
 * (default: the source's name) and, on reads, are retried inline for transient errors.
 */
public final class TieredDataPath implements DataPath {
  private static final Logger LOG = LoggerFactory.getLogger(TieredDataPath.class);

  private final CacheTier cache;
  private final RecordStore store;
  private final MarketDataSource source;
  private final DataTypes types;
  private final RateLimiters limiters;
  private final String resource;
  private final Clock clock;
  private final FailsafeExecutor<Optional<DataRecord>> readRetry;
  private final Cache<DataKey, Boolean> notFound;
  private final List<Consumer<RecordChange>> listeners;
  private final ConcurrentHashMap<DataKey, CompletableFuture<ReadResult>> inFlight = new ConcurrentHashMap<>();
  private final ReadStats stats = new ReadStats();

  private TieredDataPath(Builder b) {
    this.cache = b.cache;
    this.store = b.store;
    this.source = b.source;
    this.types = b.types;
    this.limiters = b.limiters;
    this.resource = b.resource == null ? b.source.name() : b.resource;
    this.clock = b.clock;
    this.readRetry = Failsafe.with(b.readRetry);
    this.notFound = Caffeine.newBuilder().expireAfterWrite(b.notFoundTtl).maximumSize(100_000).build();
    this.listeners = new CopyOnWriteArrayList<>(b.listeners);
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ReadStats stats() {
    return stats;
  }

  @Override
  public ReadResult get(DataKey key) {
    long t0 = System.nanoTime();
    DataType type = types.require(key.dataType());
    Optional<DataRecord> l1 = cache.get(key);
    if (l1.isPresent()) {
      return served(key, l1, Tier.L1, false, t0);
    }
    stats.missed(Tier.L1);
    if (notFound.getIfPresent(key) != null) {
      return served(key, Optional.empty(), Tier.NONE, false, t0);
    }
    CompletableFuture<ReadResult> mine = new CompletableFuture<>();
    CompletableFuture<ReadResult> theirs = inFlight.putIfAbsent(key, mine);
    if (theirs != null) {
      return joinFlight(key, theirs, t0);
    }
    try {
      ReadResult r = load(key, type, t0);
      mine.complete(r);
      return r;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private ReadResult joinFlight(DataKey key, CompletableFuture<ReadResult> flight, long t0) {
    try {
      ReadResult r = flight.get();
      long nanos = System.nanoTime() - t0;
      return new ReadResult(key, r.record(), r.tier(), r.stale(), Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataUnavailableException(key, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new DataUnavailableException(key, e.getCause());
    }
  }

  private ReadResult load(DataKey key, DataType type, long t0) {
    Optional<DataRecord> l2 = readStore(key);
    if (l2.isPresent() && type.freshness().isFresh(l2.get().fetchedAt(), clock.instant())) {
      cache.putAll(List.of(l2.get()), this::ttl);
      return served(key, l2, Tier.L2, false, t0);
    }
    stats.missed(Tier.L2);
    Optional<DataRecord> fetched;
    try {
      fetched = readRetry.get(() -> fetch(key));
    } catch (RuntimeException e) {
      Throwable cause = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
      if (l2.isPresent()) {
        LOG.warn("{}: source failed ({}); serving the stored record as stale", key, cause.toString());
        return served(key, Optional.of(l2.get().asStale()), Tier.L2, true, t0);
      }
      throw new DataUnavailableException(key, cause);
    }
    if (fetched.isEmpty()) {
      notFound.put(key, Boolean.TRUE);
      return served(key, Optional.empty(), Tier.NONE, false, t0);
    }
    store(List.of(fetched.get()));
    return served(key, fetched, Tier.L3, false, t0);
  }

  @Override
  public WarmResult warm(Collection<DataKey> keys) {
    List<DataKey> unique = List.copyOf(new LinkedHashSet<>(keys));
    unique.forEach(k -> types.require(k.dataType()));
    Map<DataKey, DataRecord> stored = readStoreAll(unique);
    List<DataRecord> toCache = new ArrayList<>();
    List<DataKey> toFetch = new ArrayList<>();
    for (DataKey k : unique) {
      DataRecord r = stored.get(k);
      if (r != null && types.require(k.dataType()).freshness().isFresh(r.fetchedAt(), clock.instant())) {
        toCache.add(r);
      } else {
        toFetch.add(k);
      }
    }
    int fresh = toCache.size();
    List<DataRecord> fetched = new ArrayList<>();
    List<DataKey> missing = new ArrayList<>();
    Map<DataKey, String> failed = new LinkedHashMap<>();
    RuntimeException firstFailure = null;
    for (DataKey k : toFetch) {
      try {
        Optional<DataRecord> r = fetch(k);
        if (r.isPresent()) {
          fetched.add(r.get());
        } else {
          missing.add(k);
          notFound.put(k, Boolean.TRUE);
        }
      } catch (RuntimeException e) {
        failed.put(k, e.getClass().getSimpleName() + ": " + e.getMessage());
        if (firstFailure == null) {
          firstFailure = e;
        }
      }
    }
    List<DataKey> changed = fetched.isEmpty() ? List.of() : store(fetched);
    if (!toCache.isEmpty()) {
      cache.putAll(toCache, this::ttl);
    }
    WarmResult result = new WarmResult(unique.size(), fresh, fetched.size(), changed, missing, failed);
    if (firstFailure != null && unique.size() == 1) {
      throw firstFailure; // a single key keeps its own error class for the engine's retries
    }
    return result;
  }

  private Optional<DataRecord> fetch(DataKey key) {
    try (Permit permit = limiters.acquire(resource)) {
      try {
        return source.fetch(key);
      } catch (RateLimitedException e) {
        permit.rateLimited();
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataUnavailableException(key, e);
    }
  }

  /** Writes fetched records to L2 and L1 and announces the changed ones. */
  private List<DataKey> store(List<DataRecord> records) {
    List<DataKey> changed;
    try {
      changed = store.upsertAll(records);
    } catch (RuntimeException e) {
      LOG.warn("record store write of {} records failed: {}", records.size(), e.toString());
      changed = List.of();
    }
    cache.putAll(records, this::ttl);
    if (!changed.isEmpty() && !listeners.isEmpty()) {
      Map<DataKey, DataRecord> byKey = new LinkedHashMap<>();
      records.forEach(r -> byKey.put(r.key(), r));
      for (DataKey k : changed) {
        RecordChange c = new RecordChange(byKey.get(k));
        for (Consumer<RecordChange> l : listeners) {
          try {
            l.accept(c);
          } catch (RuntimeException e) {
            LOG.warn("change listener failed on {}: {}", k, e.toString());
          }
        }
      }
    }
    return changed;
  }

  private Optional<DataRecord> readStore(DataKey key) {
    try {
      return store.get(key);
    } catch (RuntimeException e) {
      LOG.warn("record store read of {} failed; treating it as a miss: {}", key, e.toString());
      return Optional.empty();
    }
  }

  private Map<DataKey, DataRecord> readStoreAll(List<DataKey> keys) {
    try {
      return store.getAll(keys);
    } catch (RuntimeException e) {
      LOG.warn("record store read of {} keys failed; treating them as misses: {}", keys.size(), e.toString());
      return Map.of();
    }
  }

  private Duration ttl(DataKey key) {
    return types.find(key.dataType()).map(DataType::cacheTtl).orElse(Duration.ofHours(1));
  }

  private ReadResult served(DataKey key, Optional<DataRecord> rec, Tier tier, boolean stale, long t0) {
    long nanos = System.nanoTime() - t0;
    stats.served(tier, nanos, stale);
    return new ReadResult(key, rec, tier, stale, Duration.ofNanos(nanos));
  }

  /** Builds a {@link TieredDataPath}. Not thread-safe. */
  public static final class Builder {
    /** Default time a not-found answer is cached. */
    public static final Duration DEFAULT_NOT_FOUND_TTL = Duration.ofMinutes(10);

    private CacheTier cache;
    private RecordStore store;
    private MarketDataSource source;
    private DataTypes types = DataTypes.defaults();
    private RateLimiters limiters = RateLimiters.none();
    private String resource;
    private Clock clock = Clock.systemUTC();
    private Duration notFoundTtl = DEFAULT_NOT_FOUND_TTL;
    private RetryPolicy<Optional<DataRecord>> readRetry = RetryPolicy.<Optional<DataRecord>>builder()
        .handleIf(e -> RetryRules.defaultClass(e) == ErrorClass.TRANSIENT)
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
        .withJitter(0.2)
        .withMaxAttempts(3)
        .build();
    private final List<Consumer<RecordChange>> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the L1 cache tier (required).
     *
     * @param cache the tier
     * @return this builder
     */
    public Builder cache(CacheTier cache) {
      this.cache = cache;
      return this;
    }

    /**
     * Sets the L2 record store (required).
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(RecordStore store) {
      this.store = store;
      return this;
    }

    /**
     * Sets the L3 source (required).
     *
     * @param source the source
     * @return this builder
     */
    public Builder source(MarketDataSource source) {
      this.source = source;
      return this;
    }

    /**
     * Sets the data-type registry (freshness and cache TTL per type).
     *
     * @param types the registry
     * @return this builder
     */
    public Builder dataTypes(DataTypes types) {
      this.types = types;
      return this;
    }

    /**
     * Sets the rate limits the source calls go through.
     *
     * @param limiters the registry, usually shared with the engine
     * @return this builder
     */
    public Builder rateLimiters(RateLimiters limiters) {
      this.limiters = limiters;
      return this;
    }

    /**
     * Names the rate-limited resource of the source; default: the source's name.
     *
     * @param resource the resource name
     * @return this builder
     */
    public Builder sourceResource(String resource) {
      this.resource = resource;
      return this;
    }

    /**
     * Sets the clock deciding freshness.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Sets how long a not-found answer is cached.
     *
     * @param ttl the time
     * @return this builder
     */
    public Builder notFoundTtl(Duration ttl) {
      if (ttl == null || ttl.isNegative()) {
        throw new InvalidInputException("notFoundTtl", ttl, "must be zero or positive");
      }
      this.notFoundTtl = ttl;
      return this;
    }

    /**
     * Sets the inline retry of source calls made by {@link DataPath#get} (warms are retried
     * by the engine instead).
     *
     * @param policy a Failsafe retry policy
     * @return this builder
     */
    public Builder readRetry(RetryPolicy<Optional<DataRecord>> policy) {
      this.readRetry = policy;
      return this;
    }

    /**
     * Adds a listener for changed records.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder onChange(Consumer<RecordChange> listener) {
      listeners.add(listener);
      return this;
    }

    /**
     * Builds the read path.
     *
     * @return the read path
     * @throws InvalidInputException if the cache, store or source is missing
     */
    public TieredDataPath build() {
      if (cache == null) {
        throw new InvalidInputException("cache", null, "a cache tier is required");
      }
      if (store == null) {
        throw new InvalidInputException("store", null, "a record store is required");
      }
      if (source == null) {
        throw new InvalidInputException("source", null, "a market-data source is required");
      }
      return new TieredDataPath(this);
    }
  }
}
