package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.chroma.ChromaVectorStore;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresMigrations;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The real servers the RAG integration tests run against, found as the other modules' ITs find
 * them: PostgreSQL at {@code -Dprism.postgres.url} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}, trust), and Chroma at the
 * system property or environment variable {@code CHROMA_URL}, else {@code
 * http://127.0.0.1:$CHROMA_PORT} (port 8000 by default, as {@code .ci/chroma.sh} starts it). Each
 * test class works in a schema and under a collection prefix of its own and drops both
 * afterwards. A server that cannot be reached fails the tests; it never skips them.
 */
final class RagServers {
  static final String PG_URL =
      System.getProperty("prism.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = System.getProperty("prism.postgres.user", "postgres");
  static final String PG_PASSWORD = System.getProperty("prism.postgres.password", "");
  static final String DB_PATH = "/api/v2/tenants/default_tenant/databases/default_database";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private RagServers() {}

  /** The Chroma server's base URL, without a trailing slash. */
  static String chromaUrl() {
    String url = System.getProperty("CHROMA_URL");
    if (url == null || url.isBlank()) {
      url = System.getenv("CHROMA_URL");
    }
    if (url == null || url.isBlank()) {
      String port = System.getenv("CHROMA_PORT");
      url = "http://127.0.0.1:" + (port == null || port.isBlank() ? "8000" : port.strip());
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Fails the calling test unless a Chroma server answers its heartbeat. */
  static void requireChroma() {
    try {
      HttpResponse<String> r = send("GET", "/api/v2/heartbeat", null);
      if (r.statusCode() != 200 || !r.body().contains("heartbeat")) {
        fail("Chroma at %s answered the heartbeat with HTTP %d: %s", chromaUrl(), r.statusCode(),
            r.body());
      }
    } catch (IOException e) {
      fail("Chroma is not reachable at %s (%s). Start it with .ci/chroma.sh, or point CHROMA_URL"
          + " at a running server.", chromaUrl(), e);
    }
  }

  /** Opens a pool on the test database; fails if PostgreSQL cannot be reached. */
  static PostgresDataSource openDb() {
    PostgresDataSource db = PostgresDataSource.builder().url(PG_URL).user(PG_USER)
        .password(PG_PASSWORD).maximumPoolSize(4).build();
    db.jdbi().useHandle(h -> h.execute("SELECT 1"));
    return db;
  }

  /** Creates and migrates a schema no other test run uses. */
  static String freshSchema(PostgresDataSource db, Class<?> testClass) {
    String schema = "it_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_" + shortId();
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
    return schema;
  }

  /** A collection prefix no other test run uses, e.g. {@code it-ragsyncit-1a2b3c4d5e6f_}. */
  static CollectionNames freshCollections(Class<?> testClass) {
    return CollectionNames.withPrefix(
        "it-" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "-" + shortId() + "_");
  }

  static void dropSchema(PostgresDataSource db, String schema) {
    db.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
  }

  /** Empties the schema's RAG ledger and records. */
  static void truncate(PostgresDataSource db, String schema) {
    db.jdbi().useHandle(h -> h.execute(String.format(Locale.ROOT,
        "TRUNCATE \"%1$s\".rag_vector_mappings, \"%1$s\".rag_data_versions, \"%1$s\".market_data"
            + " CASCADE", schema)));
  }

  /** Deletes the collection of every default data type under the naming's prefix. */
  static void dropCollections(CollectionNames collections) {
    ChromaVectorStore store = ChromaVectorStore.builder().url(chromaUrl()).build();
    try {
      for (String type : DataTypes.defaults().names()) {
        store.deleteCollection(collections.forType(type));
      }
    } finally {
      store.close();
    }
  }

  /** Deletes vectors by id straight through Chroma's HTTP API, behind the stores' backs. */
  static void deleteBehindTheBack(String collection, String... ids) throws IOException {
    JsonNode c = JSON.readTree(send("GET", DB_PATH + "/collections/" + collection, null).body());
    String id = c.path("id").asText();
    if (id.isEmpty()) {
      fail("Chroma has no collection %s: %s", collection, c);
    }
    String body = JSON.writeValueAsString(Map.of("ids", List.of(ids)));
    HttpResponse<String> r = send("POST", DB_PATH + "/collections/" + id + "/delete", body);
    if (r.statusCode() / 100 != 2) {
      fail("Chroma refused to delete %s from %s: HTTP %d %s", List.of(ids), collection,
          r.statusCode(), r.body());
    }
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(chromaUrl() + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String shortId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
