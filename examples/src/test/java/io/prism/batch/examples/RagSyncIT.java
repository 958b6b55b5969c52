package io.prism.batch.examples;

import static io.prism.batch.examples.RagFixtures.MAOTAI_FINANCIAL;
import static io.prism.batch.examples.RagFixtures.maotaiFinancial;
import static io.prism.batch.examples.RagFixtures.revenueText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.TaskState;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.chroma.ChromaVectorStore;
import io.prism.batch.core.data.RecordChange;
import io.prism.batch.core.jobs.ChangeFeed;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.core.rag.RagHit;
import io.prism.batch.core.rag.RagQuery;
import io.prism.batch.core.rag.RagSyncProcessor;
import io.prism.batch.core.rag.ReconcileReport;
import io.prism.batch.core.rag.SyncResult;
import io.prism.batch.examples.RagFixtures.CountingEmbedder;
import io.prism.batch.onnx.OnnxEmbedder;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresVersionStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RAG sync issue on real servers, as the server main wires it ({@link RagIndex}, {@link
 * NightlyFlow#ragSync}): records in PostgreSQL ({@link PostgresRecordStore}), the version ledger
 * in PostgreSQL ({@link PostgresVersionStore}), vectors in a real Chroma server ({@link
 * ChromaVectorStore}) and the real ONNX embedder (bge-small-zh-v1.5, int8). A record change is
 * what the read path does on a fetch whose hash changed: an upsert into the record store and an
 * event on the {@link ChangeFeed}; the sync takes the feed's keys as {@code rag_sync} tasks on an
 * engine. Data: 贵州茅台's real financial summary (8 chunks), with 营业总收入 of 2025年一季报 raised
 * by a few 亿元 per change.
 *
 * <p>Servers: see {@link RagServers}; schema and collection prefix are this class's own and are
 * dropped afterwards. The SIGKILL between upsert and activation is {@link RagSyncCrashIT}.
 */
class RagSyncIT {
  static PostgresDataSource db;
  static String schema;
  static CollectionNames collections;
  static OnnxEmbedder onnx;

  @TempDir Path work;
  final ChangeFeed changes = new ChangeFeed();
  final NightlyFlow.ChangedKeys changed = new NightlyFlow.ChangedKeys();
  CountingEmbedder embedder;
  PostgresRecordStore records;
  PostgresVersionStore versions;
  ChromaVectorStore chroma;
  RagIndex rag;
  RagSyncProcessor sync;
  NightlyFlow flow;

  @BeforeAll
  static void servers() {
    RagServers.requireChroma();
    db = RagServers.openDb();
    schema = RagServers.freshSchema(db, RagSyncIT.class);
    collections = RagServers.freshCollections(RagSyncIT.class);
    onnx = OnnxEmbedder.builder().build();
  }

  @AfterAll
  static void dropEverything() {
    if (collections != null) {
      RagServers.dropCollections(collections);
    }
    if (db != null) {
      RagServers.dropSchema(db, schema);
      db.close();
    }
    if (onnx != null) {
      onnx.close();
    }
  }

  @BeforeEach
  void openStores() {
    RagServers.truncate(db, schema);
    RagServers.dropCollections(collections);
    embedder = new CountingEmbedder(onnx);
    records = PostgresRecordStore.builder(db.jdbi()).schema(schema).migrate(false).build();
    versions = PostgresVersionStore.builder(db.jdbi()).schema(schema).migrate(false).build();
    chroma = ChromaVectorStore.builder().url(RagServers.chromaUrl()).build();
    rag = new RagIndex(embedder, chroma, versions, collections);
    sync = rag.syncProcessor(records);
    changes.subscribe(changed);
    flow = new NightlyFlow(new PrintStream(OutputStream.nullOutputStream()), work);
  }

  @AfterEach
  void closeStores() {
    chroma.close();
    versions.close();
    records.close();
  }

  /** A record change as the read path makes it: stored in L2, then announced. */
  private void change(DataRecord r) {
    records.upsertAll(List.of(r));
    changes.accept(new RecordChange(r));
  }

  /** The RAG sync step of the nightly mains: the feed's keys as tasks on an engine. */
  private BatchResult syncChanges() {
    List<DataKey> keys = changed.drain();
    assertThat(keys).isNotEmpty();
    BatchResult r = flow.ragSync(sync, keys).orElseThrow();
    assertThat(r.status()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(r.count(TaskState.FAILED)).isZero();
    return r;
  }

  private String collection() {
    return collections.forKey(MAOTAI_FINANCIAL);
  }

  /** The vectors Chroma holds for the key, read back from the server. */
  private List<VectorEntry> storedVectors(DataKey key) {
    List<String> ids = chroma.ids(collection(), Map.of(
        RagSyncProcessor.META_STOCK_CODE, key.stockCode(),
        RagSyncProcessor.META_DATA_TYPE, key.dataType()));
    return chroma.get(collection(), ids);
  }

  private static Set<String> ids(List<VectorEntry> entries) {
    return entries.stream().map(VectorEntry::id).collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<String> mappedIds(String versionId) {
    return versions.mappings(versionId).stream().map(VectorMapping::vectorId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private RagQuery anyScoreQuery() {
    return RagQuery.builder().embedder(embedder).vectorStore(chroma).versionStore(versions)
        .collections(collections).stockNames(RagIndex.STOCK_NAMES).threshold(-1).topK(50)
        .build();
  }

  // ---- three successive changes: one active version, its vectors only ----

  @Test
  void shouldLeaveOneActiveVersionAndOnlyItsVectorsAfterThreeChanges() {
    change(maotaiFinancial(0));
    syncChanges();
    List<String> versionIds = new ArrayList<>();
    versionIds.add(versions.active(MAOTAI_FINANCIAL).orElseThrow().versionId());

    for (int variant = 1; variant <= 3; variant++) {
      change(maotaiFinancial(variant));
      syncChanges();
      DataVersion active = versions.active(MAOTAI_FINANCIAL).orElseThrow();
      assertThat(active.versionId()).isNotIn(versionIds);
      versionIds.add(active.versionId());
    }

    List<DataVersion> history = versions.history(MAOTAI_FINANCIAL);
    assertThat(history).extracting(DataVersion::versionId)
        .containsExactlyInAnyOrderElementsOf(versionIds);
    assertThat(history).filteredOn(v -> v.status() == VersionStatus.ACTIVE).hasSize(1);
    DataVersion active = versions.active(MAOTAI_FINANCIAL).orElseThrow();
    assertThat(active.versionId()).isEqualTo(versionIds.get(3));
    assertThat(history).filteredOn(v -> !v.versionId().equals(active.versionId()))
        .hasSize(3)
        .allSatisfy(v -> assertThat(v.status())
            .isIn(VersionStatus.DEPRECATED, VersionStatus.ARCHIVED));

    List<VectorEntry> stored = storedVectors(MAOTAI_FINANCIAL);
    assertThat(stored).hasSize(active.chunkCount()).isNotEmpty();
    assertThat(ids(stored)).isEqualTo(mappedIds(active.versionId()));
    assertThat(stored).allSatisfy(e -> {
      assertThat(e.metadata()).containsEntry(RagSyncProcessor.META_VERSION_ID, active.versionId());
      assertThat(e.vector()).hasSize(onnx.dimension());
    });
    assertThat(chroma.ids(collection(), Map.of())).hasSize(active.chunkCount());
    assertThat(stored).anySatisfy(e -> assertThat(e.text()).contains(revenueText(3)));
    assertThat(stored).noneSatisfy(e -> assertThat(e.text()).contains(revenueText(2)));

    List<RagHit> hits = anyScoreQuery().search(RagQuery.request("贵州茅台2025年一季报的营业总收入是多少")
        .stockCodes("600519").dataTypes(DataType.FINANCIAL).build());
    assertThat(hits).hasSize(active.chunkCount())
        .allSatisfy(h -> assertThat(h.versionId()).isEqualTo(active.versionId()));
    assertThat(hits).anySatisfy(h -> assertThat(h.text()).contains(revenueText(3)));
  }

  // ---- an unchanged record is never re-embedded ----

  @Test
  void shouldNotEmbedAnythingForAnUnchangedRecord() {
    change(maotaiFinancial(1));
    syncChanges();
    DataVersion before = versions.active(MAOTAI_FINANCIAL).orElseThrow();
    Set<String> vectorsBefore = ids(storedVectors(MAOTAI_FINANCIAL));
    assertThat(embedder.texts()).isEqualTo(before.chunkCount());
    embedder.reset();

    DataRecord again = maotaiFinancial(1); // fetched again: new fetchedAt, same content
    assertThat(again.payload()).isNotEqualTo(records.get(MAOTAI_FINANCIAL).orElseThrow().payload());
    change(again);
    BatchResult onEngine = syncChanges();
    SyncResult direct = sync.sync(MAOTAI_FINANCIAL);

    assertThat(embedder.calls()).isZero();
    assertThat(embedder.texts()).isZero();
    assertThat(onEngine.skipped()).isEqualTo(1);
    assertThat(direct.status()).isEqualTo(SyncResult.Status.UNCHANGED);
    assertThat(direct.embedded()).isZero();
    assertThat(direct.versionId()).isEqualTo(before.versionId());
    assertThat(versions.history(MAOTAI_FINANCIAL)).hasSize(1);
    assertThat(ids(storedVectors(MAOTAI_FINANCIAL))).isEqualTo(vectorsBefore);
  }

  // ---- reconciliation repairs a vector deleted behind the ledger's back ----

  @Test
  void shouldFindAndRepairAVectorDeletedBehindItsBack() throws IOException {
    change(maotaiFinancial(2));
    syncChanges();
    DataVersion active = versions.active(MAOTAI_FINANCIAL).orElseThrow();
    VectorMapping victim = versions.mappings(active.versionId()).get(3);
    VectorEntry original = chroma.get(collection(), List.of(victim.vectorId())).get(0);

    RagServers.deleteBehindTheBack(collection(), victim.vectorId());
    assertThat(chroma.get(collection(), List.of(victim.vectorId()))).isEmpty();
    ReconcileReport found = rag.reconciler().check();
    ReconcileReport repaired = rag.reconciler().repair();
    ReconcileReport after = rag.reconciler().check();

    assertThat(found.missing()).isEqualTo(1);
    assertThat(found.orphaned()).isZero();
    assertThat(found.collection(collection())).hasValueSatisfying(c -> {
      assertThat(c.missing()).isEqualTo(1);
      assertThat(c.expected()).isEqualTo(active.chunkCount());
      assertThat(c.stored()).isEqualTo(active.chunkCount() - 1);
    });
    assertThat(found.repaired()).isZero(); // a check repairs nothing
    assertThat(repaired.missing()).isEqualTo(1);
    assertThat(repaired.repaired()).isEqualTo(1);
    assertThat(after.consistent()).isTrue();
    List<VectorEntry> back = chroma.get(collection(), List.of(victim.vectorId()));
    assertThat(back).hasSize(1);
    assertThat(back.get(0).text()).isEqualTo(victim.chunkText()).isEqualTo(original.text());
    assertThat(back.get(0).metadata()).isEqualTo(original.metadata());
    assertThat(back.get(0).vector()).containsExactly(original.vector(), within(1e-5f));
    assertThat(ids(storedVectors(MAOTAI_FINANCIAL))).isEqualTo(mappedIds(active.versionId()));
  }
}
