package io.prism.batch.api.rag;

import java.util.Map;

/**
 * One result of a vector search.
 *
 * @param id the vector id
 * @param text the chunk text
 * @param metadata its metadata
 * @param similarity cosine similarity to the query, -1 to 1
 */
public record VectorMatch(String id, String text, Map<String, Object> metadata, double similarity) {
  /** Copies the metadata. */
  public VectorMatch {
    metadata = Map.copyOf(metadata);
  }
}
