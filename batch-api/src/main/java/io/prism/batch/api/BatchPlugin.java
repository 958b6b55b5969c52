package io.prism.batch.api;

import java.util.Map;

/**
 * A named provider of an SPI implementation, discovered with {@link java.util.ServiceLoader}
 * from {@code META-INF/services/io.prism.batch.api.BatchPlugin}. Lets configuration pick an
 * implementation by name (e.g. {@code queue: postgres}); code can construct implementations
 * directly instead. See {@link Plugins}.
 *
 * @param <T> the SPI type it provides
 */
public interface BatchPlugin<T> {

  /**
   * Returns the provider name, e.g. {@code "memory"}, {@code "postgres"}.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the SPI type this provider creates.
   *
   * @return the type
   */
  Class<T> type();

  /**
   * Creates an instance from settings.
   *
   * @param settings provider-specific settings; empty for defaults
   * @return the instance
   * @throws InvalidInputException naming a bad setting
   */
  T create(Map<String, String> settings);
}
