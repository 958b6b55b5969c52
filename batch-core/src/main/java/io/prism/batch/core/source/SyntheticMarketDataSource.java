package io.prism.batch.core.source;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.core.source.internal.AkShapes;
import io.prism.batch.core.source.internal.Simulation;
import io.prism.batch.core.source.internal.SyntheticData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An offline {@link MarketDataSource} that makes up deterministic records for any number of
 * stocks, for demos, tests and benchmarks (e.g. 1,000 stocks × 4 types).
 *
 * <p>Stock codes are generated in valid A-share ranges (Shanghai main board 600000–605999, STAR
 * 688000–689999, Shenzhen main board 000001–003999, ChiNext 300001–302999, Beijing 830000–839999,
 * in proportions 8:2:5:4:1) or given explicitly. Every record has the same payload shape as the
 * AKShare source's (same AKShare functions, Chinese columns and envelope) and is a pure function of
 * the seed, the stock, the type and its content version, so the same settings always give the same
 * hashes. All six data types are served; a stock outside the universe is {@code Optional.empty()}.
 * The source name is {@value #NAME}.
 *
 * <p>Knobs: a latency per fetch; a failure rate, decided per key and attempt from the seed (so a
 * run fails the same fetches whatever the thread interleaving) and thrown as a {@link
 * BatchException} (transient); a global {@link Builder#version(long) version}, and {@link
 * #mutate(DataKey)} to change one record's content (and hash) at run time.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * SyntheticMarketDataSource l3 = SyntheticMarketDataSource.builder()
 *     .stockCount(1_000).seed(7).latency(Duration.ofMillis(5)).failureRate(0.01).build();
 * for (String code : l3.stockCodes()) { ... }
 * l3.mutate(new DataKey(l3.stockCodes().get(0), DataType.FINANCIAL)); // its hash changes
 * }</pre>
 */
public final class SyntheticMarketDataSource implements MarketDataSource {

  /** The source name, {@value}. */
  public static final String NAME = "synthetic";
  /** Default number of stocks, {@value}. */
  public static final int DEFAULT_STOCK_COUNT = 100;
  /** The most stocks that can be generated, {@value}. */
  public static final int MAX_STOCK_COUNT = 10_000;
  /** Default seed, {@value}. */
  public static final long DEFAULT_SEED = 42;
  /** Default as-of date of the data: 2025-05-23, the replay data's. */
  public static final LocalDate DEFAULT_AS_OF = LocalDate.of(2025, 5, 23);
  /** Default trading days of daily quotes, {@value}. */
  public static final int DEFAULT_DAILY_TRADING_DAYS = 120;
  /** Default report periods of the financial summary, {@value}. */
  public static final int DEFAULT_FINANCIAL_PERIODS = 8;

  private static final Set<String> TYPES = AkShapes.DATA_TYPES;

  /** {first code, range size, weight} per board. */
  private static final int[][] BOARDS = {
      {600000, 6000, 8}, {688000, 2000, 2}, {1, 3999, 5}, {300001, 2999, 4}, {830000, 10000, 1}};

  private final List<String> codes;
  private final Set<String> universe;
  private final long seed;
  private final long version;
  private final Duration latency;
  private final double failureRate;
  private final LocalDate asOf;
  private final int dailyTradingDays;
  private final int financialPeriods;
  private final Clock clock;
  private final ConcurrentHashMap<DataKey, AtomicLong> revisions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<DataKey, AtomicLong> attempts = new ConcurrentHashMap<>();

  private SyntheticMarketDataSource(Builder b) {
    this.seed = b.seed;
    this.codes = b.codes != null ? b.codes : generate(b.count, b.seed);
    this.universe = Set.copyOf(codes);
    this.version = b.version;
    this.latency = b.latency;
    this.failureRate = b.failureRate;
    this.asOf = b.asOf;
    this.dailyTradingDays = b.dailyTradingDays;
    this.financialPeriods = b.financialPeriods;
    this.clock = b.clock;
  }

  /**
   * Starts a builder: {@value #DEFAULT_STOCK_COUNT} stocks, seed {@value #DEFAULT_SEED}, no
   * latency, no failures, version 0.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
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
   * Returns the stocks this source serves.
   *
   * @return six-digit codes, sorted
   */
  public List<String> stockCodes() {
    return codes;
  }

  /**
   * Changes the content of one record: its next fetch returns different data and hash.
   *
   * @param key the record
   * @return the record's new revision (1 after the first call)
   */
  public long mutate(DataKey key) {
    Objects.requireNonNull(key, "key");
    return revisions.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * Returns how often a record was {@link #mutate mutated}.
   *
   * @param key the record
   * @return its revision, 0 if never mutated
   */
  public long revision(DataKey key) {
    AtomicLong r = revisions.get(key);
    return r == null ? 0 : r.get();
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidInputException if the type is not one of the six
   * @throws BatchException for a fetch the failure rate picks
   */
  @Override
  public Optional<DataRecord> fetch(DataKey key) {
    Objects.requireNonNull(key, "key");
    if (!TYPES.contains(key.dataType())) {
      throw new InvalidInputException(
          "dataType", key.dataType(), "not served by synthetic; it serves " + TYPES);
    }
    Simulation.pause(NAME, latency);
    if (failureRate > 0) {
      long attempt = attempts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      long h = (seed * 31 + key.hashCode()) * 0x9E3779B97F4A7C15L + attempt;
      if (new SplittableRandom(h).nextDouble() < failureRate) {
        throw new BatchException(
            NAME + ": injected transient failure for " + key + " (attempt " + attempt + ")");
      }
    }
    if (!universe.contains(key.stockCode())) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    ObjectNode p = payload(key, version * 0x9E3779B97F4A7C15L + revision(key), now);
    return Optional.of(AkShapes.record(key, p, now, NAME));
  }

  private ObjectNode payload(DataKey key, long v, Instant now) {
    String code = key.stockCode();
    switch (key.dataType()) {
      case DataType.DAILY_QUOTES:
        return AkShapes.daily(key, now,
            SyntheticData.daily(seed, code, v, asOf, dailyTradingDays), dailyTradingDays, "qfq");
      case DataType.COMPANY_PROFILE:
        return AkShapes.rows(key, AkShapes.PROFILE, now,
            SyntheticData.profile(seed, code, v, asOf));
      case DataType.FINANCIAL:
        return AkShapes.financial(key, now,
            SyntheticData.financial(seed, code, v, asOf, financialPeriods), financialPeriods);
      case DataType.ANNOUNCEMENTS:
        return AkShapes.rows(key, AkShapes.ANNOUNCEMENTS, now,
            SyntheticData.announcements(seed, code, v, asOf));
      case DataType.SHAREHOLDERS:
        return AkShapes.shareholders(key, now,
            SyntheticData.quarterEndOnOrBefore(asOf.minusDays(20)),
            SyntheticData.shareholders(seed, code, v));
      default:
        List<LocalDate> dates =
            AkShapes.listingDates(SyntheticData.listingDates(seed, code, v, asOf));
        ArrayNode buy = SyntheticData.seats(seed, code, v, dates.get(0), true);
        ArrayNode sell = SyntheticData.seats(seed, code, v, dates.get(0), false);
        return AkShapes.longhubang(key, now, dates, buy, sell);
    }
  }

  private static List<String> generate(int count, long seed) {
    int totalWeight = 0;
    for (int[] b : BOARDS) {
      totalWeight += b[2];
    }
    int[] perBoard = new int[BOARDS.length];
    for (int i = 0; i < count; i++) {
      int slot = i % totalWeight;
      for (int b = 0; b < BOARDS.length; b++) {
        if (slot < BOARDS[b][2]) {
          perBoard[b]++;
          break;
        }
        slot -= BOARDS[b][2];
      }
    }
    List<String> out = new ArrayList<>(count);
    for (int b = 0; b < BOARDS.length; b++) {
      int size = BOARDS[b][1];
      int[] offsets = new int[size];
      for (int i = 0; i < size; i++) {
        offsets[i] = i;
      }
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + b);
      for (int i = 0; i < perBoard[b]; i++) {
        int j = i + r.nextInt(size - i);
        int t = offsets[i];
        offsets[i] = offsets[j];
        offsets[j] = t;
        out.add(String.format(Locale.ROOT, "%06d", BOARDS[b][0] + offsets[i]));
      }
    }
    Collections.sort(out);
    return List.copyOf(out);
  }

  /** Builds a {@link SyntheticMarketDataSource}; setters check their value at once. */
  public static final class Builder {
    private int count = DEFAULT_STOCK_COUNT;
    private List<String> codes;
    private long seed = DEFAULT_SEED;
    private long version;
    private Duration latency = Duration.ZERO;
    private double failureRate;
    private LocalDate asOf = DEFAULT_AS_OF;
    private int dailyTradingDays = DEFAULT_DAILY_TRADING_DAYS;
    private int financialPeriods = DEFAULT_FINANCIAL_PERIODS;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Generates this many stock codes from the seed; replaces codes given with {@link
     * #stockCodes}.
     *
     * @param count 1 to {@value #MAX_STOCK_COUNT}
     * @return this builder
     */
    public Builder stockCount(int count) {
      if (count < 1 || count > MAX_STOCK_COUNT) {
        throw new InvalidInputException(
            "stockCount", count, "must be between 1 and " + MAX_STOCK_COUNT);
      }
      this.count = count;
      this.codes = null;
      return this;
    }

    /**
     * Serves exactly these stocks; replaces {@link #stockCount}.
     *
     * @param stockCodes A-share codes ({@code 600519}, {@code 600519.SH}, …)
     * @return this builder
     */
    public Builder stockCodes(Collection<String> stockCodes) {
      if (stockCodes == null || stockCodes.isEmpty()) {
        throw new InvalidInputException("stockCodes", stockCodes, "must name at least one stock");
      }
      TreeSet<String> sorted = new TreeSet<>();
      for (String c : stockCodes) {
        sorted.add(StockCode.parse(c).code());
      }
      this.codes = List.copyOf(sorted);
      return this;
    }

    /**
     * Sets the seed of every generated value.
     *
     * @param seed any number
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets the content version of every record: another version gives other content and
     * hashes.
     *
     * @param version 0 or more
     * @return this builder
     */
    public Builder version(long version) {
      if (version < 0) {
        throw new InvalidInputException("version", version, "must not be negative");
      }
      this.version = version;
      return this;
    }

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
     * Sets the share of fetches that fail with a transient {@link BatchException}.
     *
     * @param rate 0 (default) to 1
     * @return this builder
     */
    public Builder failureRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new InvalidInputException("failureRate", rate, "must be between 0 and 1");
      }
      this.failureRate = rate;
      return this;
    }

    /**
     * Sets the date the generated data is as of (its last trading day).
     *
     * @param asOf the date
     * @return this builder
     */
    public Builder asOf(LocalDate asOf) {
      if (asOf == null || asOf.getYear() < 1995 || asOf.getYear() > 2100) {
        throw new InvalidInputException("asOf", asOf, "must be a date between 1995 and 2100");
      }
      this.asOf = asOf;
      return this;
    }

    /**
     * Sets how many trading days of daily quotes a record holds.
     *
     * @param days 1 to 5000
     * @return this builder
     */
    public Builder dailyTradingDays(int days) {
      this.dailyTradingDays = Simulation.dailyTradingDays(days);
      return this;
    }

    /**
     * Sets how many report periods the financial summary holds.
     *
     * @param periods 1 to 200
     * @return this builder
     */
    public Builder financialPeriods(int periods) {
      this.financialPeriods = Simulation.financialPeriods(periods);
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
     * Builds the source.
     *
     * @return the source
     */
    public SyntheticMarketDataSource build() {
      return new SyntheticMarketDataSource(this);
    }
  }
}
