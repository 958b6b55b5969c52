package io.prism.batch.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.api.data.WatchlistUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link WatchlistStore} must have. An implementation's test extends this
 * class and returns a new, empty store from {@link #newStore}; every test gets its own store,
 * closed afterwards.
 */
public abstract class WatchlistStoreContract {
  /** 2024-03-01 15:00 in Shanghai. */
  protected static final Instant T0 = Instant.parse("2024-03-01T07:00:00Z");
  private static final String USER = "user-1";

  /** The clock the store under test reads. */
  protected final StoreTestClock clock = new StoreTestClock(T0);
  /** The store under test. */
  protected WatchlistStore store;

  /**
   * Returns a new store holding no lists.
   *
   * @param types the registry the store checks data types against
   * @param clock the clock the store stamps lists and accesses with
   * @return the store
   */
  protected abstract WatchlistStore newStore(DataTypes types, Clock clock);

  @BeforeEach
  void openStore() {
    store = newStore(DataTypes.defaults(), clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static Watchlist.Builder list(String name) {
    return Watchlist.builder(USER, name).codes(List.of("600519", "000001.SZ"));
  }

  private Watchlist stored(String name) {
    return store.create(list(name).build());
  }

  @Test
  void shouldCreateAListWithAnIdAndTheStoresTimes() {
    Watchlist created = store.create(list("白酒").id(9_000_000_000L).build());

    assertThat(created.id()).isPositive().isNotEqualTo(9_000_000_000L);
    assertThat(created.createdAt()).isEqualTo(T0);
    assertThat(created.updatedAt()).isEqualTo(T0);
    assertThat(store.get(created.id())).contains(created);
  }

  @Test
  void shouldStoreEveryField() {
    Watchlist w = Watchlist.builder("user-2", "新能源 & 芯片")
        .description("长期关注")
        .stocks(List.of(StockCode.parse("300750"), StockCode.parse("688981.SH"),
            StockCode.parse("SZ000001"), StockCode.parse("830799")))
        .priority(5)
        .autoBatch(false)
        .dataTypes(List.of(DataType.LONGHUBANG, DataType.FINANCIAL, DataType.DAILY_QUOTES))
        .scheduleTime(LocalTime.of(9, 15, 30))
        .active(false)
        .build();

    Watchlist created = store.create(w);

    Watchlist read = store.get(created.id()).orElseThrow();
    assertThat(read).isEqualTo(created);
    assertThat(read).isEqualTo(w.withIdentity(created.id(), T0, T0));
  }

  @Test
  void shouldAssignDistinctIdsAndNeverReuseThem() {
    Watchlist a = stored("a");
    Watchlist b = stored("b");
    store.delete(b.id());
    Watchlist c = stored("c");

    assertThat(List.of(a.id(), b.id(), c.id())).doesNotHaveDuplicates();
    assertThat(c.id()).isGreaterThan(b.id());
  }

  @Test
  void shouldUpdateKeepingTheCreationTime() {
    Watchlist created = stored("a");
    clock.advance(Duration.ofMinutes(5));

    Watchlist updated = store.update(list("b").id(created.id()).priority(5).build());

    assertThat(updated.name()).isEqualTo("b");
    assertThat(updated.priority()).isEqualTo(5);
    assertThat(updated.createdAt()).isEqualTo(T0);
    assertThat(updated.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(store.get(created.id())).contains(updated);
  }

  @Test
  void shouldRejectAnUpdateOfAMissingIdAndStayUnchanged() {
    Watchlist existing = stored("a");
    Snapshot before = snapshot();

    assertThatThrownBy(() -> store.update(list("b").id(existing.id() + 1000).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("id");
    assertThatThrownBy(() -> store.update(list("b").build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id");

    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void shouldDeleteAListAndItsStatistics() {
    Watchlist a = stored("a");
    Watchlist b = stored("b");
    store.recordAccess(a.id(), Duration.ofMillis(5), true);
    LocalDate today = LocalDate.ofInstant(T0, FreshnessPolicy.SHANGHAI);

    assertThat(store.delete(a.id())).isTrue();

    assertThat(store.get(a.id())).isEmpty();
    assertThat(store.usage(a.id(), today)).isEmpty();
    assertThat(store.listByUser(USER)).containsExactly(b);
    assertThat(store.delete(a.id())).isFalse();
  }

  @Test
  void shouldListAUsersListsById() {
    Watchlist a = stored("a");
    store.create(Watchlist.builder("someone-else", "x").codes(List.of("600519")).build());
    Watchlist c = stored("c");

    assertThat(store.listByUser(USER)).containsExactly(a, c);
    assertThat(store.listByUser("nobody")).isEmpty();
  }

  @Test
  void shouldListActiveAutoBatchListsHighestPriorityFirst() {
    Watchlist p1 = store.create(list("p1").priority(1).build());
    Watchlist p5 = store.create(list("p5").priority(5).build());
    Watchlist p3 = store.create(list("p3").priority(3).build());
    store.create(list("inactive").priority(5).active(false).build());
    store.create(list("manual").priority(5).autoBatch(false).build());
    Watchlist p5b = store.create(list("p5b").priority(5).build());

    assertThat(store.activeAutoBatch()).containsExactly(p5, p5b, p3, p1);
  }

  @Test
  void shouldDropAListFromAutoBatchWhenItIsDeactivated() {
    Watchlist a = stored("a");
    store.update(list("a").id(a.id()).active(false).build());

    assertThat(store.activeAutoBatch()).isEmpty();
  }

  @Test
  void shouldAccumulateUsageStatistics() {
    Watchlist a = stored("a");
    store.recordAccess(a.id(), Duration.ofMillis(10), true);
    clock.advance(Duration.ofSeconds(1));
    store.recordAccess(a.id(), Duration.ofMillis(20), false);
    clock.advance(Duration.ofSeconds(1));
    store.recordAccess(a.id(), Duration.ofNanos(30_500_000), true);

    WatchlistUsage u = store.usage(a.id(), LocalDate.of(2024, 3, 1)).orElseThrow();

    assertThat(u.watchlistId()).isEqualTo(a.id());
    assertThat(u.day()).isEqualTo(LocalDate.of(2024, 3, 1));
    assertThat(u.accessCount()).isEqualTo(3);
    assertThat(u.lastAccessed()).isEqualTo(T0.plusSeconds(2));
    assertThat(u.avgResponseMillis()).isCloseTo(20.1666, within(0.001));
    assertThat(u.cacheHitRate()).isCloseTo(2.0 / 3, within(1e-9));
  }

  @Test
  void shouldKeepUsageStatisticsPerShanghaiDay() {
    Watchlist a = stored("a");
    clock.set(Instant.parse("2024-03-01T15:59:59Z")); // 23:59:59 on 1 March in Shanghai
    store.recordAccess(a.id(), Duration.ofMillis(10), true);
    clock.set(Instant.parse("2024-03-01T16:00:01Z")); // 00:00:01 on 2 March in Shanghai
    store.recordAccess(a.id(), Duration.ofMillis(30), false);

    WatchlistUsage first = store.usage(a.id(), LocalDate.of(2024, 3, 1)).orElseThrow();
    WatchlistUsage second = store.usage(a.id(), LocalDate.of(2024, 3, 2)).orElseThrow();

    assertThat(first.accessCount()).isEqualTo(1);
    assertThat(first.cacheHitRate()).isEqualTo(1.0);
    assertThat(second.accessCount()).isEqualTo(1);
    assertThat(second.avgResponseMillis()).isCloseTo(30.0, within(1e-9));
    assertThat(second.cacheHitRate()).isEqualTo(0.0);
    assertThat(store.usage(a.id(), LocalDate.of(2024, 3, 3))).isEmpty();
  }

  @Test
  void shouldCountEveryAccessWhenThreadsRecordAtOnce() throws Exception {
    Watchlist a = stored("a");
    int threads = 4;
    int perThread = 50;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        boolean hit = t % 2 == 0;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            store.recordAccess(a.id(), Duration.ofMillis(4), hit);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    WatchlistUsage u = store.usage(a.id(), LocalDate.of(2024, 3, 1)).orElseThrow();
    assertThat(u.accessCount()).isEqualTo(threads * perThread);
    assertThat(u.avgResponseMillis()).isCloseTo(4.0, within(1e-9));
    assertThat(u.cacheHitRate()).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void shouldRejectAnAccessToAMissingList() {
    assertThatThrownBy(() -> store.recordAccess(424242, Duration.ofMillis(1), true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("watchlistId");
  }

  @Test
  void shouldRejectANegativeResponseTime() {
    Watchlist a = stored("a");

    assertThatThrownBy(() -> store.recordAccess(a.id(), Duration.ofMillis(-1), true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("responseTime");
    assertThat(store.usage(a.id(), LocalDate.of(2024, 3, 1))).isEmpty();
  }

  // ---- invalid lists: each is rejected, names its field, and leaves the store unchanged ----

  @Test
  void shouldRejectABadStockCode() {
    assertRejected("stockCode", () -> list("x").codes(List.of("600519", "60051X")).build());
  }

  @Test
  void shouldRejectPriorityZero() {
    assertRejected("priority", () -> list("x").priority(0).build());
  }

  @Test
  void shouldRejectPrioritySix() {
    assertRejected("priority", () -> list("x").priority(6).build());
  }

  @Test
  void shouldRejectEmptyDataTypes() {
    assertRejected("dataTypes", () -> list("x").dataTypes(List.of()).build());
  }

  @Test
  void shouldRejectAnUnknownDataType() {
    Snapshot before = prepareRejection();
    Watchlist unknown = list("x").dataTypes(List.of(DataType.FINANCIAL, "foo")).build();
    Watchlist existing = store.listByUser(USER).get(0);
    Watchlist unknownUpdate = list("x").id(existing.id())
        .dataTypes(List.of("foo")).build();

    assertThatThrownBy(() -> store.create(unknown))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dataTypes")
        .hasMessageContaining("foo");
    assertThatThrownBy(() -> store.update(unknownUpdate))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dataTypes")
        .hasMessageContaining("foo");

    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void shouldRejectTenThousandCodes() {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      codes.add(String.format("%06d", 600000 + i));
    }
    assertRejected("stocks", () -> list("x").codes(codes).build());
    List<StockCode> stocks = codes.stream().map(StockCode::parse).toList();
    assertRejected("stocks", () -> list("x").stocks(stocks).build());
  }

  @Test
  void shouldRejectATenKilobyteName() {
    assertRejected("name", () -> Watchlist.builder(USER, "名".repeat(10 * 1024))
        .codes(List.of("600519")).build());
  }

  @Test
  void shouldCheckDataTypesAgainstTheStoresRegistry() {
    store.close();
    DataTypes custom = DataTypes.builder()
        .put(new DataType("northbound", "北向资金", FreshnessPolicy.maxAge(Duration.ofHours(1)),
            Duration.ofHours(1)))
        .build();
    store = newStore(custom, clock);

    Watchlist ok = store.create(list("x").dataTypes(List.of("northbound")).build());

    assertThat(store.get(ok.id()).map(Watchlist::dataTypes)).contains(List.of("northbound"));
    assertThatThrownBy(() -> store.create(list("y").build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dataTypes");
    assertThat(store.listByUser(USER)).containsExactly(ok);
  }

  /** Everything a rejected write must not change. */
  private record Snapshot(List<Watchlist> byUser, List<Watchlist> autoBatch,
      Optional<WatchlistUsage> usage) {}

  private Snapshot snapshot() {
    List<Watchlist> byUser = store.listByUser(USER);
    Optional<WatchlistUsage> usage = byUser.isEmpty() ? Optional.empty()
        : store.usage(byUser.get(0).id(), LocalDate.of(2024, 3, 1));
    return new Snapshot(byUser, store.activeAutoBatch(), usage);
  }

  /** Stores two lists and one access, and returns the state to compare against. */
  private Snapshot prepareRejection() {
    Watchlist a = stored("a");
    stored("b");
    store.recordAccess(a.id(), Duration.ofMillis(7), true);
    return snapshot();
  }

  /**
   * Checks that an invalid list can neither be created nor replace a stored one: the message
   * names the field, and the store is unchanged.
   */
  private void assertRejected(String field, Supplier<Watchlist> invalid) {
    Snapshot before = prepareRejection();
    long existingId = before.byUser().get(0).id();

    ThrowingCallable create = () -> store.create(invalid.get());
    assertThatThrownBy(create)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(field);
    assertThat(snapshot()).as("after create").isEqualTo(before);

    ThrowingCallable update = () -> store.update(invalid.get().withIdentity(existingId, T0, T0));
    assertThatThrownBy(update)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(field);
    assertThat(snapshot()).as("after update").isEqualTo(before);
  }
}
