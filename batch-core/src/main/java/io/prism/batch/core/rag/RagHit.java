package io.prism.batch.core.rag;

import java.util.Objects;

/**
 * One chunk a {@link RagQuery} returned, from an active version.
 *
 * @param stockCode the stock
 * @param dataType the data type
 * @param versionId the (active) version the chunk belongs to
 * @param chunkIndex the chunk's position in its document
 * @param text the chunk text
 * @param similarity cosine similarity to the question, at least the threshold
 * @param metadataMatch how well the chunk's stock and type match those named in the question,
 *     0 to 1 (see {@link RagQuery})
 * @param score the hybrid score: {@code vectorWeight · similarity + metadataWeight ·
 *     metadataMatch}
 * @param vectorId the vector's id
 * @param collection the collection it was found in
 */
public record RagHit(String stockCode, String dataType, String versionId, int chunkIndex,
    String text, double similarity, double metadataMatch, double score, String vectorId,
    String collection) {

  /** Checks for nulls. */
  public RagHit {
    Objects.requireNonNull(stockCode, "stockCode");
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(versionId, "versionId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(vectorId, "vectorId");
    Objects.requireNonNull(collection, "collection");
  }
}
