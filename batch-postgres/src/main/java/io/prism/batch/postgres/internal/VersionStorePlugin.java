package io.prism.batch.postgres.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresVersionStore;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code postgres} {@link VersionStore}, with the same settings as the other PostgreSQL
 * providers ({@link PostgresPlugins#SETTINGS}): {@code url} (required), {@code user}, {@code
 * password}, {@code schema} (default {@code public}), {@code maximumPoolSize} (default 4). The
 * store gets its own {@link PostgresDataSource}, closed with it, and migrates the schema when
 * built.
 */
public final class VersionStorePlugin implements BatchPlugin<VersionStore> {

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public VersionStorePlugin() {}

  @Override
  public String name() {
    return PostgresVersionStore.NAME;
  }

  @Override
  public Class<VersionStore> type() {
    return VersionStore.class;
  }

  @Override
  public VersionStore create(Map<String, String> settings) {
    for (String k : settings.keySet()) {
      if (!PostgresPlugins.SETTINGS.contains(k)) {
        throw new InvalidInputException(k, settings.get(k), "unknown setting; known: "
            + new TreeSet<>(PostgresPlugins.SETTINGS));
      }
    }
    String url = settings.get("url");
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("url", url, "must be a jdbc:postgresql: URL");
    }
    String schema = settings.getOrDefault("schema", PostgresMigrations.DEFAULT_SCHEMA).trim();
    Sql.quoteSchema(schema);
    PostgresDataSource.Builder b = PostgresDataSource.builder().url(url.trim())
        .user(settings.getOrDefault("user", ""))
        .password(settings.getOrDefault("password", ""));
    String size = settings.get("maximumPoolSize");
    if (size != null) {
      try {
        b.maximumPoolSize(Integer.parseInt(size.trim()));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("maximumPoolSize", size, "must be a whole number");
      }
    }
    PostgresDataSource ds = b.build();
    try {
      return PostgresVersionStore.builder(ds.jdbi()).schema(schema).closing(ds).build();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }
}
