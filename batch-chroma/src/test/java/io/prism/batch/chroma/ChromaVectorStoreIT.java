package io.prism.batch.chroma;

import static io.prism.batch.chroma.ChromaTestServer.DB_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import io.prism.batch.api.rag.VectorStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ChromaVectorStore} against the real Chroma server that {@code .ci/chroma.sh} starts. */
class ChromaVectorStoreIT {
  private final List<String> collections = new ArrayList<>();
  private ChromaVectorStore store;

  @BeforeAll
  static void requireServer() {
    ChromaTestServer.requireRunning();
  }

  @BeforeEach
  void open() {
    store = ChromaVectorStore.builder().url(ChromaTestServer.url()).build();
  }

  @AfterEach
  void dropCollections() {
    collections.forEach(store::deleteCollection);
    store.close();
  }

  private String newCollection() {
    String name = ChromaTestServer.uniqueName("it");
    collections.add(name);
    return name;
  }

  private static VectorEntry entry(
      String id, String text, Map<String, Object> metadata, float... v) {
    return new VectorEntry(id, v, text, metadata);
  }

  @Test
  void shouldRoundTripUpsertGetIdsAndDelete() {
    String c = newCollection();
    List<VectorEntry> entries =
        List.of(
            entry(
                "600519-0",
                "贵州茅台 收盘价 1688.00 元",
                Map.of("stock", "600519", "chunk", 0, "price", 1688.5, "active", true),
                0.1f,
                0.2f,
                0.3f),
            entry("600519-1", "", Map.of(), 0.3f, 0.2f, 0.1f),
            entry(
                "000001-0",
                "平安银行",
                Map.of("stock", "000001", "version", 12345678901234L),
                -1f,
                0.5f,
                0f));

    store.upsert(c, entries);

    List<VectorEntry> read = store.get(c, List.of("000001-0", "missing", "600519-0", "600519-1"));
    assertThat(read)
        .extracting(VectorEntry::id)
        .containsExactly("000001-0", "600519-0", "600519-1");
    // Chroma keeps float32 but may hand a value back one ulp off (0.1f comes back as 0.10000001f)
    assertThat(read.get(0).vector()).containsExactly(new float[] {-1f, 0.5f, 0f}, within(1e-6f));
    assertThat(read.get(0).text()).isEqualTo("平安银行");
    assertThat(read.get(0).metadata())
        .isEqualTo(Map.of("stock", "000001", "version", 12345678901234L));
    assertThat(read.get(1).vector()).containsExactly(new float[] {0.1f, 0.2f, 0.3f}, within(1e-6f));
    assertThat(read.get(1).text()).isEqualTo("贵州茅台 收盘价 1688.00 元");
    assertThat(read.get(1).metadata())
        .isEqualTo(Map.of("stock", "600519", "chunk", 0, "price", 1688.5, "active", true));
    assertThat(read.get(2).text()).isEmpty();
    assertThat(read.get(2).metadata()).isEmpty();
    assertThat(store.ids(c, Map.of()))
        .containsExactlyInAnyOrder("600519-0", "600519-1", "000001-0");

    store.delete(c, List.of("600519-1", "never-there"));

    assertThat(store.ids(c, Map.of())).containsExactlyInAnyOrder("600519-0", "000001-0");
    assertThat(store.get(c, List.of("600519-1"))).isEmpty();
  }

  @Test
  void shouldReplaceTheWholeRecordOnUpsert() {
    String c = newCollection();
    store.upsert(c, List.of(entry("a", "old", Map.of("stock", "600519", "stale", "yes"), 1f, 0f)));

    store.upsert(c, List.of(entry("a", "new", Map.of("stock", "600519"), 0f, 1f)));

    VectorEntry a = store.get(c, List.of("a")).get(0);
    assertThat(a.text()).isEqualTo("new");
    assertThat(a.vector()).containsExactly(0f, 1f);
    assertThat(a.metadata()).isEqualTo(Map.of("stock", "600519"));
    assertThat(store.ids(c, Map.of("stale", "yes"))).isEmpty();
  }

  @Test
  void shouldKeepTheLastOfRepeatedIdsInOneUpsert() {
    String c = newCollection();

    store.upsert(
        c, List.of(entry("a", "first", Map.of(), 1f, 0f), entry("a", "second", Map.of(), 0f, 1f)));

    assertThat(store.get(c, List.of("a")))
        .singleElement()
        .extracting(VectorEntry::text)
        .isEqualTo("second");
  }

  @Test
  void shouldFilterIdsAndQueriesByMetadata() {
    String c = newCollection();
    store.upsert(
        c,
        List.of(
            entry("q1", "t", Map.of("stock", "600519", "type", "quote", "chunk", 0), 1f, 0f),
            entry("q2", "t", Map.of("stock", "600519", "type", "quote", "chunk", 1), 0.9f, 0.1f),
            entry(
                "f1", "t", Map.of("stock", "600519", "type", "financial", "chunk", 0), 0.8f, 0.2f),
            entry("q3", "t", Map.of("stock", "000001", "type", "quote", "chunk", 0), 0.7f, 0.3f)));

    assertThat(store.ids(c, Map.of("stock", "600519"))).containsExactlyInAnyOrder("q1", "q2", "f1");
    assertThat(store.ids(c, Map.of("type", List.of("financial", "news")))).containsExactly("f1");
    assertThat(store.ids(c, Map.of("stock", "600519", "type", "quote", "chunk", 1)))
        .containsExactly("q2");
    assertThat(store.ids(c, Map.of("chunk", Set.of(0))))
        .containsExactlyInAnyOrder("q1", "f1", "q3");
    assertThat(store.ids(c, Map.of("stock", List.of()))).isEmpty();
    assertThat(store.ids(c, Map.of("stock", "999999"))).isEmpty();

    List<VectorMatch> quotes =
        store.query(c, new float[] {1f, 0f}, 10, Map.of("type", "quote", "chunk", 0));

    assertThat(quotes).extracting(VectorMatch::id).containsExactly("q1", "q3");
    assertThat(quotes.get(0).metadata()).containsEntry("stock", "600519");
    assertThat(store.query(c, new float[] {1f, 0f}, 10, Map.of("type", List.of()))).isEmpty();
  }

  @Test
  void shouldOrderQueryResultsBySimilarityWithKnownValues() {
    String c = newCollection();
    store.upsert(
        c,
        List.of(
            entry("opposite", "o", Map.of(), -2f, 0f, 0f),
            entry("orthogonal", "r", Map.of(), 0f, 3f, 0f),
            entry("same", "s", Map.of("k", "v"), 5f, 0f, 0f),
            entry("diagonal", "d", Map.of(), 1f, 1f, 0f),
            entry("close", "c", Map.of(), 4f, 3f, 0f)));

    List<VectorMatch> all = store.query(c, new float[] {1f, 0f, 0f}, 10, Map.of());

    assertThat(all)
        .extracting(VectorMatch::id)
        .containsExactly("same", "close", "diagonal", "orthogonal", "opposite");
    assertThat(all)
        .extracting(VectorMatch::similarity)
        .isSortedAccordingTo((x, y) -> Double.compare(y, x));
    assertThat(all.get(0).similarity()).isCloseTo(1.0, within(1e-4));
    assertThat(all.get(1).similarity()).isCloseTo(0.8, within(1e-4));
    assertThat(all.get(2).similarity()).isCloseTo(Math.sqrt(0.5), within(1e-4));
    assertThat(all.get(3).similarity()).isCloseTo(0.0, within(1e-4));
    assertThat(all.get(4).similarity()).isCloseTo(-1.0, within(1e-4));
    assertThat(all.get(0).text()).isEqualTo("s");
    assertThat(all.get(0).metadata()).isEqualTo(Map.of("k", "v"));

    assertThat(store.query(c, new float[] {0f, 1f, 0f}, 2, Map.of()))
        .extracting(VectorMatch::id)
        .containsExactly("orthogonal", "diagonal");
    assertThat(store.query(c, new float[] {1f, 0f, 0f}, 0, Map.of())).isEmpty();
  }

  @Test
  void shouldSplitAnUpsertLargerThanTheServersMaxBatchSize() throws IOException {
    int max =
        ChromaTestServer.json("GET", "/api/v2/pre-flight-checks", null)
            .path("max_batch_size")
            .asInt();
    assertThat(max).isPositive();
    String c = newCollection();
    int n = max + 17;
    List<VectorEntry> entries =
        IntStream.range(0, n)
            .mapToObj(
                i -> entry("e" + i, "chunk " + i, Map.of("i", i), 1f, i % 7, i % 13, 1f + i % 3))
            .toList();

    store.upsert(c, entries);

    List<String> ids = store.ids(c, Map.of());
    assertThat(ids).hasSize(n).doesNotHaveDuplicates();
    List<String> allIds = entries.stream().map(VectorEntry::id).toList();
    List<VectorEntry> read = store.get(c, allIds);
    assertThat(read).hasSize(n);
    assertThat(read.get(n - 1).id()).isEqualTo("e" + (n - 1));
    assertThat(read.get(n - 1).metadata()).isEqualTo(Map.of("i", n - 1));
    assertThat(store.ids(c, Map.of("i", List.of(0, max, n - 1))))
        .containsExactlyInAnyOrder("e0", "e" + max, "e" + (n - 1));

    store.delete(c, allIds);

    assertThat(store.ids(c, Map.of())).isEmpty();
  }

  @Test
  void shouldNameTheEndpointInAClientError() {
    String c = newCollection();
    store.upsert(c, List.of(entry("a", "t", Map.of(), 1f, 0f, 0f)));

    assertThatThrownBy(() -> store.upsert(c, List.of(entry("b", "t", Map.of(), 1f, 0f))))
        .isInstanceOf(ChromaRequestException.class)
        .hasMessageContaining("POST " + DB_PATH + "/collections/")
        .hasMessageContaining("/upsert")
        .hasMessageContaining("collection \"" + c + "\"")
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("dimension")
        .satisfies(
            e -> {
              ChromaRequestException x = (ChromaRequestException) e;
              assertThat(x.status()).isEqualTo(400);
              assertThat(x.endpoint()).endsWith("/upsert");
              assertThat(x.chromaMessage()).contains("dimension of 3, got 2");
            });
    assertThatThrownBy(() -> store.query(c, new float[] {1f, 0f}, 3, Map.of()))
        .isInstanceOf(ChromaRequestException.class)
        .hasMessageContaining("/query");
  }

  @Test
  void shouldRejectABadCollectionNameWithoutCreatingIt() throws IOException {
    assertThatThrownBy(() -> store.ensureCollection("bad name"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("collection: \"bad name\" is invalid");

    assertThat(ChromaTestServer.send("GET", DB_PATH + "/collections/bad%20name", null).statusCode())
        .isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ab", "_abc", "abc-", "ab..cd", "192.168.1.1", "bad name"})
  void shouldRejectExactlyWhatTheServerRejects(String name) throws IOException {
    String body = "{\"name\":\"" + name + "\",\"get_or_create\":true}";

    assertThatThrownBy(() -> store.ensureCollection(name))
        .isInstanceOf(InvalidInputException.class);
    assertThat(ChromaTestServer.send("POST", DB_PATH + "/collections", body).statusCode())
        .isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3", "999.1.1.1", "a-b"})
  void shouldAcceptUnusualNamesTheServerAccepts(String prefix) {
    String name = prefix + "." + ChromaTestServer.uniqueName("x");
    collections.add(name);

    store.ensureCollection(name);

    assertThat(store.ids(name, Map.of())).isEmpty();
  }

  @Test
  void shouldCreateCollectionsWithTheCosineSpace() throws IOException {
    String c = newCollection();

    store.ensureCollection(c);
    store.ensureCollection(c);

    assertThat(store.ids(c, Map.of())).isEmpty();
    assertThat(store.query(c, new float[] {1f, 0f}, 5, Map.of())).isEmpty();

    assertThat(
            ChromaTestServer.json("GET", DB_PATH + "/collections/" + c, null)
                .path("configuration_json")
                .path("hnsw")
                .path("space")
                .asText())
        .isEqualTo("cosine");
  }

  @Test
  void shouldRefuseACollectionMadeWithAnotherSpace() throws IOException {
    String c = newCollection();
    ChromaTestServer.send(
        "POST",
        DB_PATH + "/collections",
        "{\"name\":\"" + c + "\",\"configuration\":{\"hnsw\":{\"space\":\"l2\"}}}");

    assertThatThrownBy(() -> store.ids(c, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("l2 distance");
  }

  @Test
  void shouldFindNothingInAMissingCollectionAndNotCreateIt() throws IOException {
    String c = ChromaTestServer.uniqueName("missing");

    assertThat(store.get(c, List.of("a"))).isEmpty();
    assertThat(store.ids(c, Map.of())).isEmpty();
    assertThat(store.query(c, new float[] {1f}, 3, Map.of())).isEmpty();
    store.delete(c, List.of("a"));

    assertThat(ChromaTestServer.send("GET", DB_PATH + "/collections/" + c, null).statusCode())
        .isEqualTo(404);
    assertThat(store.deleteCollection(c)).isFalse();
  }

  @Test
  void shouldFollowACollectionDeletedAndRecreatedElsewhere() {
    String c = newCollection();
    store.upsert(c, List.of(entry("old", "t", Map.of(), 1f, 0f)));
    try (ChromaVectorStore other =
        ChromaVectorStore.builder().url(ChromaTestServer.url()).build()) {
      assertThat(other.deleteCollection(c)).isTrue();
      other.upsert(c, List.of(entry("new", "t", Map.of(), 0f, 1f)));
    }

    assertThat(store.ids(c, Map.of())).containsExactly("new");
    store.upsert(c, List.of(entry("newer", "t", Map.of(), 1f, 1f)));
    assertThat(store.ids(c, Map.of())).containsExactlyInAnyOrder("new", "newer");
  }

  @Test
  void shouldCreateAMissingDatabase() throws IOException {
    String database = "prism_it_" + ChromaTestServer.uniqueName("db").replace('-', '_');
    try (ChromaVectorStore inDb =
        ChromaVectorStore.builder().url(ChromaTestServer.url()).database(database).build()) {
      inDb.upsert("quotes", List.of(entry("a", "in " + database, Map.of(), 1f, 0f)));

      assertThat(inDb.get("quotes", List.of("a")))
          .extracting(VectorEntry::text)
          .containsExactly("in " + database);
      assertThat(store.get("quotes", List.of("a")))
          .noneMatch(e -> e.text().equals("in " + database));
    } finally {
      ChromaTestServer.send("DELETE", "/api/v2/tenants/default_tenant/databases/" + database, null);
    }
  }

  @Test
  void shouldFailWhenTheDatabaseIsMissingAndMayNotBeCreated() {
    try (ChromaVectorStore strict =
        ChromaVectorStore.builder()
            .url(ChromaTestServer.url())
            .database("prism_it_absent_" + ChromaTestServer.uniqueName("db").replace('-', '_'))
            .createDatabase(false)
            .build()) {
      assertThatThrownBy(() -> strict.ensureCollection("quotes"))
          .isInstanceOf(ChromaRequestException.class)
          .hasMessageContaining("/collections")
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void shouldWorkWhenPickedByNameFromConfiguration() {
    String c = newCollection();
    VectorStore byName =
        Plugins.create(VectorStore.class, "chroma", Map.of("url", ChromaTestServer.url()));

    byName.upsert(c, List.of(entry("p", "plugin", Map.of("via", "plugin"), 0f, 1f)));

    assertThat(store.query(c, new float[] {0f, 1f}, 1, Map.of("via", "plugin")))
        .singleElement()
        .satisfies(m -> assertThat(m.similarity()).isCloseTo(1.0, within(1e-4)));
    byName.close();
  }
}
