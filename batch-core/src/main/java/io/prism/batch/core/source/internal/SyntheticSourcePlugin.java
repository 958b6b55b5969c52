package io.prism.batch.core.source.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code synthetic} provider of {@link MarketDataSource}. Settings (optional): {@code
 * stockCount}, {@code stockCodes} (comma-separated), {@code seed}, {@code version}, {@code
 * latency} (ISO-8601 or milliseconds), {@code failureRate} (0 to 1), {@code asOf}
 * ({@code 2025-05-23}), {@code dailyTradingDays}, {@code financialPeriods}.
 */
public final class SyntheticSourcePlugin implements BatchPlugin<MarketDataSource> {
  private static final Set<String> KNOWN = new TreeSet<>(Set.of("stockCount", "stockCodes",
      "seed", "version", "latency", "failureRate", "asOf", "dailyTradingDays",
      "financialPeriods"));

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public SyntheticSourcePlugin() {}

  @Override
  public String name() {
    return SyntheticMarketDataSource.NAME;
  }

  @Override
  public Class<MarketDataSource> type() {
    return MarketDataSource.class;
  }

  @Override
  public MarketDataSource create(Map<String, String> settings) {
    Simulation.requireKnown(settings, KNOWN);
    if (settings.containsKey("stockCount") && settings.containsKey("stockCodes")) {
      throw new InvalidInputException("stockCodes", settings.get("stockCodes"),
          "give either stockCount or stockCodes, not both");
    }
    SyntheticMarketDataSource.Builder b = SyntheticMarketDataSource.builder();
    settings.forEach((k, v) -> {
      switch (k) {
        case "stockCount" -> b.stockCount(Simulation.intValue(k, v));
        case "stockCodes" -> b.stockCodes(Arrays.stream(v == null ? new String[0] : v.split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).toList());
        case "seed" -> b.seed(Simulation.integer(k, v));
        case "version" -> b.version(Simulation.integer(k, v));
        case "latency" -> b.latency(Simulation.duration(k, v));
        case "failureRate" -> b.failureRate(Simulation.decimal(k, v));
        case "asOf" -> b.asOf(date(k, v));
        case "dailyTradingDays" -> b.dailyTradingDays(Simulation.intValue(k, v));
        default -> b.financialPeriods(Simulation.intValue(k, v));
      }
    });
    return b.build();
  }

  private static LocalDate date(String field, String v) {
    try {
      return LocalDate.parse(v == null ? "" : v.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field, v, "must be a date such as 2025-05-23");
    }
  }
}
