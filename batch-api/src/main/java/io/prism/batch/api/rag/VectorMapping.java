package io.prism.batch.api.rag;

import java.util.Objects;

/**
 * Where one chunk of a version lives in the vector store (the seed's {@code
 * rag_vector_mappings}).
 *
 * @param versionId the version
 * @param vectorId the vector's id in its collection
 * @param collection the collection name
 * @param chunkIndex the chunk's position in the rendered text, from 0
 * @param chunkText the chunk's text
 */
public record VectorMapping(
    String versionId, String vectorId, String collection, int chunkIndex, String chunkText) {

  /** Checks for nulls. */
  public VectorMapping {
    Objects.requireNonNull(versionId, "versionId");
    Objects.requireNonNull(vectorId, "vectorId");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(chunkText, "chunkText");
  }
}
