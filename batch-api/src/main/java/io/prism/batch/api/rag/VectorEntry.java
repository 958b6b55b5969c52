package io.prism.batch.api.rag;

import java.util.Map;

/**
 * One vector with its text and metadata, as stored in a collection.
 *
 * @param id the vector id, unique within its collection
 * @param vector the embedding (may be empty when read back without embeddings)
 * @param text the chunk text
 * @param metadata flat metadata: strings, numbers or booleans
 */
public record VectorEntry(String id, float[] vector, String text, Map<String, Object> metadata) {
  /** Copies the metadata. */
  public VectorEntry {
    metadata = Map.copyOf(metadata);
  }
}
