package io.prism.batch.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.failsafe.RetryPolicy;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistUsage;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.DataUnavailableException;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.data.Tier;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.core.store.FileWatchlistStore;
import io.prism.batch.core.testing.SettableClock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchlistReaderTest {
  final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T12:00:00Z"));
  final LocalDate today = LocalDate.ofInstant(clock.instant(), FreshnessPolicy.SHANGHAI);
  final CaffeineCacheTier cache = CaffeineCacheTier.create();
  final FileRecordStore store = FileRecordStore.inMemory();
  final FileWatchlistStore lists = FileWatchlistStore.builder().clock(clock).buildInMemory();
  final TieredDataPath path = TieredDataPath.builder()
      .cache(cache).store(store).clock(clock)
      .source(ReplayMarketDataSource.builder().clock(clock)
          .failWhen(k -> k.stockCode().equals("600919")).build())
      .readRetry(RetryPolicy.<Optional<DataRecord>>builder().withMaxAttempts(1).build())
      .build();
  final WatchlistReader reader = new WatchlistReader(path, lists);
  final Watchlist list = lists.create(Watchlist.builder("test_user_001", "自选股优先批处理测试")
      .priority(5).codes(List.of("000001", "600519"))
      .dataTypes(List.of(DataType.FINANCIAL, DataType.ANNOUNCEMENTS)).build());

  @AfterEach
  void close() {
    cache.close();
    store.close();
    lists.close();
  }

  @Test
  void shouldRecordEveryReadInTheListsUsageStatistics() {
    WatchlistRead cold = reader.readAll(list.id());
    WatchlistRead warm = reader.readAll(list.id());

    assertThat(cold.results()).extracting(r -> r.key().toString()).containsExactly(
        "000001:financial", "000001:announcements", "600519:financial", "600519:announcements");
    assertThat(cold.served(Tier.L3)).isEqualTo(4);
    assertThat(cold.cacheHitRate()).isZero();
    assertThat(warm.served(Tier.L1)).isEqualTo(4);
    assertThat(warm.cacheHitRate()).isEqualTo(1.0);
    WatchlistUsage usage = lists.usage(list.id(), today).orElseThrow();
    assertThat(usage.accessCount()).isEqualTo(8);
    assertThat(usage.cacheHitRate()).isCloseTo(0.5, within(1e-9));
    assertThat(usage.avgResponseMillis()).isPositive();
  }

  @Test
  void shouldRecordAFailedReadAsAMissAndReadTheRest() {
    Watchlist withBad = lists.create(Watchlist.builder("u", "b").codes(List.of("600919", "600519"))
        .dataTypes(List.of(DataType.FINANCIAL)).build());

    WatchlistRead r = reader.readAll(withBad.id());

    assertThat(r.failed()).containsOnlyKeys(new DataKey("600919", DataType.FINANCIAL));
    assertThat(r.results()).singleElement().satisfies(x -> assertThat(x.tier()).isEqualTo(Tier.L3));
    assertThat(lists.usage(withBad.id(), today).orElseThrow().accessCount()).isEqualTo(2);
    assertThatThrownBy(() -> reader.read(withBad.id(), new DataKey("600919", DataType.FINANCIAL)))
        .isInstanceOf(DataUnavailableException.class);
    assertThat(lists.usage(withBad.id(), today).orElseThrow().accessCount()).isEqualTo(3);
  }

  @Test
  void shouldReadOneKeyThroughAList() {
    assertThat(reader.read(list.id(), new DataKey("600519", DataType.FINANCIAL)).tier())
        .isEqualTo(Tier.L3);
    assertThat(reader.read(list.id(), new DataKey("600519", DataType.FINANCIAL)).tier())
        .isEqualTo(Tier.L1);
    assertThat(lists.usage(list.id(), today).orElseThrow().cacheHitRate())
        .isCloseTo(0.5, within(1e-9));
  }

  @Test
  void shouldRejectAnUnknownList() {
    assertThatThrownBy(() -> reader.readAll(404)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("watchlistId");
  }
}
