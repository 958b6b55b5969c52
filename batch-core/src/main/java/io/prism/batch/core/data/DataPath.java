package io.prism.batch.core.data;

import io.prism.batch.api.data.DataKey;
import java.util.Collection;

/**
 * Reads market data through the tiers: L1 cache → L2 store (if fresh for the data type) → L3
 * source, writing back to L2 and L1. Thread-safe.
 */
public interface DataPath {

  /**
   * Reads one record. Concurrent misses of one key load it once; a not-found answer is cached
   * briefly; if the source fails, a stale L2 record is served and marked stale.
   *
   * @param key the stock and data type
   * @return the result
   * @throws DataUnavailableException if the source fails and L2 has nothing
   */
  ReadResult get(DataKey key);

  /**
   * Reads one record by stock code and data type.
   *
   * @param stockCode six digits
   * @param dataType the type name
   * @return the result
   */
  default ReadResult get(String stockCode, String dataType) {
    return get(new DataKey(stockCode, dataType));
  }

  /**
   * Fills L2 and L1 for the keys in bulk: fresh L2 records go to L1; the others are fetched
   * (through the source's rate limit), stored, and cached; changed ones are announced.
   *
   * @param keys the keys
   * @return what was done
   */
  WarmResult warm(Collection<DataKey> keys);

  /**
   * Returns the read statistics.
   *
   * @return live statistics
   */
  ReadStats stats();
}
