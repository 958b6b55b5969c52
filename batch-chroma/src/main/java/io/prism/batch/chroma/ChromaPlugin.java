package io.prism.batch.chroma;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.VectorStore;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code "chroma"} provider of {@link VectorStore}, for picking the store by name from
 * configuration:
 *
 * <pre>{@code
 * VectorStore store = Plugins.create(VectorStore.class, "chroma",
 *     Map.of("url", "http://127.0.0.1:8000", "database", "stocks"));
 * }</pre>
 *
 * <p>Settings, all optional: {@code url} (default {@value ChromaConfig#DEFAULT_URL}), {@code
 * tenant} (default {@value ChromaConfig#DEFAULT_TENANT}), {@code database} (default {@value
 * ChromaConfig#DEFAULT_DATABASE}) and {@code timeout}, the request timeout as an ISO-8601 duration
 * such as {@code PT30S}. Any other key is rejected. For everything else, build a {@link
 * ChromaVectorStore} in code.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChromaPlugin implements BatchPlugin<VectorStore> {
  /** The provider name: {@value}. */
  public static final String NAME = "chroma";

  private static final Set<String> KEYS = Set.of("url", "tenant", "database", "timeout");

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public ChromaPlugin() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<VectorStore> type() {
    return VectorStore.class;
  }

  @Override
  public VectorStore create(Map<String, String> settings) {
    if (settings == null) {
      throw new InvalidInputException("settings", null, "must not be null; use an empty map");
    }
    for (String key : settings.keySet()) {
      if (!KEYS.contains(key)) {
        throw new InvalidInputException(
            "chroma setting", key, "is unknown; known settings are " + new TreeSet<>(KEYS));
      }
    }
    ChromaVectorStoreBuilder builder = ChromaVectorStore.builder();
    String url = settings.get("url");
    if (url != null) {
      builder.url(url);
    }
    String tenant = settings.get("tenant");
    if (tenant != null) {
      builder.tenant(tenant);
    }
    String database = settings.get("database");
    if (database != null) {
      builder.database(database);
    }
    String timeout = settings.get("timeout");
    if (timeout != null) {
      try {
        builder.requestTimeout(Duration.parse(timeout));
      } catch (DateTimeParseException e) {
        throw new InvalidInputException(
            "timeout", timeout, "must be an ISO-8601 duration such as PT30S");
      }
    }
    return builder.build();
  }
}
