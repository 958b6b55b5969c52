package io.prism.batch.core.rag;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.core.internal.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one RAG sync of a record did.
 *
 * @param key the record's key
 * @param status whether anything was written
 * @param versionId the version active afterwards
 * @param chunks its chunk count
 * @param embedded texts sent to the embedder by this sync (0 when unchanged or fully reused)
 * @param reused vectors of an interrupted earlier run that were kept instead of re-embedded
 * @param previousVersionId the version this sync superseded, if any
 * @param cleanupError why the superseded version's vectors could not all be deleted; the
 *     {@link Reconciler} removes them later
 */
public record SyncResult(DataKey key, Status status, String versionId, int chunks, int embedded,
    int reused, Optional<String> previousVersionId, Optional<String> cleanupError) {

  /** The outcome of a sync. */
  public enum Status {
    /** The active version already had the record's hash: nothing embedded or written. */
    UNCHANGED,
    /** A new version was written and activated. */
    SYNCED
  }

  /** Checks for nulls. */
  public SyncResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(versionId, "versionId");
    Objects.requireNonNull(previousVersionId, "previousVersionId");
    Objects.requireNonNull(cleanupError, "cleanupError");
  }

  /**
   * Writes the result as the task output.
   *
   * @return a JSON object
   */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", key.toString());
    m.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
    m.put("versionId", versionId);
    m.put("chunks", chunks);
    m.put("embedded", embedded);
    m.put("reused", reused);
    previousVersionId.ifPresent(p -> m.put("previousVersionId", p));
    cleanupError.ifPresent(e -> m.put("cleanupError", e));
    return CanonicalJson.write(m);
  }
}
