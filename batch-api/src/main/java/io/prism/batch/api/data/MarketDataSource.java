package io.prism.batch.api.data;

import java.util.Optional;
import java.util.Set;

/**
 * The L3 source of market data, e.g. AKShare. SPI.
 *
 * <p>Failures are signalled by exceptions that the engine classifies: {@link
 * io.prism.batch.api.PermanentTaskException} for a bad request, {@link
 * io.prism.batch.api.RateLimitedException} when the source asks to slow down, anything else as
 * transient. Thread-safe.
 */
public interface MarketDataSource extends AutoCloseable {

  /**
   * Returns the source's name, recorded in every record it returns.
   *
   * @return e.g. {@code akshare}
   */
  String name();

  /**
   * Returns the data types this source can fetch.
   *
   * @return type names
   */
  Set<String> dataTypes();

  /**
   * Fetches one record.
   *
   * @param key what to fetch
   * @return the record, or empty when the source has no such data
   */
  Optional<DataRecord> fetch(DataKey key);

  /** Releases resources. */
  @Override
  default void close() {}
}
