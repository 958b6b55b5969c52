package io.prism.batch.core.store;

import static io.prism.batch.core.store.StoreAssertions.assertSameRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.RecordStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RecordStore} must have. An implementation's test extends this class
 * and returns a new, empty store from {@link #newStore()}; every test gets its own store, closed
 * afterwards.
 */
public abstract class RecordStoreContract {
  /** A fixed instant the tests count from. */
  protected static final Instant T0 = Instant.parse("2024-03-01T07:00:00Z");

  /** The store under test. */
  protected RecordStore store;

  /**
   * Returns a new store holding no records.
   *
   * @return the store
   */
  protected abstract RecordStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** Builds a record. */
  protected static DataRecord record(String code, String type, String hash, Instant fetchedAt) {
    return new DataRecord(new DataKey(code, type),
        "{\"code\": \"" + code + "\", \"hash\": \"" + hash + "\", \"名称\": \"贵州茅台\"}", hash,
        fetchedAt, "akshare", false);
  }

  @Test
  void shouldReturnEmptyForAMissingKey() {
    assertThat(store.get(new DataKey("600519", DataType.FINANCIAL))).isEmpty();
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void shouldReportEveryNewKeyAsChanged() {
    DataRecord a = record("600519", DataType.FINANCIAL, "h1", T0);
    DataRecord b = record("000001", DataType.ANNOUNCEMENTS, "h2", T0);

    List<DataKey> changed = store.upsertAll(List.of(a, b));

    assertThat(changed).containsExactlyInAnyOrder(a.key(), b.key());
    assertSameRecord(store.get(a.key()).orElseThrow(), a);
    assertSameRecord(store.get(b.key()).orElseThrow(), b);
  }

  @Test
  void shouldReportOnlyKeysWhoseHashChangedOrAreNew() {
    DataRecord a = record("600519", DataType.FINANCIAL, "h1", T0);
    DataRecord b = record("600519", DataType.SHAREHOLDERS, "h2", T0);
    store.upsertAll(List.of(a, b));

    DataRecord sameA = record("600519", DataType.FINANCIAL, "h1", T0.plusSeconds(60));
    DataRecord newB = record("600519", DataType.SHAREHOLDERS, "h2-new", T0.plusSeconds(60));
    DataRecord c = record("300750", DataType.FINANCIAL, "h3", T0.plusSeconds(60));
    List<DataKey> changed = store.upsertAll(List.of(sameA, newB, c));

    assertThat(changed).containsExactlyInAnyOrder(newB.key(), c.key());
    assertThat(store.upsertAll(List.of(sameA, newB, c))).isEmpty();
  }

  @Test
  void shouldStoreTheNewFetchTimeEvenWhenTheHashIsUnchanged() {
    store.upsertAll(List.of(record("600519", DataType.FINANCIAL, "h1", T0)));
    DataRecord refetched = new DataRecord(new DataKey("600519", DataType.FINANCIAL),
        "{\"code\": \"600519\", \"fetched\": 2}", "h1", T0.plusSeconds(3600), "akshare-2", false);

    assertThat(store.upsertAll(List.of(refetched))).isEmpty();

    assertSameRecord(store.get(refetched.key()).orElseThrow(), refetched);
    assertThat(store.keysFetchedBefore(T0.plusSeconds(1), 10)).isEmpty();
  }

  @Test
  void shouldReturnNothingForAnEmptyUpsert() {
    assertThat(store.upsertAll(List.of())).isEmpty();
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void shouldLetTheLastRecordOfAKeyWinWithinOneBatch() {
    DataRecord first = record("600519", DataType.FINANCIAL, "h1", T0);
    DataRecord second = record("600519", DataType.FINANCIAL, "h2", T0.plusSeconds(1));

    assertThat(store.upsertAll(List.of(first, second))).containsExactly(first.key());

    assertSameRecord(store.get(first.key()).orElseThrow(), second);
  }

  @Test
  void shouldGetAllOnlyTheRecordsThatExist() {
    DataRecord a = record("600519", DataType.FINANCIAL, "h1", T0);
    DataRecord b = record("000001", DataType.FINANCIAL, "h2", T0);
    store.upsertAll(List.of(a, b));
    DataKey missing = new DataKey("688981", DataType.FINANCIAL);

    Map<DataKey, DataRecord> found = store.getAll(List.of(a.key(), missing, b.key()));

    assertThat(found).containsOnlyKeys(a.key(), b.key());
    assertSameRecord(found.get(a.key()), a);
    assertSameRecord(found.get(b.key()), b);
    assertThat(store.getAll(List.of())).isEmpty();
  }

  @Test
  void shouldKeepTimesToTheMicrosecondAndNeverReturnAStaleRecord() {
    Instant precise = Instant.parse("2024-03-01T07:00:00.123456789Z");
    DataRecord stale = record("600519", DataType.FINANCIAL, "h1", precise).asStale();

    store.upsertAll(List.of(stale));

    DataRecord read = store.get(stale.key()).orElseThrow();
    assertThat(read.fetchedAt()).isEqualTo(Instant.parse("2024-03-01T07:00:00.123456Z"));
    assertThat(read.stale()).isFalse();
  }

  @Test
  void shouldListKeysFetchedBeforeAnInstantOldestFirstUpToTheLimit() {
    DataRecord oldest = record("600519", DataType.FINANCIAL, "h1", T0.minusSeconds(300));
    DataRecord older = record("000001", DataType.FINANCIAL, "h2", T0.minusSeconds(200));
    DataRecord old = record("300750", DataType.FINANCIAL, "h3", T0.minusSeconds(100));
    DataRecord fresh = record("688981", DataType.FINANCIAL, "h4", T0);
    store.upsertAll(List.of(fresh, old, oldest, older));

    assertThat(store.keysFetchedBefore(T0, 10))
        .containsExactly(oldest.key(), older.key(), old.key());
    assertThat(store.keysFetchedBefore(T0, 2)).containsExactly(oldest.key(), older.key());
    assertThat(store.keysFetchedBefore(T0.minusSeconds(300), 10)).isEmpty();
  }

  @Test
  void shouldDeleteAndCountOnlyTheKeysThatExisted() {
    DataRecord a = record("600519", DataType.FINANCIAL, "h1", T0);
    DataRecord b = record("600519", DataType.SHAREHOLDERS, "h2", T0);
    store.upsertAll(List.of(a, b));

    int deleted = store.deleteAll(List.of(a.key(), new DataKey("000001", DataType.FINANCIAL)));

    assertThat(deleted).isEqualTo(1);
    assertThat(store.get(a.key())).isEmpty();
    assertThat(store.keys()).containsExactly(b.key());
    assertThat(store.deleteAll(List.of(a.key()))).isZero();
    assertThat(store.upsertAll(List.of(a))).as("a deleted key is new again")
        .containsExactly(a.key());
  }

  @Test
  void shouldListEveryKeyByStockThenType() {
    store.upsertAll(List.of(
        record("600519", DataType.SHAREHOLDERS, "h1", T0),
        record("000001", DataType.FINANCIAL, "h2", T0),
        record("600519", DataType.FINANCIAL, "h3", T0)));

    assertThat(store.keys()).containsExactly(
        new DataKey("000001", DataType.FINANCIAL),
        new DataKey("600519", DataType.FINANCIAL),
        new DataKey("600519", DataType.SHAREHOLDERS));
  }

  @Test
  void shouldRejectAPayloadThatIsNotJsonAndStayUnchanged() {
    DataRecord good = record("600519", DataType.FINANCIAL, "h1", T0);
    store.upsertAll(List.of(good));
    DataRecord bad = new DataRecord(new DataKey("000001", DataType.FINANCIAL), "{not json", "h2",
        T0, "akshare", false);
    DataRecord changedGood = record("600519", DataType.FINANCIAL, "h9", T0.plusSeconds(1));

    assertThatThrownBy(() -> store.upsertAll(List.of(changedGood, bad)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("payload");

    assertThat(store.keys()).containsExactly(good.key());
    assertSameRecord(store.get(good.key()).orElseThrow(), good);
  }

  @Test
  void shouldRejectALimitBelowOne() {
    assertThatThrownBy(() -> store.keysFetchedBefore(T0, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void shouldKeepEveryRecordWhenThreadsUpsertAtOnce() throws Exception {
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<DataKey>>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        List<DataRecord> batch = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          // every thread writes the shared stock and 25 of its own
          batch.add(record("600519", "type_" + t, "h", T0));
          batch.add(record(String.format("%06d", 300000 + t * 100 + i), DataType.FINANCIAL, "h",
              T0));
        }
        Callable<List<DataKey>> write = () -> {
          start.await();
          return store.upsertAll(batch);
        };
        results.add(pool.submit(write));
      }
      int changed = 0;
      for (Future<List<DataKey>> f : results) {
        changed += f.get(60, TimeUnit.SECONDS).size();
      }
      assertThat(changed).isEqualTo(threads * 26);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.keys()).hasSize(threads * 26);
  }

  @Test
  void shouldUpsertALargeBatchAndReportOnlyItsChanges() {
    // 2,500 records (500 stocks, 5 types each): more than one statement's worth in PostgreSQL
    List<DataRecord> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      for (int t = 0; t < 5; t++) {
        batch.add(record(String.format("%06d", 600000 + i), "type_" + t, "h" + i, T0));
      }
    }
    assertThat(store.upsertAll(batch)).hasSize(2500);

    List<DataRecord> again = new ArrayList<>(batch);
    DataRecord changed = record("600400", "type_3", "changed", T0.plusSeconds(1));
    again.set(2003, changed);
    again.set(7, record("600001", "type_2", "h1", T0.plusSeconds(1))); // same hash, newer
    assertThat(again.get(2003).key()).isEqualTo(changed.key());
    assertThat(store.upsertAll(again)).containsExactly(changed.key());
    assertThat(store.keys()).hasSize(2500);
    assertThat(store.get(changed.key()).map(DataRecord::contentHash))
        .isEqualTo(Optional.of("changed"));
    assertThat(store.get(new DataKey("600001", "type_2")).map(DataRecord::fetchedAt))
        .contains(T0.plusSeconds(1));
    assertThat(store.getAll(batch.stream().map(DataRecord::key).toList())).hasSize(2500);
  }
}
