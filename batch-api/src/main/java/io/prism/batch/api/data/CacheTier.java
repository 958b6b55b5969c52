package io.prism.batch.api.data;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The L1 cache in front of the record store. SPI.
 *
 * <p>A cache tier never throws on reads or writes because its backend is down: a read then
 * misses, a write is dropped and counted in {@link #droppedWrites()}. Thread-safe.
 */
public interface CacheTier extends AutoCloseable {

  /**
   * Returns the tier's name for metrics, e.g. {@code caffeine} or {@code redis}.
   *
   * @return the name
   */
  String name();

  /**
   * Reads one record.
   *
   * @param key the key
   * @return the record, or empty on a miss or when the backend is unavailable
   */
  Optional<DataRecord> get(DataKey key);

  /**
   * Reads many records in one round trip.
   *
   * @param keys the keys
   * @return the records found, by key
   */
  Map<DataKey, DataRecord> getAll(Collection<DataKey> keys);

  /**
   * Writes many records in one round trip (pipelined where the backend allows).
   *
   * @param records the records
   * @param ttl the time to live of each record, e.g. by its data type
   */
  void putAll(Collection<DataRecord> records, Function<DataKey, Duration> ttl);

  /**
   * Removes records.
   *
   * @param keys the keys
   */
  void invalidate(Collection<DataKey> keys);

  /**
   * Counts writes dropped because the backend was unavailable.
   *
   * @return the count since start
   */
  default long droppedWrites() {
    return 0;
  }

  /** Releases resources. */
  @Override
  default void close() {}
}
