package io.prism.batch.redis.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.redis.RedisFireGuard;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code redis} provider of {@link FireGuard}: a {@link RedisFireGuard}. Settings: {@code
 * uri} (default {@value io.prism.batch.redis.RedisCacheTier#DEFAULT_URI}), {@code keyPrefix},
 * {@code nodeId}, and {@code claimTtl}, {@code commandTimeout} as ISO-8601 durations ({@code
 * PT1H}) or milliseconds ({@code 2000}). The guard is {@link AutoCloseable}; closing it closes
 * its connection.
 *
 * <pre>{@code
 * FireGuard guard = Plugins.create(FireGuard.class, "redis",
 *     Map.of("uri", "redis://cache.internal:6379", "claimTtl", "PT1H"));
 * }</pre>
 *
 * <p>Thread-safe and stateless.
 */
public final class RedisFireGuardPlugin implements BatchPlugin<FireGuard> {
  private static final Set<String> KNOWN =
      Set.of("uri", "keyPrefix", "nodeId", "claimTtl", "commandTimeout");

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public RedisFireGuardPlugin() {}

  @Override
  public String name() {
    return RedisFireGuard.NAME;
  }

  @Override
  public Class<FireGuard> type() {
    return FireGuard.class;
  }

  @Override
  public FireGuard create(Map<String, String> settings) {
    for (String k : settings.keySet()) {
      if (!KNOWN.contains(k)) {
        String shown = RedisUris.redact(settings.get(k));
        throw new InvalidInputException(
            k, shown, "unknown setting; known: " + new TreeSet<>(KNOWN));
      }
    }
    RedisFireGuard.Builder b = RedisFireGuard.builder();
    String uri = settings.get("uri");
    if (uri != null) {
      b.uri(uri);
    }
    String prefix = settings.get("keyPrefix");
    if (prefix != null) {
      b.keyPrefix(prefix);
    }
    String nodeId = settings.get("nodeId");
    if (nodeId != null) {
      b.nodeId(nodeId);
    }
    String ttl = settings.get("claimTtl");
    if (ttl != null) {
      b.claimTtl(duration("claimTtl", ttl));
    }
    String timeout = settings.get("commandTimeout");
    if (timeout != null) {
      b.commandTimeout(duration("commandTimeout", timeout));
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
