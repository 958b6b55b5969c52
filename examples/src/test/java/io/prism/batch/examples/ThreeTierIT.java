package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failsafe.RetryPolicy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistUsage;
import io.prism.batch.core.data.DataUnavailableException;
import io.prism.batch.core.data.ReadResult;
import io.prism.batch.core.data.Tier;
import io.prism.batch.core.data.TierStats;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.RetryRules;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.jobs.WatchlistRead;
import io.prism.batch.core.jobs.WatchlistReader;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.core.testing.SettableClock;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresWatchlistStore;
import io.prism.batch.redis.RedisCacheTier;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three-tier data path issue on real servers: Redis (L1) at {@code -Dprism.test.redis}
 * (default 127.0.0.1:6379) in database {@code -Dprism.test.redis.db} (default 13, which {@code
 * FLUSHDB} here empties), PostgreSQL (L2, watchlists, job records) at {@code
 * -Dprism.postgres.url} (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code
 * postgres}) in a fresh schema per test class, and the replayed real AKShare data (L3). A server
 * that cannot be reached fails the tests.
 *
 * <p>Two JVMs migrating one schema at once is tested by the PostgreSQL module's {@code
 * MigrationsIT.shouldMigrateOnceWhenTwoJvmsStartAtOnce}; invalid watchlists are rejected, with the
 * field named and the store unchanged, by {@code WatchlistStoreContract}, which both {@code
 * FileWatchlistStoreTest} and {@code PostgresWatchlistStoreIT} run.
 */
class ThreeTierIT {
  static final String PG_URL =
      System.getProperty("prism.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = System.getProperty("prism.postgres.user", "postgres");
  static final String PG_PASSWORD = System.getProperty("prism.postgres.password", "");
  static final String REDIS = System.getProperty("prism.test.redis", "127.0.0.1:6379");
  static final int REDIS_DB = Integer.getInteger("prism.test.redis.db", 13);
  static final List<String> STOCKS = NightlyFlow.SEED_STOCKS;
  /** The five types the replay has for every one of the five stocks (龙虎榜 it has not). */
  static final List<String> TYPES = List.of(DataType.DAILY_QUOTES, DataType.COMPANY_PROFILE,
      DataType.FINANCIAL, DataType.ANNOUNCEMENTS, DataType.SHAREHOLDERS);
  static final int KEYS = STOCKS.size() * TYPES.size();

  static PostgresDataSource db;
  static String schema;
  static RedisClient adminClient;
  static StatefulRedisConnection<String, String> admin;

  final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T12:00:00Z"));
  final LocalDate today = LocalDate.ofInstant(clock.instant(), FreshnessPolicy.SHANGHAI);
  final String prefix = "prism:it:threetier:" + UUID.randomUUID() + ":";
  final AtomicBoolean sourceFails = new AtomicBoolean();
  final RetryRules fastRetries = RetryRules.defaults().toBuilder()
      .rule(ErrorClass.TRANSIENT, RetryPolicy.builder().withDelay(Duration.ofMillis(1))
          .withMaxAttempts(2).build())
      .build();
  final List<AutoCloseable> toClose = new ArrayList<>();
  MarketDataSource replay;
  PostgresRecordStore l2;
  PostgresWatchlistStore lists;
  PostgresJobStore jobStore;
  Watchlist watchlist;

  @BeforeAll
  static void connect() {
    db = PostgresDataSource.builder().url(PG_URL).user(PG_USER).password(PG_PASSWORD)
        .maximumPoolSize(4).build();
    schema = "it_threetier_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
    adminClient = RedisClient.create("redis://" + REDIS + "/" + REDIS_DB);
    admin = adminClient.connect();
    assertThat(admin.sync().ping()).isEqualTo("PONG");
  }

  @AfterAll
  static void disconnect() {
    if (db != null) {
      db.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
      db.close();
    }
    if (admin != null) {
      admin.close();
      adminClient.shutdown();
    }
  }

  @BeforeEach
  void openStores() {
    db.jdbi().useHandle(h -> h.execute(String.format(Locale.ROOT,
        "TRUNCATE \"%1$s\".market_data, \"%1$s\".watchlist_usage_stats, \"%1$s\".user_watchlists,"
            + " \"%1$s\".batch_jobs CASCADE", schema)));
    replay = ReplayMarketDataSource.builder().clock(clock)
        .failWhen(k -> sourceFails.get()).build();
    l2 = closing(PostgresRecordStore.builder(db.jdbi()).schema(schema).migrate(false).build());
    lists = closing(PostgresWatchlistStore.builder(db.jdbi()).schema(schema).clock(clock)
        .migrate(false).build());
    jobStore = closing(PostgresJobStore.builder(db.jdbi()).schema(schema).migrate(false).build());
    watchlist = lists.create(Watchlist.builder("test_user_001", "测试股票池").priority(5)
        .codes(STOCKS).dataTypes(TYPES).build());
  }

  @AfterEach
  void closeAndCleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    List<String> mine = keysUnder(prefix);
    if (!mine.isEmpty()) {
      admin.sync().del(mine.toArray(new String[0]));
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    toClose.add(resource);
    return resource;
  }

  private RedisCacheTier sharedRedis() {
    return closing(RedisCacheTier.builder().uri("redis://" + REDIS + "/" + REDIS_DB)
        .keyPrefix(prefix).build());
  }

  private TieredDataPath path(RedisCacheTier l1, MarketDataSource source) {
    return TieredDataPath.builder().cache(l1).store(l2).source(source).clock(clock)
        .readRetry(RetryPolicy.<Optional<DataRecord>>builder().withMaxAttempts(1).build())
        .build();
  }

  private WarmJobs jobs(TieredDataPath path, RedisCacheTier l1) {
    return WarmJobs.builder().dataPath(path).cache(l1).store(l2).watchlists(lists)
        .jobs(jobStore).clock(clock).parallelism(2).batchSize(10).retryRules(fastRetries).build();
  }

  private static List<String> keysUnder(String keyPrefix) {
    List<String> keys = new ArrayList<>();
    ScanIterator.scan(admin.sync(), ScanArgs.Builder.matches(keyPrefix + "*").limit(500))
        .forEachRemaining(keys::add);
    return keys;
  }

  // ---- after a warm, L1 serves every watched key ----

  @Test
  void shouldServeEveryWatchedKeyFromL1AfterAWarm() {
    RedisCacheTier l1 = sharedRedis();
    TieredDataPath path = path(l1, replay);
    JobResult warm = jobs(path, l1).watchlistWarm();

    WatchlistRead read = new WatchlistReader(path, lists).readAll(watchlist.id());

    assertThat(read.failed()).isEmpty();
    assertThat(read.results()).hasSize(KEYS).allSatisfy(r -> {
      assertThat(r.tier()).isEqualTo(Tier.L1);
      assertThat(r.record()).isPresent();
    });
    TierStats l1Stats = path.stats().of(Tier.L1);
    assertThat(l1Stats.hits()).isEqualTo(KEYS);
    assertThat(l1Stats.misses()).isZero();
    assertThat(l1Stats.hitRate()).isEqualTo(1.0);
    assertThat(l1Stats.p95Micros()).isLessThan(500_000); // the seed's cached-read target
    assertThat(keysUnder(prefix)).hasSize(KEYS);
    JobRecord job = jobStore.get(warm.job().id()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(job.processedCount()).isEqualTo(KEYS);
    assertThat(job.successCount()).isEqualTo(KEYS);
    assertThat(warm.counts()).containsEntry(JobResult.FETCHED, (long) KEYS)
        .containsEntry(JobResult.CHANGED, (long) KEYS);
    assertThat(l2.keys()).hasSize(KEYS);
    WatchlistUsage usage = lists.usage(watchlist.id(), today).orElseThrow();
    assertThat(usage.accessCount()).isEqualTo(KEYS);
    assertThat(usage.cacheHitRate()).isEqualTo(1.0);
  }

  // ---- after FLUSHDB, L2 serves and refills L1 ----

  @Test
  void shouldServeFromL2AfterFlushdbAndRefillL1() {
    RedisCacheTier l1 = sharedRedis();
    TieredDataPath path = path(l1, replay);
    jobs(path, l1).watchlistWarm();
    assertThat(keysUnder(prefix)).hasSize(KEYS);

    assertThat(admin.sync().flushdb()).isEqualTo("OK");
    assertThat(keysUnder(prefix)).isEmpty();
    WatchlistReader reader = new WatchlistReader(path, lists);
    WatchlistRead fromL2 = reader.readAll(watchlist.id());
    WatchlistRead fromL1 = reader.readAll(watchlist.id());

    assertThat(fromL2.results()).hasSize(KEYS)
        .allSatisfy(r -> assertThat(r.tier()).isEqualTo(Tier.L2));
    assertThat(keysUnder(prefix)).hasSize(KEYS);
    assertThat(fromL1.results()).hasSize(KEYS)
        .allSatisfy(r -> assertThat(r.tier()).isEqualTo(Tier.L1));
    assertThat(path.stats().of(Tier.L3).hits()).isZero();
    assertThat(fromL2.cacheHitRate()).isEqualTo(1.0);
  }

  // ---- L3 failing: a stale L2 record is served, marked stale ----

  @Test
  void shouldServeStaleStoredRecordsMarkedStaleWhenTheSourceFails() {
    RedisCacheTier l1 = sharedRedis();
    TieredDataPath path = path(l1, replay);
    WarmJobs jobs = jobs(path, l1);
    jobs.watchlistWarm();
    clock.advance(Duration.ofDays(8)); // past every type's freshness, company profile's 7 days too
    admin.sync().flushdb();
    sourceFails.set(true);

    WatchlistRead read = new WatchlistReader(path, lists).readAll(watchlist.id());

    assertThat(read.failed()).isEmpty();
    assertThat(read.results()).hasSize(KEYS).allSatisfy(r -> {
      assertThat(r.tier()).isEqualTo(Tier.L2);
      assertThat(r.stale()).isTrue();
      assertThat(r.record()).hasValueSatisfying(x -> assertThat(x.stale()).isTrue());
    });
    assertThat(path.stats().staleServed()).isEqualTo(KEYS);
    assertThat(l2.get(new DataKey("600519", DataType.FINANCIAL)))
        .hasValueSatisfying(x -> assertThat(x.stale()).isFalse()); // L2 itself is not marked
    assertThatThrownBy(() -> path.get(new DataKey("600519", DataType.LONGHUBANG)))
        .isInstanceOf(DataUnavailableException.class); // nothing stored to stand in

    JobResult failedWarm = jobs.watchlistWarm();
    JobRecord job = jobStore.get(failedWarm.job().id()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.failedCount()).isEqualTo(KEYS);
    assertThat(job.retryCount()).isEqualTo(KEYS);
    assertThat(job.errorMessage()).hasValueSatisfying(m -> assertThat(m)
        .contains(KEYS + " of " + KEYS + " tasks failed"));
  }

  // ---- Redis dies mid-run: L2 keeps serving, no exception reaches the caller ----

  /** Kills the private Redis when the warm has fetched {@code killAt} records. */
  static final class KillingSource implements MarketDataSource {
    final MarketDataSource delegate;
    final PrivateRedis redis;
    final int killAt;
    final AtomicInteger fetches = new AtomicInteger();

    KillingSource(MarketDataSource delegate, PrivateRedis redis, int killAt) {
      this.delegate = delegate;
      this.redis = redis;
      this.killAt = killAt;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Set<String> dataTypes() {
      return delegate.dataTypes();
    }

    @Override
    public Optional<DataRecord> fetch(DataKey key) {
      if (fetches.incrementAndGet() == killAt) {
        redis.kill();
      }
      return delegate.fetch(key);
    }
  }

  @Test
  void shouldKeepServingFromL2WhenRedisDiesMidRun() throws Exception {
    PrivateRedis redis = closing(PrivateRedis.start());
    RedisCacheTier l1 = closing(RedisCacheTier.builder().uri(redis.uri()).keyPrefix(prefix)
        .build());
    KillingSource source = new KillingSource(replay, redis, 8);
    TieredDataPath path = path(l1, source);
    List<DataKey> keys = new ArrayList<>();
    STOCKS.forEach(s -> TYPES.forEach(t -> keys.add(new DataKey(s, t))));
    // a user keeps reading while the warm runs and Redis dies under both
    AtomicBoolean warming = new AtomicBoolean(true);
    List<Throwable> readErrors = new CopyOnWriteArrayList<>();
    AtomicInteger readsDuringWarm = new AtomicInteger();
    CompletableFuture<Void> user = CompletableFuture.runAsync(() -> {
      for (int i = 0; warming.get() || i < keys.size(); i++) {
        try {
          path.get(keys.get(i % keys.size()));
          readsDuringWarm.incrementAndGet();
        } catch (RuntimeException e) {
          readErrors.add(e);
        }
      }
    });

    JobResult warm;
    try {
      warm = jobs(path, l1).watchlistWarm();
    } finally {
      warming.set(false);
    }
    user.get(60, TimeUnit.SECONDS);

    assertThat(readErrors).isEmpty();
    assertThat(readsDuringWarm.get()).isGreaterThanOrEqualTo(KEYS);
    assertThat(source.fetches.get()).isGreaterThanOrEqualTo(8);
    assertThat(warm.job().status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(warm.job().successCount()).isEqualTo(KEYS);
    assertThat(l1.droppedWrites()).isPositive();
    assertThat(l1.isConnected()).isFalse();
    assertThat(l2.keys()).hasSize(KEYS);

    int fetchesBefore = source.fetches.get();
    List<ReadResult> reads = new ArrayList<>();
    for (DataKey k : keys) {
      reads.add(path.get(k)); // must not throw
    }
    WatchlistRead viaList = new WatchlistReader(path, lists).readAll(watchlist.id());

    assertThat(reads).allSatisfy(r -> {
      assertThat(r.tier()).isEqualTo(Tier.L2);
      assertThat(r.stale()).isFalse();
      assertThat(r.record()).isPresent();
    });
    assertThat(viaList.failed()).isEmpty();
    assertThat(viaList.results()).hasSize(KEYS)
        .allSatisfy(r -> assertThat(r.tier()).isEqualTo(Tier.L2));
    assertThat(source.fetches.get()).isEqualTo(fetchesBefore); // L3 was not asked again
    assertThat(path.stats().of(Tier.L2).p95Micros()).isLessThan(500_000);
  }
}
