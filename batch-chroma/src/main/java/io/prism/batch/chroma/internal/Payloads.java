package io.prism.batch.chroma.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds Chroma v2 request bodies and reads its answers. Stateless. */
public final class Payloads {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Payloads() {}

  /**
   * Body of {@code POST .../collections} that gets or creates a cosine-space collection.
   *
   * @param name the collection name
   * @return the body
   */
  public static ObjectNode createCollection(String name) {
    ObjectNode body = JSON.objectNode();
    body.put("name", name);
    body.putObject("configuration").putObject("hnsw").put("space", "cosine");
    body.put("get_or_create", true);
    return body;
  }

  /**
   * Returns the distance space of a collection as Chroma describes it.
   *
   * @param collection a collection object from Chroma
   * @return e.g. {@code cosine}, {@code l2}, {@code ip}; {@code l2} when none is stated, as
   *     Chroma's default
   */
  public static String space(JsonNode collection) {
    JsonNode config = collection.path("configuration_json");
    for (String index : List.of("hnsw", "spann")) {
      JsonNode space = config.path(index).path("space");
      if (space.isTextual()) {
        return space.textValue();
      }
    }
    JsonNode legacy = collection.path("metadata").path("hnsw:space");
    return legacy.isTextual() ? legacy.textValue() : "l2";
  }

  /**
   * Checks entries before any is sent.
   *
   * @param entries the entries
   * @throws InvalidInputException naming the first bad entry and field
   */
  public static void checkEntries(List<VectorEntry> entries) {
    if (entries == null) {
      throw new InvalidInputException("entries", null, "must not be null");
    }
    for (int i = 0; i < entries.size(); i++) {
      VectorEntry e = entries.get(i);
      String field = "entries[" + i + "]";
      if (e == null) {
        throw new InvalidInputException(field, null, "must not be null");
      }
      if (e.id() == null || e.id().isEmpty()) {
        throw new InvalidInputException(field + ".id", e.id(), "must not be empty");
      }
      checkVector(field + ".vector", e.vector());
      if (e.text() == null) {
        throw new InvalidInputException(field + ".text", null, "must not be null; use \"\"");
      }
      MetadataValues.toJson(field + ".metadata", e.metadata());
    }
  }

  /**
   * Checks a vector: not empty, finite values only.
   *
   * @param field its name, for the message
   * @param vector the vector
   * @throws InvalidInputException if it is null, empty or holds NaN or an infinity
   */
  public static void checkVector(String field, float[] vector) {
    if (vector == null || vector.length == 0) {
      throw new InvalidInputException(field, vector == null ? null : "[]", "must not be empty");
    }
    for (int j = 0; j < vector.length; j++) {
      if (!Float.isFinite(vector[j])) {
        throw new InvalidInputException(field + "[" + j + "]", vector[j], "must be finite");
      }
    }
  }

  /**
   * Body of {@code POST .../upsert}. Chroma merges metadata on upsert, so keys a record has now and
   * the entry lacks are sent as null, which removes them: the entry replaces the record.
   *
   * @param batch entries with distinct ids
   * @param currentKeys metadata keys each id has in Chroma now; absent ids have none
   * @return the body
   */
  public static ObjectNode upsert(List<VectorEntry> batch, Map<String, Set<String>> currentKeys) {
    ObjectNode body = JSON.objectNode();
    ArrayNode ids = body.putArray("ids");
    ArrayNode embeddings = body.putArray("embeddings");
    ArrayNode documents = body.putArray("documents");
    ArrayNode metadatas = body.putArray("metadatas");
    for (VectorEntry e : batch) {
      ids.add(e.id());
      ArrayNode vector = embeddings.addArray();
      for (float f : e.vector()) {
        vector.add(f);
      }
      documents.add(e.text());
      ObjectNode metadata = MetadataValues.toJson("metadata", e.metadata());
      for (String key : currentKeys.getOrDefault(e.id(), Set.of())) {
        if (!metadata.has(key)) {
          metadata.putNull(key);
        }
      }
      if (metadata.isEmpty()) {
        metadatas.addNull();
      } else {
        metadatas.add(metadata);
      }
    }
    return body;
  }

  /**
   * Body of {@code POST .../get} by ids.
   *
   * @param ids the ids
   * @param include what to return: {@code embeddings}, {@code documents}, {@code metadatas}
   * @return the body
   */
  public static ObjectNode getByIds(Collection<String> ids, String... include) {
    ObjectNode body = JSON.objectNode();
    ArrayNode array = body.putArray("ids");
    ids.forEach(array::add);
    ArrayNode inc = body.putArray("include");
    for (String i : include) {
      inc.add(i);
    }
    return body;
  }

  /**
   * Body of {@code POST .../get} for one page of ids matching a filter.
   *
   * @param where the filter
   * @param limit the page size
   * @param offset records to skip
   * @return the body
   */
  public static ObjectNode idsPage(WhereFilter where, int limit, int offset) {
    ObjectNode body = JSON.objectNode();
    where.where().ifPresent(w -> body.set("where", w));
    body.put("limit", limit);
    body.put("offset", offset);
    body.putArray("include");
    return body;
  }

  /**
   * Body of {@code POST .../delete} by ids.
   *
   * @param ids the ids
   * @return the body
   */
  public static ObjectNode deleteByIds(Collection<String> ids) {
    ObjectNode body = JSON.objectNode();
    ArrayNode array = body.putArray("ids");
    ids.forEach(array::add);
    return body;
  }

  /**
   * Body of {@code POST .../query} for one vector.
   *
   * @param vector the query vector
   * @param limit the most results
   * @param where the filter
   * @return the body
   */
  public static ObjectNode query(float[] vector, int limit, WhereFilter where) {
    ObjectNode body = JSON.objectNode();
    ArrayNode v = body.putArray("query_embeddings").addArray();
    for (float f : vector) {
      v.add(f);
    }
    body.put("n_results", limit);
    where.where().ifPresent(w -> body.set("where", w));
    body.putArray("include").add("documents").add("metadatas").add("distances");
    return body;
  }

  /**
   * Reads the ids of a get answer.
   *
   * @param answer the answer
   * @return the ids
   */
  public static List<String> ids(JsonNode answer) {
    List<String> ids = new ArrayList<>();
    answer.path("ids").forEach(id -> ids.add(id.asText()));
    return ids;
  }

  /**
   * Reads the records of a get answer.
   *
   * @param answer the answer, with embeddings, documents and metadatas included
   * @return the entries, in Chroma's order
   */
  public static List<VectorEntry> entries(JsonNode answer) {
    JsonNode ids = answer.path("ids");
    List<VectorEntry> entries = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      JsonNode embedding = answer.path("embeddings").path(i);
      float[] vector = new float[embedding.isArray() ? embedding.size() : 0];
      for (int j = 0; j < vector.length; j++) {
        vector[j] = embedding.get(j).floatValue();
      }
      entries.add(
          new VectorEntry(
              ids.get(i).asText(),
              vector,
              text(answer.path("documents").path(i)),
              MetadataValues.fromJson(answer.path("metadatas").path(i))));
    }
    return entries;
  }

  /**
   * Reads the matches of a one-vector query answer: similarity is 1 minus the cosine distance,
   * clamped to [-1, 1].
   *
   * @param answer the answer, with documents, metadatas and distances included
   * @return the matches, most similar first
   */
  public static List<VectorMatch> matches(JsonNode answer) {
    JsonNode ids = answer.path("ids").path(0);
    JsonNode distances = answer.path("distances").path(0);
    List<VectorMatch> matches = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      JsonNode distance = distances.path(i);
      if (!distance.isNumber()) {
        throw new BatchException(
            "Chroma answered a query without a distance for " + ids.get(i).asText());
      }
      double similarity = Math.max(-1.0, Math.min(1.0, 1.0 - distance.doubleValue()));
      matches.add(
          new VectorMatch(
              ids.get(i).asText(),
              text(answer.path("documents").path(0).path(i)),
              MetadataValues.fromJson(answer.path("metadatas").path(0).path(i)),
              similarity));
    }
    matches.sort(Comparator.comparingDouble(VectorMatch::similarity).reversed());
    return matches;
  }

  /**
   * Reads the metadata keys of each record of a get answer.
   *
   * @param answer the answer, with metadatas included
   * @return id to its metadata keys
   */
  public static Map<String, Set<String>> metadataKeys(JsonNode answer) {
    JsonNode ids = answer.path("ids");
    Map<String, Set<String>> keys = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode metadata = answer.path("metadatas").path(i);
      if (metadata.isObject() && !metadata.isEmpty()) {
        Set<String> names = new HashSet<>();
        for (Iterator<String> it = metadata.fieldNames(); it.hasNext(); ) {
          names.add(it.next());
        }
        keys.put(ids.get(i).asText(), names);
      }
    }
    return keys;
  }

  private static String text(JsonNode document) {
    return document.isTextual() ? document.textValue() : "";
  }
}
