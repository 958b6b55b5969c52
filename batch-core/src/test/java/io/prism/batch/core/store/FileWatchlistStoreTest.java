package io.prism.batch.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.api.data.WatchlistUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatchlistStoreTest extends WatchlistStoreContract {
  @TempDir Path dir;

  @Override
  protected WatchlistStore newStore(DataTypes types, Clock clock) {
    return FileWatchlistStore.builder().directory(dir).dataTypes(types).clock(clock).build();
  }

  @Nested
  class InMemory extends WatchlistStoreContract {
    @Override
    protected WatchlistStore newStore(DataTypes types, Clock clock) {
      return FileWatchlistStore.builder().dataTypes(types).clock(clock).buildInMemory();
    }
  }

  @Test
  void shouldReadBackListsStatisticsAndTheNextIdAfterAReopen() throws IOException {
    Watchlist a = store.create(Watchlist.builder("u", "a").codes(List.of("600519")).build());
    Watchlist b = store.create(Watchlist.builder("u", "b").codes(List.of("000001")).build());
    store.recordAccess(a.id(), Duration.ofMillis(10), true);
    store.recordAccess(a.id(), Duration.ofMillis(30), false);
    store.delete(b.id());
    store.close();

    store = newStore(DataTypes.defaults(), clock);

    assertThat(store.listByUser("u")).containsExactly(a);
    WatchlistUsage u = store.usage(a.id(), LocalDate.of(2024, 3, 1)).orElseThrow();
    assertThat(u.accessCount()).isEqualTo(2);
    assertThat(u.avgResponseMillis()).isEqualTo(20.0);
    assertThat(u.cacheHitRate()).isEqualTo(0.5);
    Watchlist c = store.create(Watchlist.builder("u", "c").codes(List.of("600519")).build());
    assertThat(c.id()).isGreaterThan(b.id());
    assertThat(FileRecordStoreTest.names(dir.resolve(FileWatchlistStore.SUBDIRECTORY)))
        .containsExactlyInAnyOrder(".lock", "watchlists.json", "usage.json");
  }

  @Test
  void shouldWriteStatisticsOnFlushAndOncePerInterval() throws IOException {
    Watchlist a = store.create(Watchlist.builder("u", "a").codes(List.of("600519")).build());
    Path usageFile = dir.resolve(FileWatchlistStore.SUBDIRECTORY).resolve("usage.json");
    store.recordAccess(a.id(), Duration.ofMillis(10), true); // first access: written at once
    store.recordAccess(a.id(), Duration.ofMillis(10), true); // within the interval: held back
    assertThat(writtenCount(usageFile)).isEqualTo(1);

    ((FileWatchlistStore) store).flush();
    assertThat(writtenCount(usageFile)).isEqualTo(2);

    store.recordAccess(a.id(), Duration.ofMillis(10), true);
    assertThat(writtenCount(usageFile)).isEqualTo(2);
    clock.advance(FileWatchlistStore.DEFAULT_USAGE_FLUSH_INTERVAL);
    store.recordAccess(a.id(), Duration.ofMillis(10), true);
    assertThat(writtenCount(usageFile)).isEqualTo(4);
  }

  private static long writtenCount(Path usageFile) throws IOException {
    return StoreAssertions.json(Files.readString(usageFile))
        .get("usage").get(0).get("accessCount").asLong();
  }
}
