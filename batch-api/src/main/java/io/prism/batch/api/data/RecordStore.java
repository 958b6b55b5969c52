package io.prism.batch.api.data;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The L2 store of fetched records, one per {@link DataKey}. SPI. Thread-safe.
 */
public interface RecordStore extends AutoCloseable {

  /**
   * Reads one record.
   *
   * @param key the key
   * @return the record, or empty
   */
  Optional<DataRecord> get(DataKey key);

  /**
   * Reads many records.
   *
   * @param keys the keys
   * @return the records found, by key
   */
  Map<DataKey, DataRecord> getAll(Collection<DataKey> keys);

  /**
   * Inserts or replaces records in one transaction.
   *
   * @param records the records
   * @return the keys whose content hash changed (new keys included)
   */
  List<DataKey> upsertAll(Collection<DataRecord> records);

  /**
   * Deletes records.
   *
   * @param keys the keys
   * @return how many existed
   */
  int deleteAll(Collection<DataKey> keys);

  /**
   * Lists the keys of records fetched before an instant, for cleaning.
   *
   * @param before the instant
   * @param limit the most keys to return
   * @return the keys, oldest first
   */
  List<DataKey> keysFetchedBefore(Instant before, int limit);

  /**
   * Lists every stored key.
   *
   * @return the keys
   */
  List<DataKey> keys();

  /** Releases resources. */
  @Override
  default void close() {}
}
