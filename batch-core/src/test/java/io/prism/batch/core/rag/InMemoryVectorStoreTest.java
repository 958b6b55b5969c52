package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryVectorStoreTest {
  private static final String C = "prism_financial";

  @TempDir Path dir;
  private InMemoryVectorStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private static VectorEntry entry(String id, String text, String code, int chunk) {
    return new VectorEntry(id, BigramEmbedder.vector(text), text,
        Map.of("stock_code", code, "data_type", "financial", "version_id", "v-" + code,
            "chunk_index", chunk));
  }

  private InMemoryVectorStore withThree() {
    store = InMemoryVectorStore.inMemory();
    store.ensureCollection(C);
    store.upsert(C, List.of(
        entry("a", "贵州茅台2024年营业总收入1748亿元", "600519", 0),
        entry("b", "贵州茅台2024年净利润862亿元", "600519", 1),
        entry("c", "平安银行2024年营业收入1466亿元", "000001", 0)));
    return store;
  }

  @Test
  void shouldFindTheMostSimilarVectorsFirst() {
    withThree();

    List<VectorMatch> top = store.query(C, BigramEmbedder.vector("贵州茅台2024年净利润"), 3,
        Map.of());

    assertThat(top).extracting(VectorMatch::id).startsWith("b");
    assertThat(top.get(0).similarity()).isGreaterThan(top.get(1).similarity());
    assertThat(top.get(0).text()).isEqualTo("贵州茅台2024年净利润862亿元");
    assertThat(top.get(0).metadata()).containsEntry("chunk_index", 1);
    assertThat(store.query(C, BigramEmbedder.vector("贵州茅台2024年净利润862亿元"), 1, Map.of())
        .get(0).similarity()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void shouldComputeExactCosineForUnnormalisedVectors() {
    store = InMemoryVectorStore.inMemory();
    store.ensureCollection(C);
    store.upsert(C, List.of(new VectorEntry("x", new float[] {3, 4}, "x", Map.of()),
        new VectorEntry("y", new float[] {-1, 0}, "y", Map.of())));

    List<VectorMatch> m = store.query(C, new float[] {2, 0}, 5, Map.of());

    assertThat(m).extracting(VectorMatch::id).containsExactly("x", "y");
    assertThat(m.get(0).similarity()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.get(1).similarity()).isCloseTo(-1.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void shouldFilterByEqualityAndByAnyOfSeveralValues() {
    withThree();
    float[] q = BigramEmbedder.vector("2024年营业收入");

    assertThat(store.query(C, q, 10, Map.of("stock_code", "000001")))
        .extracting(VectorMatch::id).containsExactly("c");
    assertThat(store.query(C, q, 10, Map.of("stock_code", List.of("000001", "600519"))))
        .hasSize(3);
    assertThat(store.query(C, q, 10, Map.of("stock_code", Map.of("$in", List.of("600519")),
        "chunk_index", 1L))).extracting(VectorMatch::id).containsExactly("b");
    assertThat(store.query(C, q, 10, Map.of("chunk_index", 0.0))).hasSize(2);
    assertThat(store.ids(C, Map.of("version_id", "v-600519"))).containsExactly("a", "b");
    assertThat(store.ids(C, Map.of("missing_key", "x"))).isEmpty();
    assertThatThrownBy(() -> store.ids(C, Map.of("k", Map.of("$gt", 1))))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldReplaceEntriesByIdAndDeleteThem() {
    withThree();

    store.upsert(C, List.of(entry("a", "新的文本", "600519", 0)));
    store.delete(C, List.of("b", "unknown"));

    assertThat(store.get(C, List.of("a", "b", "c"))).extracting(VectorEntry::text)
        .containsExactly("新的文本", "平安银行2024年营业收入1466亿元");
    assertThat(store.count(C)).isEqualTo(2);
  }

  @Test
  void shouldFindNothingInAMissingCollectionButRefuseToWriteThere() {
    store = InMemoryVectorStore.inMemory();

    assertThat(store.ids("prism_none", Map.of())).isEmpty();
    assertThat(store.get("prism_none", List.of("a"))).isEmpty();
    assertThat(store.query("prism_none", new float[] {1}, 1, Map.of())).isEmpty();
    store.delete("prism_none", List.of("a"));
    assertThatThrownBy(() -> store.upsert("prism_none", List.of(entry("a", "x", "600519", 0))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("ensureCollection");
  }

  @Test
  void shouldValidateNamesVectorsAndMetadata() {
    store = InMemoryVectorStore.inMemory();
    assertThatThrownBy(() -> store.ensureCollection("ab"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.ensureCollection("_prism"))
        .isInstanceOf(InvalidInputException.class);
    store.ensureCollection(C);
    assertThatThrownBy(() -> store.upsert(C, List.of(
        new VectorEntry("z", new float[] {0, 0}, "t", Map.of()))))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.upsert(C, List.of(
        new VectorEntry("z", new float[] {1, Float.NaN}, "t", Map.of()))))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.upsert(C, List.of(
        new VectorEntry("z", new float[] {1}, "t", Map.of("k", List.of())))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("metadata.k");
    store.upsert(C, List.of(new VectorEntry("z", new float[] {1, 0}, "t", Map.of())));
    assertThatThrownBy(() -> store.upsert(C, List.of(
        new VectorEntry("w", new float[] {1, 0, 0}, "t", Map.of()))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("dimensions");
    assertThatThrownBy(() -> store.query(C, new float[] {1, 0, 0}, 1, Map.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.query(C, new float[] {1, 0}, 0, Map.of()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldPersistEveryWriteAndLoadItAtStart() {
    store = InMemoryVectorStore.builder().directory(dir).build();
    store.ensureCollection(C);
    store.ensureCollection("prism_announcements");
    store.upsert(C, List.of(entry("a", "贵州茅台净利润", "600519", 0),
        entry("b", "平安银行净利润", "000001", 3)));
    store.delete(C, List.of("a"));
    store.close();

    store = InMemoryVectorStore.builder().directory(dir).build();

    assertThat(store.collections()).containsExactly("prism_announcements", C);
    List<VectorEntry> b = store.get(C, List.of("a", "b"));
    assertThat(b).hasSize(1);
    assertThat(b.get(0).text()).isEqualTo("平安银行净利润");
    assertThat(b.get(0).vector()).containsExactly(BigramEmbedder.vector("平安银行净利润"));
    assertThat(b.get(0).metadata()).containsEntry("chunk_index", 3)
        .containsEntry("stock_code", "000001");
    assertThat(store.ids(C, Map.of("chunk_index", 3))).containsExactly("b");
  }

  @Test
  void shouldKeepUnflushedWritesOutOfTheFilesUntilFlushed() {
    store = InMemoryVectorStore.builder().directory(dir).flushEveryWrite(false).build();
    store.ensureCollection(C);
    store.upsert(C, List.of(entry("a", "贵州茅台", "600519", 0)));
    assertThat(dir.resolve("vectors").resolve(C + ".vec")).doesNotExist();

    store.flush();

    assertThat(dir.resolve("vectors").resolve(C + ".vec")).exists();
  }

  @Test
  void shouldRefuseASecondStoreOnTheDirectoryAndReportDamagedFiles() throws Exception {
    store = InMemoryVectorStore.builder().directory(dir).build();
    store.ensureCollection(C);
    store.upsert(C, List.of(entry("a", "贵州茅台", "600519", 0)));
    assertThatThrownBy(() -> InMemoryVectorStore.builder().directory(dir).build())
        .isInstanceOf(BatchException.class);
    store.close();
    Path file = dir.resolve("vectors").resolve(C + ".vec");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(file, bytes);

    assertThatThrownBy(() -> InMemoryVectorStore.builder().directory(dir).build())
        .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("checksum");
    store = null;
  }

  @Test
  void shouldServeConcurrentWritersAndReaders() throws Exception {
    store = InMemoryVectorStore.inMemory();
    store.ensureCollection(C);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            store.upsert(C, List.of(entry(writer + "-" + i, "文本" + writer + "-" + i, "600519", i)));
            store.query(C, BigramEmbedder.vector("文本"), 5, Map.of("stock_code", "600519"));
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.count(C)).isEqualTo(800);
  }
}
