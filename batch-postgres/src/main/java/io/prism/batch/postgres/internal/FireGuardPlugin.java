package io.prism.batch.postgres.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresFireGuard;
import io.prism.batch.postgres.PostgresMigrations;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code postgres} {@link FireGuard}: a {@link PostgresFireGuard}. Settings: those of the
 * other PostgreSQL providers ({@link PostgresPlugins#SETTINGS}: {@code url} (required), {@code
 * user}, {@code password}, {@code schema} (default {@code public}), {@code maximumPoolSize}
 * (default 4)), and {@code nodeId} and {@code retention} (ISO-8601, e.g. {@code P8D}). The guard
 * gets its own {@link PostgresDataSource} and migrates the schema when built; the guard is
 * {@link AutoCloseable}, and closing it closes the pool.
 *
 * <pre>{@code
 * FireGuard guard = Plugins.create(FireGuard.class, "postgres",
 *     Map.of("url", "jdbc:postgresql://db:5432/prism", "schema", "prism", "nodeId", "worker-1"));
 * }</pre>
 *
 * <p>Thread-safe and stateless.
 */
public final class FireGuardPlugin implements BatchPlugin<FireGuard> {
  /** The setting names. */
  public static final Set<String> SETTINGS = settings();

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public FireGuardPlugin() {}

  @Override
  public String name() {
    return PostgresFireGuard.NAME;
  }

  @Override
  public Class<FireGuard> type() {
    return FireGuard.class;
  }

  @Override
  public FireGuard create(Map<String, String> settings) {
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
    Duration retention = PostgresFireGuard.DEFAULT_RETENTION;
    String r = settings.get("retention");
    if (r != null) {
      try {
        retention = Duration.parse(r.trim());
      } catch (DateTimeParseException e) {
        throw new InvalidInputException("retention", r, "must be an ISO-8601 duration, e.g. P8D");
      }
    }
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
    String nodeId = settings.get("nodeId");
    PostgresDataSource ds = b.build();
    try {
      PostgresFireGuard.Builder guard = PostgresFireGuard.builder(ds.jdbi()).schema(schema)
          .retention(retention).closing(ds);
      if (nodeId != null) {
        guard.nodeId(nodeId);
      }
      return guard.build();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  private static Set<String> settings() {
    Set<String> s = new HashSet<>(PostgresPlugins.SETTINGS);
    s.add("nodeId");
    s.add("retention");
    return Set.copyOf(s);
  }
}
