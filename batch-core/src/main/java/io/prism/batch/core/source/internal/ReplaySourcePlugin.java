package io.prism.batch.core.source.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.core.source.ReplayMarketDataSource;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code replay} provider of {@link MarketDataSource}. Settings (optional): {@code latency}
 * (ISO-8601 such as {@code PT0.02S}, or milliseconds), {@code dailyTradingDays}, {@code
 * financialPeriods}.
 */
public final class ReplaySourcePlugin implements BatchPlugin<MarketDataSource> {
  private static final Set<String> KNOWN =
      new TreeSet<>(Set.of("latency", "dailyTradingDays", "financialPeriods"));

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public ReplaySourcePlugin() {}

  @Override
  public String name() {
    return ReplayMarketDataSource.NAME;
  }

  @Override
  public Class<MarketDataSource> type() {
    return MarketDataSource.class;
  }

  @Override
  public MarketDataSource create(Map<String, String> settings) {
    Simulation.requireKnown(settings, KNOWN);
    ReplayMarketDataSource.Builder b = ReplayMarketDataSource.builder();
    settings.forEach((k, v) -> {
      switch (k) {
        case "latency" -> b.latency(Simulation.duration(k, v));
        case "dailyTradingDays" -> b.dailyTradingDays(Simulation.intValue(k, v));
        default -> b.financialPeriods(Simulation.intValue(k, v));
      }
    });
    return b.build();
  }
}
