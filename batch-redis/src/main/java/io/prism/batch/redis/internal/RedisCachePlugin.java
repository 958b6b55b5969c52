package io.prism.batch.redis.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.redis.RedisCacheTier;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * The {@code redis} provider of {@link CacheTier}. Settings: {@code uri} (default {@value
 * RedisCacheTier#DEFAULT_URI}), {@code keyPrefix}, and {@code commandTimeout}, {@code
 * writeTimeout} as ISO-8601 durations ({@code PT0.2S}) or milliseconds ({@code 200}).
 */
public final class RedisCachePlugin implements BatchPlugin<CacheTier> {
  private static final Set<String> KNOWN =
      Set.of("uri", "keyPrefix", "commandTimeout", "writeTimeout");

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public RedisCachePlugin() {}

  @Override
  public String name() {
    return RedisCacheTier.NAME;
  }

  @Override
  public Class<CacheTier> type() {
    return CacheTier.class;
  }

  @Override
  public CacheTier create(Map<String, String> settings) {
    for (String k : settings.keySet()) {
      if (!KNOWN.contains(k)) {
        String shown = RedisUris.redact(settings.get(k));
        throw new InvalidInputException(k, shown, "unknown setting; known: " + KNOWN);
      }
    }
    RedisCacheTier.Builder b = RedisCacheTier.builder();
    String uri = settings.get("uri");
    if (uri != null) {
      b.uri(uri);
    }
    String prefix = settings.get("keyPrefix");
    if (prefix != null) {
      b.keyPrefix(prefix);
    }
    String command = settings.get("commandTimeout");
    if (command != null) {
      b.commandTimeout(duration("commandTimeout", command));
    }
    String write = settings.get("writeTimeout");
    if (write != null) {
      b.writeTimeout(duration("writeTimeout", write));
    }
    return b.build();
  }

  private static Duration duration(String field, String text) {
    String t = text.trim();
    try {
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
        return Duration.ofMillis(Long.parseLong(t));
      }
      return Duration.parse(t);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new InvalidInputException(field, text, "must be an ISO-8601 duration or milliseconds");
    }
  }
}
