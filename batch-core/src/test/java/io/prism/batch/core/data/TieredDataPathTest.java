package io.prism.batch.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileRecordStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TieredDataPathTest {
  static final List<String> CODES = List.of("000001", "600519", "688469", "600919", "300059");

  /** A clock tests move by hand. */
  static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-11-22T12:00:00Z"); // Sunday 20:00 Shanghai

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Counts fetches; can be made to fail or to have nothing. */
  static final class CountingSource implements MarketDataSource {
    final MarketDataSource delegate;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    final Set<DataKey> absent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile CountDownLatch gate = new CountDownLatch(0);

    CountingSource(MarketDataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Set<String> dataTypes() {
      return delegate.dataTypes();
    }

    @Override
    public Optional<DataRecord> fetch(DataKey key) {
      calls.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failing.get()) {
        throw new UncheckedIOException(new IOException("upstream 502"));
      }
      if (absent.contains(key)) {
        return Optional.empty();
      }
      return delegate.fetch(key);
    }
  }

  final MovableClock clock = new MovableClock();
  final CountingSource source = new CountingSource(
      SyntheticMarketDataSource.builder().stockCodes(CODES).clock(clock).build());
  final CaffeineCacheTier cache = CaffeineCacheTier.create();
  final FileRecordStore store = FileRecordStore.inMemory();
  final List<RecordChange> changes = new CopyOnWriteArrayList<>();
  final TieredDataPath path = TieredDataPath.builder()
      .cache(cache).store(store).source(source).clock(clock)
      .readRetry(dev.failsafe.RetryPolicy.<Optional<DataRecord>>builder().withMaxAttempts(1).build())
      .onChange(changes::add)
      .build();

  @Test
  void shouldFetchFromTheSourceOnceThenServeFromL1() {
    ReadResult first = path.get("600519", "financial");
    ReadResult second = path.get("600519", "financial");
    assertThat(first.tier()).isEqualTo(Tier.L3);
    assertThat(first.record()).isPresent();
    assertThat(second.tier()).isEqualTo(Tier.L1);
    assertThat(second.record().get().contentHash()).isEqualTo(first.record().get().contentHash());
    assertThat(source.calls.get()).isEqualTo(1);
    assertThat(store.get(new DataKey("600519", "financial"))).isPresent();
    assertThat(changes).hasSize(1);
    assertThat(path.stats().of(Tier.L1).hits()).isEqualTo(1);
    assertThat(path.stats().of(Tier.L3).hits()).isEqualTo(1);
    assertThat(path.stats().cacheHitRate()).isEqualTo(0.5);
  }

  @Test
  void shouldServeFreshL2AndRefillL1AfterTheCacheIsCleared() {
    DataKey key = new DataKey("000001", "financial");
    path.get(key);
    cache.invalidate(List.of(key));
    ReadResult r = path.get(key);
    assertThat(r.tier()).isEqualTo(Tier.L2);
    assertThat(cache.get(key)).isPresent();
    assertThat(path.get(key).tier()).isEqualTo(Tier.L1);
    assertThat(source.calls.get()).isEqualTo(1);
  }

  @Test
  void shouldServeAStaleL2RecordMarkedStaleWhenTheSourceFails() {
    DataKey key = new DataKey("000001", "announcements");
    path.get(key);
    cache.invalidate(List.of(key));
    clock.advance(Duration.ofHours(2)); // announcements are fresh for 1 hour
    source.failing.set(true);
    ReadResult r = path.get(key);
    assertThat(r.tier()).isEqualTo(Tier.L2);
    assertThat(r.stale()).isTrue();
    assertThat(r.record().get().stale()).isTrue();
    assertThat(path.stats().staleServed()).isEqualTo(1);
  }

  @Test
  void shouldSayWhichKeyFailedWhenNothingIsStored() {
    source.failing.set(true);
    assertThatThrownBy(() -> path.get("600919", "shareholders"))
        .isInstanceOf(DataUnavailableException.class)
        .hasMessageContaining("600919:shareholders").hasMessageContaining("upstream 502");
  }

  @Test
  void shouldLoadConcurrentMissesOfOneKeyOnce() throws Exception {
    source.gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ReadResult>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> path.get("688469", "daily_quotes")));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (source.calls.get() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      source.gate.countDown();
      for (Future<ReadResult> f : results) {
        assertThat(f.get().record()).isPresent();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(source.calls.get()).isEqualTo(1);
  }

  @Test
  void shouldCacheANotFoundAnswerBriefly() {
    DataKey key = new DataKey("300059", "longhubang");
    source.absent.add(key);
    assertThat(path.get(key).tier()).isEqualTo(Tier.NONE);
    assertThat(path.get(key).record()).isEmpty();
    assertThat(source.calls.get()).isEqualTo(1);
  }

  @Test
  void shouldWarmInBulkAndAnnounceOnlyChangedRecords() {
    List<DataKey> keys = new ArrayList<>();
    for (String c : CODES) {
      keys.add(new DataKey(c, "financial"));
      keys.add(new DataKey(c, "company_profile"));
    }
    WarmResult first = path.warm(keys);
    assertThat(first.fetched()).isEqualTo(10);
    assertThat(first.changed()).hasSize(10);
    assertThat(changes).hasSize(10);
    for (DataKey k : keys) {
      assertThat(path.get(k).tier()).isEqualTo(Tier.L1);
    }
    cache.invalidate(keys);
    WarmResult second = path.warm(keys);
    assertThat(second.freshInL2()).isEqualTo(10);
    assertThat(second.fetched()).isZero();
    clock.advance(Duration.ofDays(2)); // financial stale, profile still fresh (7 days)
    WarmResult third = path.warm(keys);
    assertThat(third.freshInL2()).isEqualTo(5);
    assertThat(third.fetched()).isEqualTo(5);
    assertThat(third.changed()).isEmpty(); // same content, new fetch time: no change
    assertThat(changes).hasSize(10);
  }

  @Test
  void shouldRethrowTheErrorOfASingleKeyWarm() {
    source.failing.set(true);
    assertThatThrownBy(() -> path.warm(List.of(new DataKey("600519", "financial"))))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("upstream 502");
    WarmResult many = path.warm(List.of(new DataKey("600519", "financial"), new DataKey("000001", "financial")));
    assertThat(many.failed()).hasSize(2);
  }
}
