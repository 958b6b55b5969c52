package io.prism.batch.core.source;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.core.internal.CanonicalJson;
import io.prism.batch.core.source.internal.AkShapes;
import io.prism.batch.core.source.internal.ReplayFixtures;
import io.prism.batch.core.source.internal.Simulation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An offline {@link MarketDataSource} that replays real and documentation-shaped AKShare data for
 * five stocks (000001 平安银行, 600519 贵州茅台, 688469 芯联集成-U, 600919 江苏银行, 300059 东方财富) as of
 * {@link #asOf() 2025-05-23}, shipped in this jar under {@code prism/akshare/} (its README says
 * where each file comes from).
 *
 * <p>Records have the same payload shapes and content hashes as the AKShare source ({@code
 * batch-akshare}'s {@code AkToolsSource}) fetching the same responses with its clock on the
 * as-of date, so switching between the two does not change hashes. It serves all six data types;
 * a stock outside the five, or a type without data for it (the 龙虎榜 of 600519 and 600919), is
 * {@code Optional.empty()}. The source name is {@value #NAME}.
 *
 * <p>For tests: a simulated latency per fetch, and {@link Builder#failWhen} to make chosen keys
 * fail. Thread-safe; the data is loaded once per class loader, by the first {@link
 * Builder#build()}.
 *
 * <pre>{@code
 * MarketDataSource l3 = ReplayMarketDataSource.builder()
 *     .latency(Duration.ofMillis(20))
 *     .failWhen(key -> key.stockCode().equals("600919"))
 *     .build();
 * Optional<DataRecord> r = l3.fetch(new DataKey("600519", DataType.FINANCIAL));
 * }</pre>
 */
public final class ReplayMarketDataSource implements MarketDataSource {

  /** The source name, {@value}. */
  public static final String NAME = "replay";
  /** Default trading days of daily quotes, {@value}; the AKShare source's default. */
  public static final int DEFAULT_DAILY_TRADING_DAYS = 120;
  /** Default report periods of the financial summary, {@value}; the AKShare source's default. */
  public static final int DEFAULT_FINANCIAL_PERIODS = 8;

  private static final Set<String> TYPES = AkShapes.DATA_TYPES;
  private static final DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;

  /** The immutable replay data, loaded by the first build. */
  private static ReplayFixtures loaded;

  private final ReplayFixtures data;
  private final Duration latency;
  private final Predicate<DataKey> failWhen;
  private final Function<DataKey, ? extends RuntimeException> failure;
  private final Clock clock;
  private final int dailyTradingDays;
  private final int financialPeriods;

  private ReplayMarketDataSource(Builder b) {
    this.data = fixtures();
    this.latency = b.latency;
    this.failWhen = b.failWhen;
    this.failure = b.failure;
    this.clock = b.clock;
    this.dailyTradingDays = b.dailyTradingDays;
    this.financialPeriods = b.financialPeriods;
  }

  /**
   * Starts a builder: no latency, no failures, the system clock.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a source with the defaults.
   *
   * @return the source
   */
  public static ReplayMarketDataSource create() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> dataTypes() {
    return TYPES;
  }

  /**
   * Returns the stocks this source has data for.
   *
   * @return six-digit codes, in the order 000001, 600519, 688469, 600919, 300059
   */
  public List<String> stockCodes() {
    return List.copyOf(data.stocks().keySet());
  }

  /**
   * Returns the date the data is as of: the AKShare source with its clock on this date fetches the
   * same records.
   *
   * @return 2025-05-23
   */
  public LocalDate asOf() {
    return data.asOf();
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidInputException if the type is not one of the six
   * @throws RuntimeException what the {@link Builder#failWhen} hook makes for a chosen key
   */
  @Override
  public Optional<DataRecord> fetch(DataKey key) {
    Objects.requireNonNull(key, "key");
    if (!TYPES.contains(key.dataType())) {
      throw new InvalidInputException(
          "dataType", key.dataType(), "not served by replay; it serves " + TYPES);
    }
    Simulation.pause(NAME, latency);
    if (failWhen.test(key)) {
      throw failure.apply(key);
    }
    ReplayFixtures.Stock stock = data.stocks().get(key.stockCode());
    if (stock == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return payload(key, stock, now).map(p -> AkShapes.record(key, p, now, NAME));
  }

  private Optional<ObjectNode> payload(DataKey key, ReplayFixtures.Stock s, Instant now) {
    String code = s.code();
    switch (key.dataType()) {
      case DataType.DAILY_QUOTES:
        return data.file(AkShapes.DAILY + "/" + code + ".json").filter(r -> !r.isEmpty())
            .map(r -> AkShapes.daily(key, now, r, dailyTradingDays, s.adjust()));
      case DataType.COMPANY_PROFILE:
        return data.file(AkShapes.PROFILE + "/" + code + ".json").filter(r -> !r.isEmpty())
            .map(r -> AkShapes.rows(key, AkShapes.PROFILE, now, r));
      case DataType.FINANCIAL:
        return data.file(AkShapes.FINANCIAL + "/" + code + ".json").filter(r -> !r.isEmpty())
            .map(r -> AkShapes.financial(key, now, r, financialPeriods));
      case DataType.ANNOUNCEMENTS:
        return data.file(AkShapes.ANNOUNCEMENTS + "/" + code + ".json").filter(r -> !r.isEmpty())
            .map(r -> AkShapes.rows(key, AkShapes.ANNOUNCEMENTS, now, r));
      case DataType.SHAREHOLDERS:
        return shareholders(key, s, now);
      default:
        return longhubang(key, code, now);
    }
  }

  private Optional<ObjectNode> shareholders(DataKey key, ReplayFixtures.Stock s, Instant now) {
    String prefix = AkShapes.SHAREHOLDERS + "/" + s.exchange().toLowerCase(Locale.ROOT)
        + s.code() + "_";
    List<String> reports = data.paths(prefix);
    for (int i = reports.size() - 1; i >= 0; i--) {
      String path = reports.get(i);
      ArrayNode rows = data.file(path).orElseThrow();
      if (!rows.isEmpty()) {
        String date = path.substring(prefix.length(), path.length() - ".json".length());
        return Optional.of(AkShapes.shareholders(key, now, LocalDate.parse(date, BASIC), rows));
      }
    }
    return Optional.empty();
  }

  private Optional<ObjectNode> longhubang(DataKey key, String code, Instant now) {
    List<LocalDate> dates = data.file(AkShapes.LONGHUBANG_DATES + "/" + code + ".json")
        .map(AkShapes::listingDates).orElse(List.of());
    if (dates.isEmpty()) {
      return Optional.empty();
    }
    String stem = AkShapes.LONGHUBANG + "/" + code + "_" + dates.get(0).format(BASIC);
    ArrayNode empty = CanonicalJson.MAPPER.createArrayNode();
    ArrayNode buy = data.file(stem + "_buy.json").orElse(empty);
    ArrayNode sell = data.file(stem + "_sell.json").orElse(empty);
    if (buy.isEmpty() && sell.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(AkShapes.longhubang(key, now, dates, buy, sell));
  }

  private static synchronized ReplayFixtures fixtures() {
    if (loaded == null) {
      loaded = ReplayFixtures.load(ReplayMarketDataSource.class.getClassLoader());
    }
    return loaded;
  }

  /** Builds a {@link ReplayMarketDataSource}; setters check their value at once. */
  public static final class Builder {
    private Duration latency = Duration.ZERO;
    private Predicate<DataKey> failWhen = k -> false;
    private Function<DataKey, ? extends RuntimeException> failure = Builder::injected;
    private Clock clock = Clock.systemUTC();
    private int dailyTradingDays = DEFAULT_DAILY_TRADING_DAYS;
    private int financialPeriods = DEFAULT_FINANCIAL_PERIODS;

    private Builder() {}

    /**
     * Sets a latency every fetch waits before answering.
     *
     * @param latency zero (default) to one minute
     * @return this builder
     */
    public Builder latency(Duration latency) {
      this.latency = Simulation.latency(latency);
      return this;
    }

    /**
     * Makes fetches of the keys the predicate accepts throw a {@link BatchException} (a transient
     * failure to the engine), after the latency.
     *
     * @param predicate which keys fail
     * @return this builder
     */
    public Builder failWhen(Predicate<DataKey> predicate) {
      return failWhen(predicate, Builder::injected);
    }

    /**
     * Makes fetches of the keys the predicate accepts throw the exception the function makes,
     * e.g. a {@link io.prism.batch.api.RateLimitedException} or a {@link
     * io.prism.batch.api.PermanentTaskException}.
     *
     * @param predicate which keys fail
     * @param exception makes the exception for a key
     * @return this builder
     */
    public Builder failWhen(
        Predicate<DataKey> predicate, Function<DataKey, ? extends RuntimeException> exception) {
      if (predicate == null || exception == null) {
        throw new InvalidInputException("failWhen", null, "predicate and exception must be given");
      }
      this.failWhen = predicate;
      this.failure = exception;
      return this;
    }

    /**
     * Sets the clock that stamps {@code fetchedAt}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new InvalidInputException("clock", null, "must not be null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Sets how many trading days of daily quotes a record holds; match the AKShare source's
     * setting to get the same hashes.
     *
     * @param days 1 to 5000
     * @return this builder
     */
    public Builder dailyTradingDays(int days) {
      this.dailyTradingDays = Simulation.dailyTradingDays(days);
      return this;
    }

    /**
     * Sets how many report periods the financial summary keeps; match the AKShare source's
     * setting to get the same hashes.
     *
     * @param periods 1 to 200
     * @return this builder
     */
    public Builder financialPeriods(int periods) {
      this.financialPeriods = Simulation.financialPeriods(periods);
      return this;
    }

    /**
     * Builds the source, loading its data.
     *
     * @return the source
     * @throws BatchException if the data is missing from the class path
     */
    public ReplayMarketDataSource build() {
      return new ReplayMarketDataSource(this);
    }

    private static RuntimeException injected(DataKey key) {
      return new BatchException(NAME + ": injected failure for " + key);
    }
  }
}
