package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * One record of market data as the tiers hold it.
 *
 * @param key what it is
 * @param payload the data as a JSON document
 * @param contentHash SHA-256 (hex) of the canonical payload without volatile fields
 * @param fetchedAt when it was fetched from the source
 * @param source the name of the source it came from, e.g. {@code akshare}
 * @param stale true when served past its freshness because the source failed
 */
public record DataRecord(
    DataKey key, String payload, String contentHash, Instant fetchedAt, String source,
    boolean stale) {

  /** Checks the fields. */
  public DataRecord {
    Objects.requireNonNull(key, "key");
    if (payload == null || payload.isBlank()) {
      throw new InvalidInputException("payload", payload, "must be a JSON document");
    }
    if (contentHash == null || contentHash.isEmpty()) {
      throw new InvalidInputException("contentHash", contentHash, "must not be empty");
    }
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    Objects.requireNonNull(source, "source");
  }

  /**
   * Returns a copy marked stale.
   *
   * @return the copy
   */
  public DataRecord asStale() {
    return stale ? this : new DataRecord(key, payload, contentHash, fetchedAt, source, true);
  }
}
