package io.prism.batch.api.rag;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A store of vectors in named collections, searched by cosine similarity. SPI.
 *
 * <p>Filters are equality matches on metadata: a key maps to one allowed value or to a
 * {@link Collection} of allowed values. Implementations are thread-safe.
 */
public interface VectorStore extends AutoCloseable {

  /**
   * Creates the collection if it does not exist (cosine space).
   *
   * @param collection the collection name: 3–512 characters of {@code [a-zA-Z0-9._-]}
   */
  void ensureCollection(String collection);

  /**
   * Inserts or replaces entries by id.
   *
   * @param collection the collection
   * @param entries the entries
   */
  void upsert(String collection, List<VectorEntry> entries);

  /**
   * Reads entries by id; missing ids are left out.
   *
   * @param collection the collection
   * @param ids the ids
   * @return the entries found
   */
  List<VectorEntry> get(String collection, Collection<String> ids);

  /**
   * Lists the ids of entries matching a filter.
   *
   * @param collection the collection
   * @param filter metadata filter; empty for all
   * @return the ids
   */
  List<String> ids(String collection, Map<String, Object> filter);

  /**
   * Finds the entries most similar to a vector.
   *
   * @param collection the collection
   * @param vector the query vector
   * @param limit the most results
   * @param filter metadata filter; empty for none
   * @return matches, most similar first
   */
  List<VectorMatch> query(
      String collection, float[] vector, int limit, Map<String, Object> filter);

  /**
   * Deletes entries by id; unknown ids are ignored.
   *
   * @param collection the collection
   * @param ids the ids
   */
  void delete(String collection, Collection<String> ids);

  /** Releases resources. */
  @Override
  default void close() {}
}
