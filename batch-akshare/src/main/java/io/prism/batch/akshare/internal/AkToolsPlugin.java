package io.prism.batch.akshare.internal;

import io.prism.batch.akshare.AkToolsSource;
import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.MarketDataSource;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code akshare} provider of {@link MarketDataSource}. Settings (all optional): {@code
 * baseUrl}, {@code bearerToken}, {@code connectTimeout} and {@code requestTimeout} (ISO-8601 such
 * as {@code PT20S}, or milliseconds), {@code maxRetries}, {@code dailyTradingDays}, {@code adjust},
 * {@code financialPeriods}, {@code announcementDays}.
 */
public final class AkToolsPlugin implements BatchPlugin<MarketDataSource> {
  private static final Set<String> KNOWN = new TreeSet<>(Set.of("baseUrl", "bearerToken",
      "connectTimeout", "requestTimeout", "maxRetries", "dailyTradingDays", "adjust",
      "financialPeriods", "announcementDays"));

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public AkToolsPlugin() {}

  @Override
  public String name() {
    return AkToolsSource.NAME;
  }

  @Override
  public Class<MarketDataSource> type() {
    return MarketDataSource.class;
  }

  @Override
  public MarketDataSource create(Map<String, String> settings) {
    for (String k : settings.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new InvalidInputException(k, settings.get(k), "unknown setting; known: " + KNOWN);
      }
    }
    AkToolsSource.Builder b = AkToolsSource.builder();
    settings.forEach((k, v) -> {
      switch (k) {
        case "baseUrl" -> b.baseUrl(v);
        case "bearerToken" -> b.bearerToken(v);
        case "connectTimeout" -> b.connectTimeout(duration(k, v));
        case "requestTimeout" -> b.requestTimeout(duration(k, v));
        case "maxRetries" -> b.retries(integer(k, v), AkToolsSource.DEFAULT_INITIAL_DELAY,
            AkToolsSource.DEFAULT_MAX_DELAY);
        case "dailyTradingDays" -> b.dailyTradingDays(integer(k, v));
        case "adjust" -> b.adjust(v == null ? null : v.strip());
        case "financialPeriods" -> b.financialPeriods(integer(k, v));
        case "announcementDays" -> b.announcementDays(integer(k, v));
        default -> throw new IllegalStateException(k);
      }
    });
    return b.build();
  }

  private static int integer(String field, String v) {
    try {
      return Integer.parseInt(v == null ? "" : v.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field, v, "must be a whole number");
    }
  }

  private static Duration duration(String field, String v) {
    String t = v == null ? "" : v.strip();
    try {
      return t.chars().allMatch(Character::isDigit) && !t.isEmpty()
          ? Duration.ofMillis(Long.parseLong(t))
          : Duration.parse(t);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new InvalidInputException(field, v, "must be ISO-8601 (PT20S) or milliseconds");
    }
  }
}
