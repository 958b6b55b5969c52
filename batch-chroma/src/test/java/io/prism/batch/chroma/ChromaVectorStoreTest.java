package io.prism.batch.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.api.rag.VectorEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store's HTTP behaviour against a scripted server; the real server is in the ITs. */
class ChromaVectorStoreTest {
  private static final String DB = "/api/v2/tenants/default_tenant/databases/default_database";
  private static final String COLLECTION =
      "{'id':'c0ffee00-0000-4000-8000-000000000001','name':'quotes',"
          + "'configuration_json':{'hnsw':{'space':'cosine'}}}";

  private final FakeChroma fake = new FakeChroma();

  @AfterEach
  void stop() {
    fake.close();
  }

  private ChromaVectorStore store() {
    return ChromaVectorStore.builder()
        .url(fake.url())
        .createDatabase(false)
        .maxRetries(2)
        .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
        .build();
  }

  private static VectorEntry entry(String id) {
    return new VectorEntry(id, new float[] {1f, 0f}, "text " + id, Map.of());
  }

  @Test
  void shouldRejectABadCollectionNameBeforeAnyRequest() {
    ChromaVectorStore store = store();

    assertThatThrownBy(() -> store.upsert("no", List.of(entry("a"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("collection: \"no\" is invalid");
    assertThatThrownBy(() -> store.ensureCollection("bad name"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.query("_x_", new float[] {1f}, 3, Map.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.get("a..b", List.of("a")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.ids("ab", Map.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.delete("x".repeat(513), List.of("a")))
        .isInstanceOf(InvalidInputException.class);

    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void shouldRejectBadArgumentsBeforeAnyRequest() {
    ChromaVectorStore store = store();

    assertThatThrownBy(() -> store.query("quotes", new float[0], 3, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("vector");
    assertThatThrownBy(() -> store.query("quotes", new float[] {1f}, -1, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("limit: -1");
    assertThatThrownBy(() -> store.ids("quotes", Map.of("k", new Object())))
        .isInstanceOf(InvalidInputException.class);

    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void shouldRetryServerErrorsAndThenSucceed() {
    fake.on(
        "POST",
        "/collections",
        503,
        "{'error':'Unavailable','message':'busy'}",
        500,
        "oops",
        200,
        COLLECTION);

    store().ensureCollection("quotes");

    assertThat(fake.requests())
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.path()).isEqualTo(DB + "/collections"));
  }

  @Test
  void shouldGiveUpAfterTheRetriesWithTheLastServerError() {
    fake.on("POST", "/collections", 503, "{'error':'Unavailable','message':'busy'}");

    assertThatThrownBy(() -> store().ensureCollection("quotes"))
        .isInstanceOf(ChromaUnavailableException.class)
        .hasMessageContaining("POST " + DB + "/collections")
        .hasMessageContaining("HTTP 503")
        .hasMessageContaining("attempt 3 of 3")
        .hasMessageContaining("busy")
        .satisfies(e -> assertThat(((ChromaUnavailableException) e).status()).hasValue(503));
    assertThat(fake.requests()).hasSize(3);
  }

  @Test
  void shouldNotRetryAClientErrorAndNameTheEndpoint() {
    fake.on("POST", "/collections", 200, COLLECTION)
        .on("GET", "/pre-flight-checks", 200, "{'max_batch_size':100}")
        .on("POST", "/get", 200, "{'ids':[],'metadatas':[]}")
        .on(
            "POST",
            "/upsert",
            400,
            "{'error':'InvalidArgumentError',"
                + "'message':'Collection expecting embedding with dimension of 3, got 2'}");

    assertThatThrownBy(() -> store().upsert("quotes", List.of(entry("a"))))
        .isInstanceOf(ChromaRequestException.class)
        .hasMessageContaining(
            "POST " + DB + "/collections/c0ffee00-0000-4000-8000-000000000001/upsert")
        .hasMessageContaining("collection \"quotes\"")
        .hasMessageContaining("HTTP 400 InvalidArgumentError")
        .hasMessageContaining("dimension of 3, got 2")
        .satisfies(
            e -> {
              ChromaRequestException c = (ChromaRequestException) e;
              assertThat(c.status()).isEqualTo(400);
              assertThat(c.endpoint()).endsWith("/upsert");
              assertThat(c.error()).isEqualTo("InvalidArgumentError");
            });
    assertThat(fake.requests())
        .extracting(FakeChroma.Request::path)
        .filteredOn(p -> p.endsWith("/upsert"))
        .hasSize(1);
  }

  @Test
  void shouldReportTooManyRequestsAsRateLimitedWithoutRetrying() {
    fake.on("POST", "/collections", 429, "{'error':'RateLimitError','message':'slow down'}");

    assertThatThrownBy(() -> store().ensureCollection("quotes"))
        .isInstanceOf(RateLimitedException.class)
        .hasMessageStartingWith("chroma: POST " + DB + "/collections")
        .hasMessageContaining("slow down");
    assertThat(fake.requests()).hasSize(1);
  }

  @Test
  void shouldFailAfterRetriesWhenNothingListens() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ChromaVectorStore store =
        ChromaVectorStore.builder()
            .url("http://127.0.0.1:" + port)
            .maxRetries(1)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
            .build();

    assertThatThrownBy(() -> store.ensureCollection("quotes"))
        .isInstanceOf(ChromaUnavailableException.class)
        .hasMessageContaining(
            "did not answer GET /api/v2/tenants/default_tenant/databases/default_database")
        .hasMessageContaining("attempt 2 of 2")
        .satisfies(e -> assertThat(((ChromaUnavailableException) e).status()).isEmpty());
  }

  @Test
  void shouldSplitUpsertsByTheServersBatchSize() {
    fake.on("POST", "/collections", 200, COLLECTION)
        .on("GET", "/pre-flight-checks", 200, "{'max_batch_size':2}")
        .on("POST", "/get", 200, "{'ids':[],'metadatas':[]}")
        .on("POST", "/upsert", 200, "{}");
    List<VectorEntry> entries = IntStream.range(0, 5).mapToObj(i -> entry("e" + i)).toList();

    store().upsert("quotes", entries);

    List<FakeChroma.Request> upserts =
        fake.requests().stream().filter(r -> r.path().endsWith("/upsert")).toList();
    assertThat(upserts).hasSize(3);
    assertThat(upserts)
        .extracting(FakeChroma.Request::body)
        .satisfiesExactly(
            b -> assertThat(b).contains("\"ids\":[\"e0\",\"e1\"]"),
            b -> assertThat(b).contains("\"ids\":[\"e2\",\"e3\"]"),
            b -> assertThat(b).contains("\"ids\":[\"e4\"]"));
  }

  @Test
  void shouldUseTheSmallerOfTheConfiguredAndServerBatchSize() {
    fake.on("GET", "/collections/quotes", 200, COLLECTION)
        .on("GET", "/pre-flight-checks", 200, "{'max_batch_size':100}")
        .on("POST", "/delete", 200, "{}");
    ChromaVectorStore store =
        ChromaVectorStore.builder().url(fake.url()).createDatabase(false).maxBatchSize(3).build();

    store.delete("quotes", IntStream.range(0, 7).mapToObj(i -> "d" + i).toList());

    assertThat(fake.requests().stream().filter(r -> r.path().endsWith("/delete")).count())
        .isEqualTo(3);
  }

  @Test
  void shouldFindNothingInAMissingCollectionWithoutCreatingIt() {
    fake.on("GET", "/collections/quotes", 404, "{'error':'NotFoundError','message':'nope'}")
        .on("GET", "/pre-flight-checks", 200, "{'max_batch_size':100}");
    ChromaVectorStore store = store();

    assertThat(store.get("quotes", List.of("a"))).isEmpty();
    assertThat(store.query("quotes", new float[] {1f}, 3, Map.of())).isEmpty();
    store.delete("quotes", List.of("a"));

    assertThat(fake.requests())
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
  }

  @Test
  void shouldCreateAMissingDatabaseOnce() {
    fake.on("GET", "/databases/stocks", 404, "{'error':'NotFoundError','message':'no db'}")
        .on("GET", "/tenants/default_tenant", 200, "{'name':'default_tenant'}")
        .on("POST", "/databases", 200, "{}")
        .on("POST", "/collections", 200, COLLECTION);
    ChromaVectorStore store =
        ChromaVectorStore.builder().url(fake.url()).database("stocks").build();

    store.ensureCollection("quotes");
    store.ensureCollection("quotes");

    assertThat(fake.requests())
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly(
            "GET /api/v2/tenants/default_tenant/databases/stocks",
            "GET /api/v2/tenants/default_tenant",
            "POST /api/v2/tenants/default_tenant/databases",
            "POST /api/v2/tenants/default_tenant/databases/stocks/collections");
  }

  @Test
  void shouldRefuseACollectionWithAnotherDistance() {
    fake.on(
        "POST",
        "/collections",
        200,
        "{'id':'x','name':'quotes','configuration_json':{'hnsw':{'space':'l2'}}}");

    assertThatThrownBy(() -> store().ensureCollection("quotes"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("l2 distance");
  }

  @Test
  void shouldRefuseCallsAfterClose() {
    ChromaVectorStore store = store();
    store.close();

    assertThatThrownBy(() -> store.ensureCollection("quotes"))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void shouldSendConfiguredHeaders() {
    fake.on("POST", "/collections", 200, COLLECTION);
    ChromaVectorStore.builder()
        .url(fake.url() + "/")
        .createDatabase(false)
        .header("x-chroma-token", "secret")
        .build()
        .ensureCollection("quotes");

    assertThat(fake.requests()).hasSize(1);
    assertThat(fake.requests().get(0).header("x-chroma-token")).isEqualTo("secret");
    assertThat(fake.requests().get(0).path()).isEqualTo(DB + "/collections");
  }

  @Test
  void shouldRejectBadBuilderValues() {
    ChromaVectorStoreBuilder b = ChromaVectorStore.builder();

    assertThatThrownBy(() -> b.url("ftp://x"))
        .hasMessageStartingWith("url: \"ftp://x\" is invalid");
    assertThatThrownBy(() -> b.url("http://h:1/?q=1")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> b.tenant(" ")).hasMessageStartingWith("tenant");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
        .hasMessageStartingWith("requestTimeout: \"PT0S\"");
    assertThatThrownBy(() -> b.maxRetries(-1)).hasMessageStartingWith("maxRetries: -1");
    assertThatThrownBy(() -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageStartingWith("maxRetryDelay: \"PT1S\"");
    assertThatThrownBy(() -> b.maxBatchSize(0)).hasMessageStartingWith("maxBatchSize: 0");
  }

  @Test
  void shouldSnapshotTheConfigAtBuild() {
    ChromaVectorStoreBuilder b =
        ChromaVectorStore.builder().url("http://chroma:9000/").tenant("t1");
    ChromaVectorStore store = b.build();
    b.tenant("t2");

    assertThat(store.config().url()).hasToString("http://chroma:9000");
    assertThat(store.config().tenant()).isEqualTo("t1");
    assertThat(store.config().database()).isEqualTo(ChromaConfig.DEFAULT_DATABASE);
    assertThat(store.config().maxBatchSize()).isEmpty();
    assertThat(fake.requests()).isEmpty();
  }
}
