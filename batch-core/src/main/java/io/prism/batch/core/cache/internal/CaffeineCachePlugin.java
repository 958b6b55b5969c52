package io.prism.batch.core.cache.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.core.cache.CaffeineCacheTier;
import java.util.Map;
import java.util.Set;

/**
 * The {@code caffeine} provider of {@link CacheTier}. Setting: {@code maximumSize} (records,
 * default {@value CaffeineCacheTier#DEFAULT_MAXIMUM_SIZE}).
 */
public final class CaffeineCachePlugin implements BatchPlugin<CacheTier> {
  private static final String MAXIMUM_SIZE = "maximumSize";
  private static final Set<String> KNOWN = Set.of(MAXIMUM_SIZE);

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public CaffeineCachePlugin() {}

  @Override
  public String name() {
    return CaffeineCacheTier.NAME;
  }

  @Override
  public Class<CacheTier> type() {
    return CacheTier.class;
  }

  @Override
  public CacheTier create(Map<String, String> settings) {
    for (String k : settings.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new InvalidInputException(k, settings.get(k), "unknown setting; known: " + KNOWN);
      }
    }
    CaffeineCacheTier.Builder b = CaffeineCacheTier.builder();
    String size = settings.get(MAXIMUM_SIZE);
    if (size != null) {
      try {
        b.maximumSize(Long.parseLong(size.trim()));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(MAXIMUM_SIZE, size, "must be a whole number");
      }
    }
    return b.build();
  }
}
