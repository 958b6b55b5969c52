package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link VersionStore} must have. An implementation's test extends this class
 * and returns a new, empty store on the given clock from {@link #newStore(Clock)}; every test
 * gets its own store, closed afterwards. The clock starts at {@link #T0} and only moves when a
 * test advances it.
 */
public abstract class VersionStoreContract {
  /** The instant the clock starts at. */
  protected static final Instant T0 = Instant.parse("2025-05-23T07:00:00Z");
  /** A key most tests use. */
  protected static final DataKey KEY = new DataKey("600519", DataType.FINANCIAL);
  /** Another key. */
  protected static final DataKey OTHER = new DataKey("000001", DataType.ANNOUNCEMENTS);
  /** A model id. */
  protected static final String MODEL = "bge-small-zh-v1.5";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The clock the store was built on. */
  protected SettableClock clock;
  /** The store under test. */
  protected VersionStore store;

  /**
   * Returns a new store holding no versions.
   *
   * @param clock the clock that stamps creation, activation and deprecation
   * @return the store
   */
  protected abstract VersionStore newStore(Clock clock);

  @BeforeEach
  void openStore() {
    clock = new SettableClock(T0);
    store = newStore(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** Creates a pending version of a key with a payload naming the hash. */
  protected DataVersion pending(DataKey key, String hash) {
    return store.createPending(key, hash, MODEL,
        "{\"stockCode\":\"" + key.stockCode() + "\",\"hash\":\"" + hash + "\",\"名称\":\"贵州茅台\"}");
  }

  /** Builds n mappings of a version in a collection. */
  protected static List<VectorMapping> mappings(DataVersion v, String collection, int n) {
    List<VectorMapping> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new VectorMapping(v.versionId(), v.key() + ":" + v.versionId() + ":" + i,
          collection, i, "第" + i + "段：营业总收入 1,234.56亿元。"));
    }
    return out;
  }

  /** Creates, maps and activates a version. */
  protected DataVersion activeVersion(DataKey key, String hash, int chunks) {
    DataVersion v = pending(key, hash);
    store.addMappings(v.versionId(), mappings(v, "prism_" + key.dataType(), chunks));
    return store.activate(v.versionId());
  }

  private VersionStatus status(DataVersion v) {
    return store.get(v.versionId()).orElseThrow().status();
  }

  // ------------------------------------------------------------------ create and read

  @Test
  void shouldCreateAPendingVersionWithItsFields() throws Exception {
    String payload = "{\"stockCode\":\"600519\",\"rows\":[{\"指标\":\"净利润\",\"20250331\":1.5}]}";

    DataVersion v = store.createPending(KEY, "h1", MODEL, payload);

    assertThat(v.status()).isEqualTo(VersionStatus.PENDING);
    assertThat(v.key()).isEqualTo(KEY);
    assertThat(v.dataHash()).isEqualTo("h1");
    assertThat(v.embeddingModel()).isEqualTo(MODEL);
    assertThat(v.chunkCount()).isZero();
    assertThat(v.createdAt()).isEqualTo(T0);
    assertThat(v.activatedAt()).isEmpty();
    assertThat(v.deprecatedAt()).isEmpty();
    assertThat(v.error()).isEmpty();
    assertThat(UUID.fromString(v.versionId()).toString()).isEqualTo(v.versionId());
    DataVersion read = store.get(v.versionId()).orElseThrow();
    assertThat(read.status()).isEqualTo(VersionStatus.PENDING);
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(JSON.readTree(read.sourceData())).isEqualTo(JSON.readTree(payload));
    assertThat(store.active(KEY)).isEmpty();
  }

  @Test
  void shouldGiveEveryVersionItsOwnId() {
    DataVersion a = pending(KEY, "h1");
    DataVersion b = pending(KEY, "h1");

    assertThat(a.versionId()).isNotEqualTo(b.versionId());
  }

  @Test
  void shouldRejectInvalidInputAtCreation() {
    assertThatThrownBy(() -> store.createPending(KEY, " ", MODEL, "{}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("dataHash");
    assertThatThrownBy(() -> store.createPending(KEY, "h", "", "{}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("embeddingModel");
    assertThatThrownBy(() -> store.createPending(KEY, "h", MODEL, "not json"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("sourceData");
  }

  @Test
  void shouldReturnEmptyForUnknownVersions() {
    assertThat(store.get(UUID.randomUUID().toString())).isEmpty();
    assertThat(store.get("not-a-uuid")).isEmpty();
    assertThat(store.mappings(UUID.randomUUID().toString())).isEmpty();
    assertThat(store.history(KEY)).isEmpty();
    assertThat(store.byStatus(VersionStatus.ACTIVE)).isEmpty();
  }

  @Test
  void shouldListHistoryNewestFirst() {
    DataVersion a = pending(KEY, "h1");
    clock.advance(Duration.ofSeconds(1));
    DataVersion b = pending(KEY, "h2");
    DataVersion c = pending(KEY, "h3"); // same instant as b
    pending(OTHER, "x");

    assertThat(store.history(KEY)).extracting(DataVersion::versionId)
        .containsExactly(c.versionId(), b.versionId(), a.versionId());
  }

  // ------------------------------------------------------------------ mappings

  @Test
  void shouldRecordMappingsByChunkIndexAndCountThem() {
    DataVersion v = pending(KEY, "h1");
    List<VectorMapping> ms = new ArrayList<>(mappings(v, "prism_financial", 3));
    java.util.Collections.reverse(ms);

    store.addMappings(v.versionId(), ms);

    assertThat(store.mappings(v.versionId())).extracting(VectorMapping::chunkIndex)
        .containsExactly(0, 1, 2);
    assertThat(store.mappings(v.versionId()).get(1)).isEqualTo(mappings(v, "prism_financial", 3)
        .get(1));
    assertThat(store.get(v.versionId()).orElseThrow().chunkCount()).isEqualTo(3);
  }

  @Test
  void shouldReplaceMappingsRecordedBeforeForAPendingVersion() {
    DataVersion v = pending(KEY, "h1");
    store.addMappings(v.versionId(), mappings(v, "prism_financial", 3));

    store.addMappings(v.versionId(), mappings(v, "prism_financial", 2));

    assertThat(store.mappings(v.versionId())).hasSize(2);
    assertThat(store.get(v.versionId()).orElseThrow().chunkCount()).isEqualTo(2);
  }

  @Test
  void shouldRefuseMappingsForAnUnknownOrNonPendingVersion() {
    DataVersion v = activeVersion(KEY, "h1", 1);

    assertThatThrownBy(() -> store.addMappings(v.versionId(), mappings(v, "prism_financial", 2)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("versionId");
    String unknown = UUID.randomUUID().toString();
    assertThatThrownBy(() -> store.addMappings(unknown, List.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("versionId");
  }

  @Test
  void shouldRefuseMappingsOfAnotherVersionOrWithRepeatedChunks() {
    DataVersion a = pending(KEY, "h1");
    DataVersion b = pending(KEY, "h2");

    assertThatThrownBy(() -> store.addMappings(a.versionId(), mappings(b, "prism_financial", 1)))
        .isInstanceOf(InvalidInputException.class);
    VectorMapping m = mappings(a, "prism_financial", 1).get(0);
    VectorMapping again = new VectorMapping(a.versionId(), "other-id", "prism_financial", 0, "x");
    assertThatThrownBy(() -> store.addMappings(a.versionId(), List.of(m, again)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("chunkIndex");
    assertThat(store.mappings(a.versionId())).isEmpty();
  }

  @Test
  void shouldRefuseAVectorMappedByAnotherVersion() {
    DataVersion a = pending(KEY, "h1");
    DataVersion b = pending(KEY, "h2");
    store.addMappings(a.versionId(), List.of(
        new VectorMapping(a.versionId(), "shared", "prism_financial", 0, "x")));

    assertThatThrownBy(() -> store.addMappings(b.versionId(), List.of(
        new VectorMapping(b.versionId(), "shared", "prism_financial", 0, "x"))))
        .isInstanceOf(InvalidInputException.class);
    store.addMappings(b.versionId(), List.of(
        new VectorMapping(b.versionId(), "shared", "prism_announcements", 0, "x")));
    assertThat(store.mappings(b.versionId())).hasSize(1);
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void shouldActivateAPendingVersion() {
    DataVersion v = pending(KEY, "h1");
    clock.advance(Duration.ofMinutes(1));

    DataVersion a = store.activate(v.versionId());

    assertThat(a.status()).isEqualTo(VersionStatus.ACTIVE);
    assertThat(a.activatedAt()).contains(T0.plus(Duration.ofMinutes(1)));
    assertThat(store.active(KEY).orElseThrow().versionId()).isEqualTo(v.versionId());
    assertThat(store.get(v.versionId()).orElseThrow().activatedAt())
        .contains(T0.plus(Duration.ofMinutes(1)));
  }

  @Test
  void shouldDeprecateTheOldVersionWhenANewOneIsActivated() {
    DataVersion old = activeVersion(KEY, "h1", 2);
    DataVersion next = pending(KEY, "h2");
    clock.advance(Duration.ofMinutes(5));

    store.activate(next.versionId());

    DataVersion o = store.get(old.versionId()).orElseThrow();
    assertThat(o.status()).isEqualTo(VersionStatus.DEPRECATED);
    assertThat(o.deprecatedAt()).contains(T0.plus(Duration.ofMinutes(5)));
    assertThat(store.mappings(old.versionId())).hasSize(2);
    assertThat(store.active(KEY).orElseThrow().versionId()).isEqualTo(next.versionId());
    assertThat(store.byStatus(VersionStatus.ACTIVE)).extracting(DataVersion::versionId)
        .containsExactly(next.versionId());
  }

  @Test
  void shouldKeepAtMostOneActiveVersionPerKeyOverManyChanges() {
    List<DataVersion> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      all.add(activeVersion(KEY, "h" + i, 1));
    }
    DataVersion otherKey = activeVersion(OTHER, "x", 1);

    assertThat(store.history(KEY)).filteredOn(v -> v.status() == VersionStatus.ACTIVE)
        .extracting(DataVersion::versionId).containsExactly(all.get(4).versionId());
    assertThat(store.history(KEY)).filteredOn(v -> v.status() == VersionStatus.DEPRECATED)
        .hasSize(4);
    assertThat(store.active(OTHER).orElseThrow().versionId()).isEqualTo(otherKey.versionId());
    assertThat(store.byStatus(VersionStatus.ACTIVE)).hasSize(2);
  }

  @Test
  void shouldTreatActivatingTheActiveVersionAsDone() {
    DataVersion v = activeVersion(KEY, "h1", 1);
    clock.advance(Duration.ofMinutes(1));

    DataVersion again = store.activate(v.versionId());

    assertThat(again.status()).isEqualTo(VersionStatus.ACTIVE);
    assertThat(again.activatedAt()).contains(T0);
  }

  @Test
  void shouldRefuseToActivateUnknownFailedOrArchivedVersions() {
    DataVersion failed = pending(KEY, "h1");
    store.markFailed(failed.versionId(), "embedder down");
    DataVersion old = activeVersion(OTHER, "a", 1);
    activeVersion(OTHER, "b", 1);
    clock.advance(Duration.ofDays(8));
    store.archiveDeprecatedBefore(clock.instant());

    assertThatThrownBy(() -> store.activate(failed.versionId()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("versionId");
    assertThatThrownBy(() -> store.activate(old.versionId()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("versionId");
    assertThatThrownBy(() -> store.activate(UUID.randomUUID().toString()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("versionId");
    assertThat(store.active(KEY)).isEmpty();
  }

  @Test
  void shouldMarkAPendingVersionFailedAndLeaveTheActiveOneAlone() {
    DataVersion active = activeVersion(KEY, "h1", 1);
    DataVersion next = pending(KEY, "h2");

    store.markFailed(next.versionId(), "upsert failed: timeout");

    DataVersion f = store.get(next.versionId()).orElseThrow();
    assertThat(f.status()).isEqualTo(VersionStatus.FAILED);
    assertThat(f.error()).contains("upsert failed: timeout");
    assertThat(store.active(KEY).orElseThrow().versionId()).isEqualTo(active.versionId());
    assertThat(store.byStatus(VersionStatus.FAILED)).extracting(DataVersion::versionId)
        .containsExactly(next.versionId());
  }

  @Test
  void shouldKeepTheFirstErrorWhenFailedTwiceAndRefuseToFailAnActiveVersion() {
    DataVersion v = pending(KEY, "h1");
    store.markFailed(v.versionId(), "first");
    store.markFailed(v.versionId(), "second");
    DataVersion active = activeVersion(OTHER, "x", 1);

    assertThat(store.get(v.versionId()).orElseThrow().error()).contains("first");
    assertThatThrownBy(() -> store.markFailed(active.versionId(), "no"))
        .isInstanceOf(InvalidInputException.class);
    assertThat(status(active)).isEqualTo(VersionStatus.ACTIVE);
  }

  @Test
  void shouldRollBackToTheNewestDeprecatedVersion() {
    DataVersion v1 = activeVersion(KEY, "h1", 1);
    clock.advance(Duration.ofMinutes(1));
    DataVersion v2 = activeVersion(KEY, "h2", 1);
    clock.advance(Duration.ofMinutes(1));
    DataVersion v3 = activeVersion(KEY, "h3", 1);
    clock.advance(Duration.ofMinutes(1));

    DataVersion back = store.rollback(KEY).orElseThrow();

    assertThat(back.versionId()).isEqualTo(v2.versionId());
    assertThat(back.status()).isEqualTo(VersionStatus.ACTIVE);
    assertThat(back.deprecatedAt()).isEmpty();
    assertThat(status(v3)).isEqualTo(VersionStatus.DEPRECATED);
    assertThat(status(v1)).isEqualTo(VersionStatus.DEPRECATED);
    assertThat(store.active(KEY).orElseThrow().versionId()).isEqualTo(v2.versionId());
    assertThat(store.mappings(v2.versionId())).hasSize(1);
  }

  @Test
  void shouldReturnEmptyWhenThereIsNothingToRollBackTo() {
    assertThat(store.rollback(KEY)).isEmpty();
    DataVersion only = activeVersion(KEY, "h1", 1);

    assertThat(store.rollback(KEY)).isEmpty();
    assertThat(store.active(KEY).orElseThrow().versionId()).isEqualTo(only.versionId());
  }

  @Test
  void shouldReactivateADeprecatedVersionDirectly() {
    DataVersion v1 = activeVersion(KEY, "h1", 1);
    DataVersion v2 = activeVersion(KEY, "h2", 1);

    store.activate(v1.versionId());

    assertThat(status(v1)).isEqualTo(VersionStatus.ACTIVE);
    assertThat(status(v2)).isEqualTo(VersionStatus.DEPRECATED);
  }

  @Test
  void shouldArchiveVersionsDeprecatedBeforeTheCutoffAndDropTheirMappings() {
    DataVersion v1 = activeVersion(KEY, "h1", 2);
    DataVersion v2 = activeVersion(KEY, "h2", 2); // v1 deprecated at T0
    clock.advance(Duration.ofDays(10));
    DataVersion v3 = activeVersion(KEY, "h3", 2); // v2 deprecated at T0 + 10 d

    List<DataVersion> archived = store.archiveDeprecatedBefore(T0.plus(Duration.ofDays(7)));

    assertThat(archived).extracting(DataVersion::versionId).containsExactly(v1.versionId());
    assertThat(archived.get(0).status()).isEqualTo(VersionStatus.ARCHIVED);
    assertThat(status(v1)).isEqualTo(VersionStatus.ARCHIVED);
    assertThat(store.mappings(v1.versionId())).isEmpty();
    assertThat(status(v2)).isEqualTo(VersionStatus.DEPRECATED);
    assertThat(store.mappings(v2.versionId())).hasSize(2);
    assertThat(status(v3)).isEqualTo(VersionStatus.ACTIVE);
    assertThat(store.archiveDeprecatedBefore(T0.plus(Duration.ofDays(7)))).isEmpty();
  }

  @Test
  void shouldNeverArchiveActivePendingOrFailedVersions() {
    activeVersion(KEY, "h1", 1);
    pending(KEY, "h2");
    DataVersion f = pending(OTHER, "x");
    store.markFailed(f.versionId(), "boom");
    clock.advance(Duration.ofDays(365));

    assertThat(store.archiveDeprecatedBefore(clock.instant())).isEmpty();
  }

  @Test
  void shouldFilterIdsDownToActiveVersionsInOneCall() {
    DataVersion v1 = activeVersion(KEY, "h1", 1);
    DataVersion v2 = activeVersion(KEY, "h2", 1);
    DataVersion p = pending(KEY, "h3");
    DataVersion other = activeVersion(OTHER, "x", 1);

    Set<String> active = store.activeAmong(List.of(v1.versionId(), v2.versionId(),
        p.versionId(), other.versionId(), UUID.randomUUID().toString(), "not-a-uuid"));

    assertThat(active).containsExactlyInAnyOrder(v2.versionId(), other.versionId());
    assertThat(store.activeAmong(List.of())).isEmpty();
  }

  @Test
  void shouldListVersionsByStatus() {
    DataVersion v1 = activeVersion(KEY, "h1", 1);
    DataVersion v2 = activeVersion(KEY, "h2", 1);
    DataVersion p = pending(OTHER, "p");

    assertThat(store.byStatus(VersionStatus.DEPRECATED)).extracting(DataVersion::versionId)
        .containsExactly(v1.versionId());
    assertThat(store.byStatus(VersionStatus.ACTIVE)).extracting(DataVersion::versionId)
        .containsExactly(v2.versionId());
    assertThat(store.byStatus(VersionStatus.PENDING)).extracting(DataVersion::versionId)
        .containsExactly(p.versionId());
    assertThat(store.byStatus(VersionStatus.ARCHIVED)).isEmpty();
  }

  @Test
  void shouldKeepOneActiveVersionWhenTwoAreActivatedAtOnce() throws Exception {
    for (int round = 0; round < 20; round++) {
      DataVersion a = pending(KEY, "a" + round);
      DataVersion b = pending(KEY, "b" + round);
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Callable<DataVersion> ca = () -> {
          start.await();
          return store.activate(a.versionId());
        };
        Callable<DataVersion> cb = () -> {
          start.await();
          return store.activate(b.versionId());
        };
        Future<DataVersion> fa = pool.submit(ca);
        Future<DataVersion> fb = pool.submit(cb);
        fa.get();
        fb.get();
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.history(KEY)).filteredOn(v -> v.status() == VersionStatus.ACTIVE)
          .hasSize(1);
      assertThat(store.byStatus(VersionStatus.ACTIVE)).hasSize(1);
    }
  }
}
