package io.prism.batch.examples;

import static io.prism.batch.examples.RagFixtures.MAOTAI_FINANCIAL;
import static io.prism.batch.examples.RagFixtures.maotaiFinancial;
import static io.prism.batch.examples.RagFixtures.revenueText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.chroma.ChromaVectorStore;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.core.rag.RagHit;
import io.prism.batch.core.rag.RagQuery;
import io.prism.batch.core.rag.RagSyncProcessor;
import io.prism.batch.core.rag.SyncResult;
import io.prism.batch.onnx.OnnxEmbedder;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresVersionStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RAG sync killed with SIGKILL between upsert and activation, on real servers: the sync runs in
 * a child JVM ({@link RagSyncCrashChild}) whose vector store stops it right after its upsert has
 * reached Chroma; the test kills it ({@link Process#destroyForcibly()}, SIGKILL on Linux), checks
 * in PostgreSQL, Chroma and through a {@link RagQuery} that the old version is still active and
 * answers, then syncs again in this JVM and checks that the interrupted version is completed.
 * Embedder: the real ONNX bge-small-zh-v1.5 in both JVMs. Servers: see {@link RagServers}.
 */
class RagSyncCrashIT {
  static final Duration CHILD_DEADLINE = Duration.ofMinutes(3);

  static PostgresDataSource db;
  static String schema;
  static CollectionNames collections;
  static OnnxEmbedder embedder;

  @TempDir Path work;
  PostgresRecordStore records;
  PostgresVersionStore versions;
  ChromaVectorStore chroma;
  RagIndex rag;
  final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void servers() {
    RagServers.requireChroma();
    db = RagServers.openDb();
    schema = RagServers.freshSchema(db, RagSyncCrashIT.class);
    collections = RagServers.freshCollections(RagSyncCrashIT.class);
    embedder = OnnxEmbedder.builder().build();
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
    if (embedder != null) {
      embedder.close();
    }
  }

  @BeforeEach
  void openStores() {
    records = PostgresRecordStore.builder(db.jdbi()).schema(schema).migrate(false).build();
    versions = PostgresVersionStore.builder(db.jdbi()).schema(schema).migrate(false).build();
    chroma = ChromaVectorStore.builder().url(RagServers.chromaUrl()).build();
    rag = new RagIndex(embedder, chroma, versions, collections);
  }

  @AfterEach
  void closeStores() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    chroma.close();
    versions.close();
    records.close();
  }

  private String collection() {
    return collections.forKey(MAOTAI_FINANCIAL);
  }

  private Set<String> storedIds(String versionId) {
    return new TreeSet<>(chroma.ids(collection(),
        Map.of(RagSyncProcessor.META_VERSION_ID, versionId)));
  }

  private Set<String> mappedIds(String versionId) {
    return versions.mappings(versionId).stream().map(VectorMapping::vectorId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private List<RagHit> askRevenue() {
    return rag.query().search(RagQuery.request("贵州茅台2025年一季报的营业总收入是多少")
        .stockCodes("600519").dataTypes(DataType.FINANCIAL).topK(20).build());
  }

  /** Starts the child JVM on this JVM's class path, its output in a log file. */
  private Process startChild(Path marker, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx512m",
        "-cp", System.getProperty("java.class.path"),
        RagSyncCrashChild.class.getName(),
        RagServers.PG_URL, RagServers.PG_USER, RagServers.PG_PASSWORD, schema,
        RagServers.chromaUrl(), collections.prefix(), marker.toString(),
        MAOTAI_FINANCIAL.stockCode(), MAOTAI_FINANCIAL.dataType());
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(new File(".")).start();
    children.add(p);
    return p;
  }

  /** Waits for the marker the child writes after its upsert; fails if it exits or times out. */
  private void awaitMarker(Process child, Path marker, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + CHILD_DEADLINE.toNanos();
    while (!Files.exists(marker)) {
      if (!child.isAlive()) {
        fail("the child JVM exited with %d before its upsert:%n%s", child.exitValue(),
            Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        fail("the child JVM wrote no marker within %s:%n%s", CHILD_DEADLINE,
            Files.readString(log));
      }
      child.waitFor(50, TimeUnit.MILLISECONDS); // returns early if the child exits
    }
  }

  @Test
  void shouldKeepTheOldVersionActiveAfterASigkillBetweenUpsertAndActivation()
      throws Exception {
    // the old version: synced and active
    records.upsertAll(List.of(maotaiFinancial(0)));
    SyncResult first = rag.syncProcessor(records).sync(MAOTAI_FINANCIAL);
    assertThat(first.status()).isEqualTo(SyncResult.Status.SYNCED);
    String oldId = first.versionId();
    Set<String> oldVectors = mappedIds(oldId);
    assertThat(storedIds(oldId)).isEqualTo(oldVectors).hasSize(first.chunks());

    // the record changes; a child JVM syncs it and is SIGKILLed right after its upsert
    records.upsertAll(List.of(maotaiFinancial(5)));
    Path marker = work.resolve("upserted");
    Path log = work.resolve("child.log");
    Process child = startChild(marker, log);
    awaitMarker(child, marker, log);
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
    assertThat(child.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
    List<String> upserted = Files.readAllLines(marker);
    System.out.print(Files.readString(log));

    // PostgreSQL: the old version is active, the new one pending with no mappings
    DataVersion stillActive = versions.active(MAOTAI_FINANCIAL).orElseThrow();
    assertThat(stillActive.versionId()).isEqualTo(oldId);
    List<DataVersion> pending = versions.history(MAOTAI_FINANCIAL).stream()
        .filter(v -> v.status() == VersionStatus.PENDING).toList();
    assertThat(pending).hasSize(1);
    String newId = pending.get(0).versionId();
    assertThat(versions.mappings(newId)).isEmpty();
    // Chroma: the old vectors all there, and the new ones the child upserted before dying
    assertThat(storedIds(oldId)).isEqualTo(oldVectors);
    assertThat(storedIds(newId)).containsExactlyInAnyOrderElementsOf(upserted).isNotEmpty();
    // a query answers from the old version only
    List<RagHit> during = askRevenue();
    assertThat(during).isNotEmpty()
        .allSatisfy(h -> assertThat(h.versionId()).isEqualTo(oldId));
    assertThat(during).anySatisfy(h -> assertThat(h.text()).contains(revenueText(0)));
    assertThat(during).noneSatisfy(h -> assertThat(h.text()).contains(revenueText(5)));

    // the next run completes the interrupted version
    SyncResult next = rag.syncProcessor(records).sync(MAOTAI_FINANCIAL);

    assertThat(next.status()).isEqualTo(SyncResult.Status.SYNCED);
    assertThat(next.versionId()).isEqualTo(newId);
    assertThat(next.previousVersionId()).hasValue(oldId);
    assertThat(next.reused()).isEqualTo(upserted.size());
    assertThat(next.embedded()).isEqualTo(next.chunks() - upserted.size());
    assertThat(next.cleanupError()).isEmpty();
    assertThat(versions.active(MAOTAI_FINANCIAL)).hasValueSatisfying(
        v -> assertThat(v.versionId()).isEqualTo(newId));
    assertThat(versions.get(oldId)).hasValueSatisfying(
        v -> assertThat(v.status()).isEqualTo(VersionStatus.DEPRECATED));
    assertThat(storedIds(newId)).isEqualTo(mappedIds(newId)).hasSize(next.chunks());
    assertThat(storedIds(oldId)).isEmpty();
    assertThat(chroma.get(collection(), oldVectors)).isEmpty();
    assertThat(chroma.ids(collection(), Map.of())).hasSize(next.chunks());
    List<RagHit> after = askRevenue();
    assertThat(after).isNotEmpty()
        .allSatisfy(h -> assertThat(h.versionId()).isEqualTo(newId));
    assertThat(after).anySatisfy(h -> assertThat(h.text()).contains(revenueText(5)));
    assertThat(rag.reconciler().check().consistent()).isTrue();
    List<VectorEntry> stored = chroma.get(collection(), mappedIds(newId));
    assertThat(stored).allSatisfy(e -> assertThat(e.metadata())
        .containsEntry(RagSyncProcessor.META_VERSION_ID, newId));
  }
}
