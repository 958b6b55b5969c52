package io.prism.batch.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.chroma.internal.Batches;
import io.prism.batch.chroma.internal.ChromaHttp;
import io.prism.batch.chroma.internal.CollectionNames;
import io.prism.batch.chroma.internal.Payloads;
import io.prism.batch.chroma.internal.WhereFilter;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A {@link VectorStore} kept in a Chroma server (1.x), spoken to over its HTTP API v2.
 *
 * <pre>{@code
 * try (ChromaVectorStore store = ChromaVectorStore.builder()
 *     .url("http://127.0.0.1:8000")
 *     .database("stocks")
 *     .build()) {
 *   store.upsert("quotes", List.of(
 *       new VectorEntry("600519-0", vector, "贵州茅台 …", Map.of("stock", "600519"))));
 *   List<VectorMatch> top = store.query("quotes", question, 5, Map.of("stock", "600519"));
 * }
 * }</pre>
 *
 * <p>Behaviour:
 *
 * <ul>
 *   <li>Each store name is a Chroma collection in the configured tenant and database, created with
 *       the cosine distance ({@code configuration.hnsw.space = cosine}); a query's similarity is
 *       {@code 1 - distance}. A collection that exists with another distance is refused with {@link
 *       InvalidInputException}. Collection ids are cached by name.
 *   <li>The tenant and database are created on first use when missing, unless {@link
 *       ChromaVectorStoreBuilder#createDatabase(boolean)} says not to. The defaults ({@value
 *       ChromaConfig#DEFAULT_TENANT}, {@value ChromaConfig#DEFAULT_DATABASE}) always exist.
 *   <li>{@link #upsert} creates a missing collection; reads on a missing collection find nothing
 *       and {@link #delete} on one does nothing. An upserted entry replaces the record whole,
 *       metadata keys it lacks included. Of entries with the same id in one call, the last wins. An
 *       empty upsert sends nothing.
 *   <li>Requests carry at most the server's {@code max_batch_size} records (from {@code
 *       /api/v2/pre-flight-checks}); larger calls are split. A split call is not atomic.
 *   <li>Metadata values are strings, numbers and booleans; read back, an integer is an {@link
 *       Integer} when it fits, else a {@link Long}, and a fraction a {@link Double}.
 *   <li>Connection errors, timeouts and HTTP 5xx are retried with backoff, then thrown as {@link
 *       ChromaUnavailableException}; an HTTP 4xx is thrown at once as {@link
 *       ChromaRequestException} naming the endpoint and Chroma's message. Bad arguments are
 *       rejected with {@link InvalidInputException} before any request.
 * </ul>
 *
 * <p>Thread-safe. Building contacts no server; the first call that needs Chroma does.
 */
public final class ChromaVectorStore implements VectorStore {
  private static final String ROOT = "/api/v2";
  private static final String[] FULL = {"embeddings", "documents", "metadatas"};

  private final ChromaConfig config;
  private final ChromaHttp http;
  private final String databasePath;
  private final Map<String, String> collectionIds = new ConcurrentHashMap<>();
  private final Object databaseLock = new Object();
  private volatile boolean databaseReady;
  private volatile int batchSize;
  private volatile boolean closed;

  ChromaVectorStore(ChromaConfig config, Optional<HttpClient> client) {
    this.config = config;
    HttpClient httpClient =
        client.orElseGet(
            () ->
                HttpClient.newBuilder()
                    .connectTimeout(config.connectTimeout())
                    .version(HttpClient.Version.HTTP_1_1)
                    .build());
    this.http = new ChromaHttp(config, httpClient, new ObjectMapper());
    this.databasePath =
        ROOT
            + "/tenants/"
            + ChromaHttp.segment(config.tenant())
            + "/databases/"
            + ChromaHttp.segment(config.database());
    this.databaseReady = !config.createDatabase();
  }

  /**
   * Starts a builder with the defaults: {@value ChromaConfig#DEFAULT_URL}, tenant {@value
   * ChromaConfig#DEFAULT_TENANT}, database {@value ChromaConfig#DEFAULT_DATABASE}.
   *
   * @return a new builder
   */
  public static ChromaVectorStoreBuilder builder() {
    return new ChromaVectorStoreBuilder();
  }

  /**
   * Returns the settings this store was built with.
   *
   * @return the settings
   */
  public ChromaConfig config() {
    return config;
  }

  @Override
  public void ensureCollection(String collection) {
    CollectionNames.check(collection);
    open();
    createdId(collection);
  }

  @Override
  public void upsert(String collection, List<VectorEntry> entries) {
    CollectionNames.check(collection);
    Payloads.checkEntries(entries);
    open();
    if (entries.isEmpty()) {
      return;
    }
    List<VectorEntry> distinct = Batches.lastByKey(entries, VectorEntry::id);
    List<List<VectorEntry>> batches = Batches.split(distinct, batchSize());
    onCollection(
        collection,
        true,
        id -> {
          for (List<VectorEntry> batch : batches) {
            List<String> ids = batch.stream().map(VectorEntry::id).toList();
            JsonNode current =
                http.post(
                    collectionPath(id, "get"),
                    Payloads.getByIds(ids, "metadatas"),
                    about(collection));
            http.post(
                collectionPath(id, "upsert"),
                Payloads.upsert(batch, Payloads.metadataKeys(current)),
                about(collection));
          }
          return null;
        },
        null);
  }

  @Override
  public List<VectorEntry> get(String collection, Collection<String> ids) {
    CollectionNames.check(collection);
    List<String> wanted = checkIds(ids);
    open();
    if (wanted.isEmpty()) {
      return List.of();
    }
    return onCollection(
        collection,
        false,
        id -> {
          Map<String, VectorEntry> found = new HashMap<>();
          for (List<String> batch : Batches.split(wanted, batchSize())) {
            JsonNode answer =
                http.post(
                    collectionPath(id, "get"), Payloads.getByIds(batch, FULL), about(collection));
            Payloads.entries(answer).forEach(e -> found.put(e.id(), e));
          }
          List<VectorEntry> ordered = new ArrayList<>(found.size());
          for (String w : wanted) {
            VectorEntry e = found.get(w);
            if (e != null) {
              ordered.add(e);
            }
          }
          return List.copyOf(ordered);
        },
        List.of());
  }

  @Override
  public List<String> ids(String collection, Map<String, Object> filter) {
    CollectionNames.check(collection);
    WhereFilter where = WhereFilter.of(filter);
    open();
    if (where.matchesNothing()) {
      return List.of();
    }
    return onCollection(
        collection,
        false,
        id -> {
          int page = batchSize();
          List<String> all = new ArrayList<>();
          for (int offset = 0; ; offset += page) {
            List<String> ids =
                Payloads.ids(
                    http.post(
                        collectionPath(id, "get"),
                        Payloads.idsPage(where, page, offset),
                        about(collection)));
            all.addAll(ids);
            if (ids.size() < page) {
              return List.copyOf(all);
            }
          }
        },
        List.of());
  }

  @Override
  public List<VectorMatch> query(
      String collection, float[] vector, int limit, Map<String, Object> filter) {
    CollectionNames.check(collection);
    Payloads.checkVector("vector", vector);
    if (limit < 0) {
      throw new InvalidInputException("limit", limit, "must be zero or more");
    }
    WhereFilter where = WhereFilter.of(filter);
    open();
    if (limit == 0 || where.matchesNothing()) {
      return List.of();
    }
    return onCollection(
        collection,
        false,
        id ->
            List.copyOf(
                Payloads.matches(
                    http.post(
                        collectionPath(id, "query"),
                        Payloads.query(vector, limit, where),
                        about(collection)))),
        List.of());
  }

  @Override
  public void delete(String collection, Collection<String> ids) {
    CollectionNames.check(collection);
    List<String> doomed = checkIds(ids);
    open();
    if (doomed.isEmpty()) {
      return;
    }
    onCollection(
        collection,
        false,
        id -> {
          for (List<String> batch : Batches.split(doomed, batchSize())) {
            http.post(collectionPath(id, "delete"), Payloads.deleteByIds(batch), about(collection));
          }
          return null;
        },
        null);
  }

  /**
   * Deletes a whole collection with its records. Not part of {@link VectorStore}.
   *
   * @param collection the collection name
   * @return true if it existed
   * @throws InvalidInputException if the name is not a valid collection name
   */
  public boolean deleteCollection(String collection) {
    CollectionNames.check(collection);
    open();
    ensureDatabase();
    try {
      http.delete(collectionsPath() + "/" + ChromaHttp.segment(collection), about(collection));
      return true;
    } catch (ChromaRequestException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    } finally {
      collectionIds.remove(collection);
    }
  }

  /** Marks the store closed; later calls fail. A given {@link HttpClient} stays open. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "ChromaVectorStore{"
        + config.url()
        + ", "
        + config.tenant()
        + "/"
        + config.database()
        + "}";
  }

  /**
   * Runs an operation with the collection's id. A cached id that Chroma no longer knows (the
   * collection was deleted, maybe re-created) is dropped and looked up once more.
   */
  private <T> T onCollection(
      String collection, boolean create, Function<String, T> operation, T whenMissing) {
    for (int round = 0; ; round++) {
      boolean cached = collectionIds.containsKey(collection);
      Optional<String> id = create ? Optional.of(createdId(collection)) : existingId(collection);
      if (id.isEmpty()) {
        return whenMissing;
      }
      try {
        return operation.apply(id.get());
      } catch (ChromaRequestException e) {
        if (e.status() == 404 && cached && round == 0) {
          collectionIds.remove(collection, id.get());
          continue;
        }
        throw e;
      }
    }
  }

  private String createdId(String collection) {
    String id = collectionIds.get(collection);
    if (id != null) {
      return id;
    }
    ensureDatabase();
    JsonNode answer =
        http.post(collectionsPath(), Payloads.createCollection(collection), about(collection));
    return remember(collection, answer);
  }

  private Optional<String> existingId(String collection) {
    String id = collectionIds.get(collection);
    if (id != null) {
      return Optional.of(id);
    }
    ensureDatabase();
    JsonNode answer;
    try {
      answer =
          http.get(collectionsPath() + "/" + ChromaHttp.segment(collection), about(collection));
    } catch (ChromaRequestException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(remember(collection, answer));
  }

  private String remember(String collection, JsonNode answer) {
    String id = answer.path("id").asText("");
    if (id.isEmpty()) {
      throw new BatchException(
          "Chroma answered without a collection id for " + about(collection) + ": " + answer);
    }
    String space = Payloads.space(answer);
    if (!"cosine".equals(space)) {
      throw new InvalidInputException(
          "collection",
          collection,
          "exists in Chroma with the " + space + " distance; this store needs cosine");
    }
    collectionIds.put(collection, id);
    return id;
  }

  private void ensureDatabase() {
    if (databaseReady) {
      return;
    }
    synchronized (databaseLock) {
      if (databaseReady) {
        return;
      }
      String tenantPath = ROOT + "/tenants/" + ChromaHttp.segment(config.tenant());
      if (!exists(databasePath)) {
        if (!exists(tenantPath)) {
          createIgnoringConflict(
              ROOT + "/tenants",
              JsonNodeFactory.instance.objectNode().put("name", config.tenant()),
              "tenant \"" + config.tenant() + "\"");
        }
        createIgnoringConflict(
            tenantPath + "/databases",
            JsonNodeFactory.instance.objectNode().put("name", config.database()),
            "database \"" + config.database() + "\"");
      }
      databaseReady = true;
    }
  }

  private boolean exists(String path) {
    try {
      http.get(path, "");
      return true;
    } catch (ChromaRequestException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  private void createIgnoringConflict(String path, JsonNode body, String context) {
    try {
      http.post(path, body, context);
    } catch (ChromaRequestException e) {
      if (e.status() != 409) {
        throw e;
      }
    }
  }

  private int batchSize() {
    int size = batchSize;
    if (size > 0) {
      return size;
    }
    JsonNode checks = http.get(ROOT + "/pre-flight-checks", "");
    int server = checks.path("max_batch_size").asInt(0);
    if (server < 1) {
      throw new BatchException(
          "Chroma's /api/v2/pre-flight-checks gave no usable max_batch_size: " + checks);
    }
    size = Math.min(server, config.maxBatchSize().orElse(Integer.MAX_VALUE));
    batchSize = size;
    return size;
  }

  private List<String> checkIds(Collection<String> ids) {
    if (ids == null) {
      throw new InvalidInputException("ids", null, "must not be null");
    }
    for (String id : ids) {
      if (id == null || id.isEmpty()) {
        throw new InvalidInputException("ids", id, "must hold no empty id");
      }
    }
    return Batches.distinct(ids);
  }

  private void open() {
    if (closed) {
      throw new BatchException("the Chroma store for " + config.url() + " is closed");
    }
  }

  private String collectionsPath() {
    return databasePath + "/collections";
  }

  private String collectionPath(String id, String operation) {
    return collectionsPath() + "/" + ChromaHttp.segment(id) + "/" + operation;
  }

  private static String about(String collection) {
    return "collection \"" + collection + "\"";
  }
}
