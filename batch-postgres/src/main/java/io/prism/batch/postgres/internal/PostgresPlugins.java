package io.prism.batch.postgres.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresWatchlistStore;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The {@code postgres} providers of the record, watchlist and job stores. Settings: {@code url}
 * (required, {@code jdbc:postgresql://…}), {@code user}, {@code password}, {@code schema}
 * (default {@code public}), {@code maximumPoolSize} (default 4). Each store gets its own
 * {@link PostgresDataSource}, closed with the store, and migrates the schema when built.
 */
public final class PostgresPlugins {
  /** The setting names. */
  public static final Set<String> SETTINGS =
      Set.of("url", "user", "password", "schema", "maximumPoolSize");

  private PostgresPlugins() {}

  private abstract static class Base<T> implements BatchPlugin<T> {
    private final Class<T> type;
    private final BiFunction<PostgresDataSource, String, T> factory;

    Base(Class<T> type, BiFunction<PostgresDataSource, String, T> factory) {
      this.type = type;
      this.factory = factory;
    }

    @Override
    public String name() {
      return PostgresRecordStore.NAME;
    }

    @Override
    public Class<T> type() {
      return type;
    }

    @Override
    public T create(Map<String, String> settings) {
      for (String k : settings.keySet()) {
        if (!SETTINGS.contains(k)) {
          throw new InvalidInputException(k, settings.get(k), "unknown setting; known: "
              + new TreeSet<>(SETTINGS));
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
        return factory.apply(ds, schema);
      } catch (RuntimeException e) {
        ds.close();
        throw e;
      }
    }
  }

  /** The {@code postgres} {@link RecordStore}. */
  public static final class RecordStorePlugin extends Base<RecordStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public RecordStorePlugin() {
      super(RecordStore.class, (ds, schema) ->
          PostgresRecordStore.builder(ds.jdbi()).schema(schema).closing(ds).build());
    }
  }

  /** The {@code postgres} {@link WatchlistStore}. */
  public static final class WatchlistStorePlugin extends Base<WatchlistStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public WatchlistStorePlugin() {
      super(WatchlistStore.class, (ds, schema) ->
          PostgresWatchlistStore.builder(ds.jdbi()).schema(schema).closing(ds).build());
    }
  }

  /** The {@code postgres} {@link JobStore}. */
  public static final class JobStorePlugin extends Base<JobStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public JobStorePlugin() {
      super(JobStore.class, (ds, schema) ->
          PostgresJobStore.builder(ds.jdbi()).schema(schema).closing(ds).build());
    }
  }
}
