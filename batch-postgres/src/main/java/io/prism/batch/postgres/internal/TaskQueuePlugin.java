package io.prism.batch.postgres.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresTaskQueue;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code postgres} provider of {@link TaskQueue}: a {@link PostgresTaskQueue} on a {@link
 * PostgresDataSource} of its own, closed with the queue; the schema is migrated when it is
 * built. Settings: {@code url} (required, {@code jdbc:postgresql://…}), {@code user}, {@code
 * password}, {@code schema} (default {@code public}), {@code queue} (default {@code default}),
 * {@code maximumPoolSize} (default 4).
 */
public final class TaskQueuePlugin implements BatchPlugin<TaskQueue> {
  /** The setting names. */
  public static final Set<String> SETTINGS =
      Set.of("url", "user", "password", "schema", "queue", "maximumPoolSize");

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public TaskQueuePlugin() {}

  @Override
  public String name() {
    return PostgresTaskQueue.NAME;
  }

  @Override
  public Class<TaskQueue> type() {
    return TaskQueue.class;
  }

  @Override
  public TaskQueue create(Map<String, String> settings) {
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
    String queue = settings.getOrDefault("queue", PostgresTaskQueue.DEFAULT_QUEUE).trim();
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
      return PostgresTaskQueue.builder(ds.jdbi()).schema(schema).queue(queue).closing(ds).build();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }
}
