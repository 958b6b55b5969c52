package io.prism.batch.api.rag;

import io.prism.batch.api.data.DataKey;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ledger of RAG data versions and their vector mappings. SPI. Thread-safe.
 *
 * <p>The sync writes new, then flips, then cleans: {@link #createPending}, upsert vectors,
 * {@link #addMappings}, {@link #activate} (the old active version becomes deprecated in the
 * same transaction), then delete the superseded vectors. A failure marks the new version
 * {@link #markFailed failed} and leaves the old one active.
 */
public interface VersionStore extends AutoCloseable {

  /**
   * Creates a pending version.
   *
   * @param key the stock and data type
   * @param dataHash the content hash
   * @param embeddingModel the model id
   * @param sourceData the record's JSON payload
   * @return the new version
   */
  DataVersion createPending(DataKey key, String dataHash, String embeddingModel, String sourceData);

  /**
   * Records the vectors of a pending version (replacing any recorded before for it).
   *
   * @param versionId the version
   * @param mappings its chunks' vectors
   */
  void addMappings(String versionId, List<VectorMapping> mappings);

  /**
   * Makes a pending (or deprecated, for rollback) version active and deprecates the key's
   * previous active version, atomically.
   *
   * @param versionId the version
   * @return the version as activated
   * @throws io.prism.batch.api.InvalidInputException if it does not exist or is failed/archived
   */
  DataVersion activate(String versionId);

  /**
   * Marks a pending version failed.
   *
   * @param versionId the version
   * @param error why
   */
  void markFailed(String versionId, String error);

  /**
   * Reactivates the newest deprecated version of a key; the current active one becomes
   * deprecated.
   *
   * @param key the key
   * @return the reactivated version, or empty if there is none to roll back to
   */
  Optional<DataVersion> rollback(DataKey key);

  /**
   * Archives deprecated versions deprecated before the cutoff and drops their mappings.
   *
   * @param cutoff the cutoff
   * @return the archived versions (their vectors are the caller's to delete)
   */
  List<DataVersion> archiveDeprecatedBefore(Instant cutoff);

  /**
   * Reads a version.
   *
   * @param versionId the id
   * @return the version, or empty
   */
  Optional<DataVersion> get(String versionId);

  /**
   * Reads a key's active version.
   *
   * @param key the key
   * @return the active version, or empty
   */
  Optional<DataVersion> active(DataKey key);

  /**
   * Lists a key's versions, newest first.
   *
   * @param key the key
   * @return the versions
   */
  List<DataVersion> history(DataKey key);

  /**
   * Lists versions in a status, e.g. every active one for reconciliation.
   *
   * @param status the status
   * @return the versions
   */
  List<DataVersion> byStatus(VersionStatus status);

  /**
   * Reads a version's mappings, by chunk index.
   *
   * @param versionId the version
   * @return the mappings
   */
  List<VectorMapping> mappings(String versionId);

  /**
   * Filters version ids down to the active ones, in one round trip.
   *
   * @param versionIds candidate ids
   * @return those that are active now
   */
  Set<String> activeAmong(Collection<String> versionIds);

  /** Releases resources. */
  @Override
  default void close() {}
}
