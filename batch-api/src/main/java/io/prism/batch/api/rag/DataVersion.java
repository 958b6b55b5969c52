package io.prism.batch.api.rag;

import io.prism.batch.api.data.DataKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of a record's vectorised content (the seed's {@code rag_data_versions}).
 *
 * @param versionId unique id (a UUID)
 * @param key the stock and data type
 * @param dataHash the content hash the version was built from (record hash + model + chunker)
 * @param status the lifecycle status
 * @param embeddingModel the embedder's model id
 * @param chunkCount number of chunks (and vectors)
 * @param sourceData the record's JSON payload the version was built from
 * @param createdAt when it was created
 * @param activatedAt when it became active
 * @param deprecatedAt when it was superseded
 * @param error why it failed, for a failed version
 */
public record DataVersion(
    String versionId,
    DataKey key,
    String dataHash,
    VersionStatus status,
    String embeddingModel,
    int chunkCount,
    String sourceData,
    Instant createdAt,
    Optional<Instant> activatedAt,
    Optional<Instant> deprecatedAt,
    Optional<String> error) {

  /** Checks for nulls. */
  public DataVersion {
    Objects.requireNonNull(versionId, "versionId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(dataHash, "dataHash");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(embeddingModel, "embeddingModel");
    Objects.requireNonNull(sourceData, "sourceData");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(activatedAt, "activatedAt");
    Objects.requireNonNull(deprecatedAt, "deprecatedAt");
    Objects.requireNonNull(error, "error");
  }
}
