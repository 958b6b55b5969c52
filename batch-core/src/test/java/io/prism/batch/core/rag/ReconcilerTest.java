package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VersionStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  private static final DataKey KEY = new DataKey("600519", DataType.FINANCIAL);
  private static final String COLLECTION = "prism_financial";

  private final RagTestKit kit = new RagTestKit();

  @AfterEach
  void close() {
    kit.close();
  }

  private SyncResult sync(String code, String type, int variant) {
    kit.store(kit.changed(code, type, variant));
    return kit.sync.sync(new DataKey(code, type));
  }

  @Test
  void shouldReportAConsistentIndex() {
    sync("600519", DataType.FINANCIAL, 1);
    sync("000001", DataType.ANNOUNCEMENTS, 1);

    ReconcileReport r = kit.reconciler().check();

    assertThat(r.consistent()).isTrue();
    assertThat(r.applied()).isFalse();
    assertThat(r.collection(COLLECTION).orElseThrow().expected())
        .isEqualTo(r.collection(COLLECTION).orElseThrow().stored()).isPositive();
    assertThat(r.collections()).extracting(ReconcileReport.CollectionReport::collection)
        .contains("prism_daily_quotes", "prism_longhubang", COLLECTION, "prism_announcements");
  }

  @Test
  void shouldRestoreAVectorDeletedBehindTheLedgersBack() {
    SyncResult v = sync("600519", DataType.FINANCIAL, 1);
    List<String> ids = new ArrayList<>(kit.mappedIds(v.versionId()));
    VectorEntry before = kit.realVectors.get(COLLECTION, List.of(ids.get(1))).get(0);
    kit.realVectors.delete(COLLECTION, List.of(ids.get(1)));
    kit.embedder.reset();

    ReconcileReport check = kit.reconciler().check();
    ReconcileReport repair = kit.reconciler().repair();

    assertThat(check.missing()).isEqualTo(1);
    assertThat(check.repaired()).isZero();
    assertThat(repair.missing()).isEqualTo(1);
    assertThat(repair.repaired()).isEqualTo(1);
    assertThat(kit.embedder.texts()).isEqualTo(1);
    VectorEntry after = kit.realVectors.get(COLLECTION, List.of(ids.get(1))).get(0);
    assertThat(after.text()).isEqualTo(before.text());
    assertThat(after.vector()).containsExactly(before.vector());
    assertThat(after.metadata()).isEqualTo(before.metadata());
    assertThat(kit.reconciler().check().consistent()).isTrue();
  }

  @Test
  void shouldRemoveAnOrphanedVector() {
    sync("600519", DataType.FINANCIAL, 1);
    kit.realVectors.upsert(COLLECTION, List.of(new VectorEntry("stray", BigramEmbedder.vector("x"),
        "孤立的向量", Map.of("stock_code", "600519", "version_id", "no-such-version"))));
    kit.realVectors.upsert(COLLECTION, List.of(new VectorEntry("stray2",
        BigramEmbedder.vector("y"), "无元数据", Map.of())));

    ReconcileReport r = kit.reconciler().repair();

    assertThat(r.collection(COLLECTION).orElseThrow().orphaned()).isEqualTo(2);
    assertThat(r.removed()).isEqualTo(2);
    assertThat(kit.ids(COLLECTION)).doesNotContain("stray", "stray2");
    assertThat(kit.reconciler().check().consistent()).isTrue();
  }

  @Test
  void shouldKeepTheVectorsOfAPendingVersionBeingWrittenAndAbandonOldOnes() {
    SyncResult v1 = sync("600519", DataType.FINANCIAL, 1);
    kit.vectors.crashAfter(FaultyVectorStore.Op.UPSERT);
    try {
      sync("600519", DataType.FINANCIAL, 2);
    } catch (FaultyVectorStore.SimulatedCrash expected) {
      // the sync stopped after its upsert
    }
    kit.vectors.heal();
    DataVersion pending = kit.versions.history(KEY).get(0);
    int pendingVectors = kit.realVectors.ids(COLLECTION,
        Map.of("version_id", pending.versionId())).size();

    ReconcileReport young = kit.reconciler().repair();
    kit.clock.advance(Duration.ofHours(2));
    ReconcileReport old = kit.reconciler().repair();

    assertThat(young.orphaned()).isZero();
    assertThat(young.abandonedPending()).isZero();
    assertThat(old.abandonedPending()).isEqualTo(1);
    assertThat(pendingVectors).isPositive();
    assertThat(old.orphaned()).isEqualTo(pendingVectors);
    assertThat(kit.versions.get(pending.versionId()).orElseThrow().status())
        .isEqualTo(VersionStatus.FAILED);
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(v1.versionId());
  }

  @Test
  void shouldNotReembedVectorsOfAnotherModel() {
    SyncResult v = sync("600519", DataType.FINANCIAL, 1);
    String id = kit.mappedIds(v.versionId()).iterator().next();
    kit.realVectors.delete(COLLECTION, List.of(id));

    ReconcileReport r = Reconciler.builder().vectorStore(kit.vectors).versionStore(kit.versions)
        .embedder(new BigramEmbedder("another-model")).build().repair();

    assertThat(r.missing()).isEqualTo(1);
    assertThat(r.repaired()).isZero();
    assertThat(r.collection(COLLECTION).orElseThrow().unrepairable()).isEqualTo(1);
  }

  @Test
  void shouldFindChangedTextWhenAskedToVerify() {
    SyncResult v = sync("600519", DataType.FINANCIAL, 1);
    String id = kit.mappedIds(v.versionId()).iterator().next();
    VectorEntry e = kit.realVectors.get(COLLECTION, List.of(id)).get(0);
    kit.realVectors.upsert(COLLECTION, List.of(new VectorEntry(id, e.vector(), "被改写的文本",
        e.metadata())));
    Reconciler verifying = Reconciler.builder().vectorStore(kit.vectors)
        .versionStore(kit.versions).embedder(kit.embedder).verifyText(true).build();

    assertThat(kit.reconciler().check().consistent()).isTrue();
    ReconcileReport r = verifying.repair();

    assertThat(r.mismatched()).isEqualTo(1);
    assertThat(r.repaired()).isEqualTo(1);
    assertThat(kit.realVectors.get(COLLECTION, List.of(id)).get(0).text())
        .isEqualTo(e.text());
  }

  @Test
  void shouldArchiveOldDeprecatedVersionsAndDeleteTheirLeftoverVectors() {
    SyncResult v1 = sync("600519", DataType.FINANCIAL, 1);
    kit.vectors.failOn(FaultyVectorStore.Op.DELETE);
    SyncResult v2 = sync("600519", DataType.FINANCIAL, 2);
    kit.vectors.heal();
    kit.clock.advance(Duration.ofDays(8));

    List<DataVersion> archived = kit.reconciler()
        .archiveDeprecatedBefore(kit.clock.instant().minus(Duration.ofDays(7)));

    assertThat(archived).extracting(DataVersion::versionId).containsExactly(v1.versionId());
    assertThat(kit.versions.get(v1.versionId()).orElseThrow().status())
        .isEqualTo(VersionStatus.ARCHIVED);
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(v2.versionId());
  }

  @Test
  void shouldNeedAnEmbedderToRepair() {
    Reconciler checkOnly = Reconciler.builder().vectorStore(kit.vectors)
        .versionStore(kit.versions).build();

    assertThat(checkOnly.check().consistent()).isTrue();
    assertThatThrownBy(checkOnly::repair).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("embedder");
  }
}
