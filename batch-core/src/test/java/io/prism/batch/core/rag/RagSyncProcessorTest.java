package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.Task;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.core.rag.FaultyVectorStore.SimulatedCrash;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RagSyncProcessorTest {
  private static final String CODE = "600519";
  private static final DataKey KEY = new DataKey(CODE, DataType.FINANCIAL);
  private static final String COLLECTION = "prism_financial";

  @TempDir Path dir;
  private RagTestKit kit = new RagTestKit();

  @AfterEach
  void close() {
    kit.close();
  }

  private SyncResult syncVariant(int variant) {
    DataRecord r = kit.changed(CODE, DataType.FINANCIAL, variant);
    kit.store(r);
    return kit.sync.sync(KEY);
  }

  private List<String> queriedVersions() {
    return kit.query().search(RagQuery.request("贵州茅台的净利润和营业总收入")
        .dataTypes(DataType.FINANCIAL).stockCodes(CODE).topK(100).build())
        .stream().map(RagHit::versionId).distinct().toList();
  }

  // ------------------------------------------------------------------ the happy path

  @Test
  void shouldLeaveOneActiveVersionWithOnlyItsVectorsAfterThreeChanges() {
    SyncResult v1 = syncVariant(1);
    SyncResult v2 = syncVariant(2);
    SyncResult v3 = syncVariant(3);

    assertThat(List.of(v1.status(), v2.status(), v3.status())).containsOnly(SyncResult.Status.SYNCED);
    assertThat(v2.previousVersionId()).contains(v1.versionId());
    assertThat(v3.previousVersionId()).contains(v2.versionId());
    List<DataVersion> history = kit.versions.history(KEY);
    assertThat(history).extracting(DataVersion::versionId)
        .containsExactly(v3.versionId(), v2.versionId(), v1.versionId());
    assertThat(history).extracting(DataVersion::status).containsExactly(
        VersionStatus.ACTIVE, VersionStatus.DEPRECATED, VersionStatus.DEPRECATED);
    assertThat(kit.ids(COLLECTION)).isEqualTo(kit.mappedIds(v3.versionId())).hasSize(v3.chunks());
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(v3.versionId());
    assertThat(v3.chunks()).isGreaterThan(3);
    assertThat(history.get(0).chunkCount()).isEqualTo(v3.chunks());
    assertThat(queriedVersions()).containsExactly(v3.versionId());
  }

  @Test
  void shouldStoreChunksWithTheirMetadataAndDeterministicIds() {
    SyncResult r = syncVariant(0);

    var entries = kit.realVectors.get(COLLECTION, kit.ids(COLLECTION));
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.metadata()).containsEntry("stock_code", CODE)
          .containsEntry("data_type", DataType.FINANCIAL)
          .containsEntry("version_id", r.versionId());
      int index = ((Number) e.metadata().get("chunk_index")).intValue();
      assertThat(e.id()).isEqualTo(RagSyncProcessor.vectorId(KEY, r.versionId(), index));
      assertThat(e.text()).startsWith("贵州茅台（600519.SH）财务摘要\n");
    });
    assertThat(kit.realVersions.mappings(r.versionId())).allSatisfy(m ->
        assertThat(kit.realVectors.get(COLLECTION, List.of(m.vectorId())).get(0).text())
            .isEqualTo(m.chunkText()));
  }

  @Test
  void shouldNotEmbedAnUnchangedRecordEvenWhenItsFetchTimeChanged() {
    SyncResult first = syncVariant(0);
    kit.embedder.reset();
    int upserts = kit.vectors.upserts();
    kit.clock.advance(java.time.Duration.ofDays(1));

    SyncResult again = syncVariant(0);

    assertThat(again.status()).isEqualTo(SyncResult.Status.UNCHANGED);
    assertThat(again.versionId()).isEqualTo(first.versionId());
    assertThat(again.embedded()).isZero();
    assertThat(kit.embedder.calls()).isZero();
    assertThat(kit.vectors.upserts()).isEqualTo(upserts);
    assertThat(kit.versions.history(KEY)).hasSize(1);
    assertThat(kit.sync.isDone(RagSyncProcessor.task(KEY))).isTrue();
    assertThat(kit.embedder.calls()).isZero();
  }

  @Test
  void shouldReembedWhenTheModelOrTheChunkerChangesAndOnlyThen() {
    DataRecord r = kit.changed(CODE, DataType.FINANCIAL, 0);
    kit.store(r);
    kit.sync.sync(KEY);

    RagSyncProcessor otherModel = RagSyncProcessor.builder()
        .embedder(new BigramEmbedder("fake-bigram-v2")).vectorStore(kit.vectors)
        .versionStore(kit.versions).recordStore(kit.records)
        .renderer(MarketDocumentRenderer.builder().stockNames(RagTestKit.NAMES).build()).build();
    RagSyncProcessor otherChunker = RagSyncProcessor.builder()
        .embedder(kit.embedder).vectorStore(kit.vectors).versionStore(kit.versions)
        .recordStore(kit.records).chunker(Chunker.builder().maxTokens(256).build())
        .renderer(MarketDocumentRenderer.builder().stockNames(RagTestKit.NAMES).build()).build();
    RagSyncProcessor otherBatching = RagSyncProcessor.builder()
        .embedder(kit.embedder).vectorStore(kit.vectors).versionStore(kit.versions)
        .recordStore(kit.records).batchSize(7).embedBatchSize(3)
        .renderer(MarketDocumentRenderer.builder().stockNames(RagTestKit.NAMES).build()).build();

    assertThat(otherModel.sync(KEY).status()).isEqualTo(SyncResult.Status.SYNCED);
    assertThat(kit.versions.active(KEY).orElseThrow().embeddingModel()).isEqualTo("fake-bigram-v2");
    assertThat(otherChunker.sync(KEY).status()).isEqualTo(SyncResult.Status.SYNCED);
    assertThat(otherChunker.sync(KEY).status()).isEqualTo(SyncResult.Status.UNCHANGED);
    assertThat(otherBatching.sync(KEY).status()).isEqualTo(SyncResult.Status.SYNCED);
    assertThat(otherBatching.sync(KEY).status()).isEqualTo(SyncResult.Status.UNCHANGED);
  }

  // ------------------------------------------------------------------ failures

  /** The steps a failure is injected at. */
  enum Step { EMBED, UPSERT, MAPPINGS, ACTIVATE, CREATE_PENDING }

  @ParameterizedTest
  @EnumSource(Step.class)
  void shouldKeepTheOldVersionActiveAndQueryableWhenAStepFails(Step step) {
    SyncResult v1 = syncVariant(1);
    Set<String> v1Vectors = kit.ids(COLLECTION);
    switch (step) {
      case EMBED -> kit.embedder.failAlways();
      case UPSERT -> kit.vectors.failOn(FaultyVectorStore.Op.UPSERT);
      case MAPPINGS -> kit.versions.failOn(FaultyVersionStore.Op.ADD_MAPPINGS);
      case ACTIVATE -> kit.versions.failOn(FaultyVersionStore.Op.ACTIVATE);
      case CREATE_PENDING -> kit.versions.failOn(FaultyVersionStore.Op.CREATE_PENDING);
    }

    assertThatThrownBy(() -> syncVariant(2)).hasMessageContaining("injected");

    assertThat(kit.versions.active(KEY).orElseThrow().versionId()).isEqualTo(v1.versionId());
    assertThat(kit.ids(COLLECTION)).isEqualTo(v1Vectors);
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(v1.versionId());
    assertThat(queriedVersions()).containsExactly(v1.versionId());
    List<DataVersion> history = kit.versions.history(KEY);
    if (step == Step.CREATE_PENDING) {
      assertThat(history).hasSize(1);
    } else {
      assertThat(history).hasSize(2);
      DataVersion failed = history.get(0);
      assertThat(failed.status()).isEqualTo(VersionStatus.FAILED);
      assertThat(failed.error().orElseThrow()).contains("injected");
    }

    kit.embedder.heal();
    kit.vectors.heal();
    kit.versions.heal();
    SyncResult v2 = kit.sync.sync(KEY);
    assertThat(v2.status()).isEqualTo(SyncResult.Status.SYNCED);
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(v2.versionId());
    assertThat(queriedVersions()).containsExactly(v2.versionId());
  }

  @Test
  void shouldActivateAndReportWhenOnlyTheCleanupFails() {
    SyncResult v1 = syncVariant(1);
    kit.vectors.failOn(FaultyVectorStore.Op.DELETE);

    SyncResult v2 = syncVariant(2);

    assertThat(v2.status()).isEqualTo(SyncResult.Status.SYNCED);
    assertThat(v2.cleanupError()).isPresent();
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactlyInAnyOrder(v1.versionId(),
        v2.versionId());
    assertThat(queriedVersions()).containsExactly(v2.versionId());
    kit.vectors.heal();
    ReconcileReport report = kit.reconciler().repair();
    assertThat(report.orphaned()).isEqualTo(kit.mappedIds(v1.versionId()).size());
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(v2.versionId());
  }

  // ------------------------------------------------------------------ crash recovery

  @Test
  void shouldCompleteAVersionLeftPendingByACrashWithoutEmbeddingItAgain() {
    kit.close();
    kit = new RagTestKit(dir, new BigramEmbedder(), RagSyncProcessor.builder());
    SyncResult v1 = syncVariant(1);
    kit.vectors.crashAfter(FaultyVectorStore.Op.UPSERT);
    assertThatThrownBy(() -> syncVariant(2)).isInstanceOf(SimulatedCrash.class);
    DataVersion pending = kit.versions.history(KEY).get(0);
    assertThat(pending.status()).isEqualTo(VersionStatus.PENDING);
    assertThat(kit.versions.active(KEY).orElseThrow().versionId()).isEqualTo(v1.versionId());
    assertThat(queriedVersions()).containsExactly(v1.versionId());
    kit.close();

    BigramEmbedder fresh = new BigramEmbedder();
    kit = new RagTestKit(dir, fresh, RagSyncProcessor.builder());
    kit.store(kit.changed(CODE, DataType.FINANCIAL, 2));
    SyncResult resumed = kit.sync.sync(KEY);

    assertThat(resumed.status()).isEqualTo(SyncResult.Status.SYNCED);
    assertThat(resumed.versionId()).isEqualTo(pending.versionId());
    assertThat(resumed.reused()).isEqualTo(resumed.chunks());
    assertThat(resumed.embedded()).isZero();
    assertThat(fresh.calls()).isZero();
    assertThat(kit.versions.get(v1.versionId()).orElseThrow().status())
        .isEqualTo(VersionStatus.DEPRECATED);
    assertThat(kit.ids(COLLECTION)).isEqualTo(kit.mappedIds(pending.versionId()));
    assertThat(queriedVersions()).containsExactly(pending.versionId());
  }

  @Test
  void shouldAbandonAPendingVersionOfOlderContentAndSyncTheNewest() {
    SyncResult v1 = syncVariant(1);
    kit.vectors.crashAfter(FaultyVectorStore.Op.UPSERT);
    assertThatThrownBy(() -> syncVariant(2)).isInstanceOf(SimulatedCrash.class);
    DataVersion stale = kit.versions.history(KEY).get(0);
    kit.vectors.heal();

    SyncResult v3 = syncVariant(3);

    assertThat(v3.versionId()).isNotEqualTo(stale.versionId());
    assertThat(v3.previousVersionId()).contains(v1.versionId());
    DataVersion abandoned = kit.versions.get(stale.versionId()).orElseThrow();
    assertThat(abandoned.status()).isEqualTo(VersionStatus.FAILED);
    assertThat(abandoned.error().orElseThrow()).contains("abandoned");
    assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(v3.versionId());
  }

  @Test
  void shouldReembedOnlyTheVectorsACrashLeftMissing() {
    SyncResult v1 = syncVariant(1);
    kit.vectors.crashAfter(FaultyVectorStore.Op.UPSERT);
    assertThatThrownBy(() -> syncVariant(2)).isInstanceOf(SimulatedCrash.class);
    kit.vectors.heal();
    DataVersion pending = kit.versions.history(KEY).get(0);
    List<String> some = new ArrayList<>(kit.realVectors.ids(COLLECTION,
        java.util.Map.of("version_id", pending.versionId())));
    kit.realVectors.delete(COLLECTION, some.subList(0, 2));
    kit.embedder.reset();

    SyncResult resumed = kit.sync.sync(KEY);

    assertThat(resumed.versionId()).isEqualTo(pending.versionId());
    assertThat(resumed.embedded()).isEqualTo(2);
    assertThat(resumed.reused()).isEqualTo(resumed.chunks() - 2);
    assertThat(kit.embedder.texts()).isEqualTo(2);
    assertThat(kit.ids(COLLECTION)).isEqualTo(kit.mappedIds(pending.versionId()));
    assertThat(v1.versionId()).isNotEqualTo(resumed.versionId());
  }

  // ------------------------------------------------------------------ queries mid-sync

  @Test
  void shouldNeverLetAQueryMidSyncSeeThePendingOrDeprecatedVersion() {
    SyncResult v1 = syncVariant(1);
    List<List<String>> seenMidSync = new CopyOnWriteArrayList<>();
    kit.vectors.afterUpsert(() -> seenMidSync.add(queriedVersions()));
    kit.vectors.failOn(FaultyVectorStore.Op.DELETE); // the deprecated vectors stay in the store

    SyncResult v2 = syncVariant(2);

    assertThat(seenMidSync).isNotEmpty().allSatisfy(v ->
        assertThat(v).containsExactly(v1.versionId()));
    assertThat(kit.versionIdsIn(COLLECTION)).contains(v1.versionId(), v2.versionId());
    assertThat(queriedVersions()).containsExactly(v2.versionId());
  }

  // ------------------------------------------------------------------ rollback and concurrency

  @Test
  void shouldRollBackToThePreviousVersionWithItsVectorsRestoredBeforeTheFlip() {
    SyncResult v1 = syncVariant(1);
    SyncResult v2 = syncVariant(2);
    kit.embedder.reset();
    List<List<String>> seenMidRollback = new CopyOnWriteArrayList<>();
    kit.vectors.afterUpsert(() -> seenMidRollback.add(queriedVersions()));

    SyncResult back = kit.sync.rollback(KEY).orElseThrow();

    assertThat(back.versionId()).isEqualTo(v1.versionId());
    assertThat(back.previousVersionId()).contains(v2.versionId());
    assertThat(back.embedded()).isEqualTo(v1.chunks());
    assertThat(seenMidRollback).isNotEmpty().allSatisfy(v ->
        assertThat(v).containsExactly(v2.versionId()));
    assertThat(kit.versions.active(KEY).orElseThrow().versionId()).isEqualTo(v1.versionId());
    assertThat(kit.versions.get(v2.versionId()).orElseThrow().status())
        .isEqualTo(VersionStatus.DEPRECATED);
    assertThat(kit.ids(COLLECTION)).isEqualTo(kit.mappedIds(v1.versionId()));
    assertThat(queriedVersions()).containsExactly(v1.versionId());
    assertThat(kit.reconciler().check().consistent()).isTrue();
    assertThat(kit.sync.sync(KEY).status()).isEqualTo(SyncResult.Status.SYNCED);
  }

  @Test
  void shouldReturnEmptyWhenThereIsNothingToRollBackTo() {
    assertThat(kit.sync.rollback(KEY)).isEmpty();
    syncVariant(1);
    assertThat(kit.sync.rollback(KEY)).isEmpty();
  }

  @Test
  void shouldLeaveOneActiveVersionAndOnlyItsVectorsWhenSyncsOfAKeyRace() throws Exception {
    List<DataRecord> contents = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      contents.add(kit.changed(CODE, DataType.FINANCIAL, i));
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
        List<java.util.concurrent.Future<SyncResult>> fs = new ArrayList<>();
        for (DataRecord r : contents) {
          fs.add(pool.submit(() -> {
            start.await();
            return kit.sync.sync(r);
          }));
        }
        for (var f : fs) {
          f.get();
        }
        DataVersion active = kit.versions.active(KEY).orElseThrow();
        assertThat(kit.versions.history(KEY))
            .filteredOn(v -> v.status() == VersionStatus.ACTIVE).hasSize(1);
        assertThat(kit.versions.history(KEY))
            .filteredOn(v -> v.status() == VersionStatus.PENDING).isEmpty();
        assertThat(kit.versionIdsIn(COLLECTION)).containsExactly(active.versionId());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ the batch form

  @Test
  void shouldEmbedAWholeGroupInOneCall() throws Exception {
    List<Task> tasks = new ArrayList<>();
    int expected = 0;
    for (String code : List.of("000001", "600519", "688469", "600919", "300059")) {
      DataRecord r = kit.changed(code, DataType.FINANCIAL, 0);
      kit.store(r);
      tasks.add(RagSyncProcessor.task(r.key()));
      expected += Chunker.defaults().chunk(MarketDocumentRenderer.builder()
          .stockNames(RagTestKit.NAMES).build()
          .render(r.key(), ContentHasher.defaults().canonical(r.payload()))).size();
    }

    List<String> out = kit.sync.processBatch(tasks, null);

    assertThat(out).hasSize(5).allSatisfy(o -> assertThat(o).contains("\"status\":\"synced\""));
    assertThat(kit.embedder.callSizes()).containsExactly(expected);
    assertThat(kit.vectors.upserts()).isEqualTo(1);
    assertThat(kit.versions.byStatus(VersionStatus.ACTIVE)).hasSize(5);
  }

  @Test
  void shouldSplitEmbeddingCallsAtTheConfiguredSize() {
    kit.close();
    kit = new RagTestKit(null, new BigramEmbedder(), RagSyncProcessor.builder().embedBatchSize(5));
    List<DataRecord> rs = new ArrayList<>();
    for (String code : List.of("000001", "600519")) {
      rs.add(kit.changed(code, DataType.FINANCIAL, 0));
    }

    List<SyncResult> results = kit.sync.syncAll(rs);

    int chunks = results.stream().mapToInt(SyncResult::chunks).sum();
    assertThat(kit.embedder.callSizes()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));
    assertThat(kit.embedder.callSizes().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(chunks);
  }

  @Test
  void shouldFailTheWholeGroupWhenTheEmbeddingCallFailsSoTheEngineRetriesOneByOne()
      throws Exception {
    List<Task> tasks = new ArrayList<>();
    for (String code : List.of("000001", "600519", "300059")) {
      DataRecord r = kit.changed(code, DataType.FINANCIAL, 0);
      kit.store(r);
      tasks.add(RagSyncProcessor.task(r.key()));
    }
    kit.embedder.failWhen(texts -> texts.size() > 12);

    assertThatThrownBy(() -> kit.sync.processBatch(tasks, null)).hasMessageContaining("injected");
    assertThat(kit.versions.byStatus(VersionStatus.FAILED)).hasSize(3);
    assertThat(kit.versions.byStatus(VersionStatus.ACTIVE)).isEmpty();
    assertThat(kit.realVectors.collections().isEmpty() || kit.ids(COLLECTION).isEmpty()).isTrue();

    for (Task t : tasks) {
      assertThat(kit.sync.process(t, null)).contains("\"status\":\"synced\"");
    }
    assertThat(kit.versions.byStatus(VersionStatus.ACTIVE)).hasSize(3);
  }

  @Test
  void shouldCompleteTheOtherRecordsOfAGroupWhenOneFailsLater() throws Exception {
    DataRecord fin = kit.changed(CODE, DataType.FINANCIAL, 0);
    DataRecord ann = kit.changed(CODE, DataType.ANNOUNCEMENTS, 0);
    DataRecord holders = kit.changed(CODE, DataType.SHAREHOLDERS, 0);
    kit.store(fin, ann, holders);
    List<Task> tasks = List.of(RagSyncProcessor.task(fin.key()), RagSyncProcessor.task(ann.key()),
        RagSyncProcessor.task(holders.key()));
    kit.vectors.failUpsertOf(c -> c.equals("prism_announcements"));

    assertThatThrownBy(() -> kit.sync.processBatch(tasks, null))
        .isInstanceOf(BatchException.class).hasMessageContaining("1 of 3");

    assertThat(kit.versions.active(fin.key())).isPresent();
    assertThat(kit.versions.active(holders.key())).isPresent();
    assertThat(kit.versions.active(ann.key())).isEmpty();
    assertThat(kit.versions.history(ann.key()).get(0).status()).isEqualTo(VersionStatus.FAILED);
    kit.vectors.heal();
    kit.embedder.reset();
    List<String> singles = new ArrayList<>();
    for (Task t : tasks) {
      singles.add(kit.sync.process(t, null));
    }
    assertThat(singles.get(0)).contains("unchanged");
    assertThat(singles.get(1)).contains("synced");
    assertThat(singles.get(2)).contains("unchanged");
  }

  // ------------------------------------------------------------------ tasks

  @Test
  void shouldSyncARecordCarriedInTheTask() throws Exception {
    DataRecord r = kit.changed("000001", DataType.ANNOUNCEMENTS, 0);
    Task task = RagSyncProcessor.task(r);

    String out = kit.sync.process(task, null);

    assertThat(out).contains("\"status\":\"synced\"").contains("000001:announcements");
    assertThat(task.dedupeKey()).isEqualTo("rag_sync:000001:announcements:" + r.contentHash());
    assertThat(RagSyncProcessor.task(r.key()).dedupeKey()).isEqualTo("rag_sync:000001:announcements");
    assertThat(kit.sync.isDone(task)).isTrue();
  }

  @Test
  void shouldFailPermanentlyForAMissingRecordOrABadPayload() {
    assertThatThrownBy(() -> kit.sync.process(RagSyncProcessor.task(KEY), null))
        .isInstanceOf(PermanentTaskException.class).hasMessageContaining("600519:financial");
    assertThatThrownBy(() -> kit.sync.process(Task.builder("rag_sync")
        .payload("{\"stockCode\":\"12\"}").build(), null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("stockCode");
    RagSyncProcessor noStore = RagSyncProcessor.builder().embedder(kit.embedder)
        .vectorStore(kit.vectors).versionStore(kit.versions).build();
    assertThatThrownBy(() -> noStore.process(RagSyncProcessor.task(KEY), null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("record store");
    assertThatThrownBy(() -> RagSyncProcessor.builder().embedder(kit.embedder).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("vectorStore");
  }

  @Test
  void shouldMarkTheVersionFailedWhenTheDocumentNeedsTooManyChunks() {
    kit.close();
    kit = new RagTestKit(null, new BigramEmbedder(), RagSyncProcessor.builder()
        .chunker(Chunker.builder().maxChunks(2).build()));
    kit.store(kit.changed(CODE, DataType.FINANCIAL, 0));

    assertThatThrownBy(() -> kit.sync.sync(KEY)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("maxChunks");
    assertThat(kit.versions.history(KEY)).extracting(DataVersion::status)
        .containsExactly(VersionStatus.FAILED);
    assertThat(kit.embedder.calls()).isZero();
  }
}
