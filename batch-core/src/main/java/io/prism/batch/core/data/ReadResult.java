package io.prism.batch.core.data;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of one read.
 *
 * @param key what was read
 * @param record the record, or empty when the source has no such data
 * @param tier where it came from
 * @param stale true when an out-of-date L2 record was served because the source failed
 * @param latency how long the read took
 */
public record ReadResult(
    DataKey key, Optional<DataRecord> record, Tier tier, boolean stale, Duration latency) {

  /**
   * Tells whether the read was served without calling the source.
   *
   * @return true for L1 and L2
   */
  public boolean cacheHit() {
    return tier == Tier.L1 || tier == Tier.L2;
  }
}
