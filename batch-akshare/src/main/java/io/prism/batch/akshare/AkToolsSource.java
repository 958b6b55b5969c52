package io.prism.batch.akshare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.akshare.internal.AkToolsClient;
import io.prism.batch.akshare.internal.AnnouncementsMapping;
import io.prism.batch.akshare.internal.CanonicalJson;
import io.prism.batch.akshare.internal.CompanyProfileMapping;
import io.prism.batch.akshare.internal.DailyQuotesMapping;
import io.prism.batch.akshare.internal.FinancialMapping;
import io.prism.batch.akshare.internal.LonghubangMapping;
import io.prism.batch.akshare.internal.ShareholdersMapping;
import io.prism.batch.akshare.internal.TypeMapping;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.MarketDataSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The AKShare {@link MarketDataSource}, reached over <a
 * href="https://github.com/akfamily/aktools">AKTools</a>' HTTP API ({@code GET
 * {base}/api/public/{function}?…}, or {@code /api/private/…} with a bearer token).
 *
 * <p>One AKShare function per data type:
 *
 * <table>
 *   <caption>data type → AKShare function</caption>
 *   <tr><th>type</th><th>function and arguments</th></tr>
 *   <tr><td>{@code daily_quotes}</td><td>{@code stock_zh_a_hist(symbol, period="daily",
 *       start_date, end_date, adjust)}; the last {@link Builder#dailyTradingDays} rows</td></tr>
 *   <tr><td>{@code company_profile}</td><td>{@code stock_individual_info_em(symbol)}</td></tr>
 *   <tr><td>{@code financial}</td><td>{@code stock_financial_abstract(symbol)}; the newest
 *       {@link Builder#financialPeriods} report periods</td></tr>
 *   <tr><td>{@code announcements}</td><td>{@code stock_individual_notice_report(security,
 *       symbol="全部", begin_date, end_date)} over {@link Builder#announcementDays}</td></tr>
 *   <tr><td>{@code shareholders}</td><td>{@code stock_gdfx_top_10_em(symbol="sh600519", date)} for
 *       the latest quarter end with data</td></tr>
 *   <tr><td>{@code longhubang}</td><td>{@code stock_lhb_stock_detail_date_em(symbol)}, then
 *       {@code stock_lhb_stock_detail_em(symbol, date, flag)} for 买入 and 卖出</td></tr>
 * </table>
 *
 * <p>Each record's payload is a JSON document: an envelope ({@code stockCode}, {@code dataType},
 * {@code function}, {@code fetchedAt}) plus the type's members and AKShare's rows with their
 * Chinese column names (see each mapping in the {@code internal} package and the project's
 * payload notes). Its {@code contentHash} is SHA-256 of the canonical JSON without {@code
 * fetchedAt}, so an unchanged record keeps its hash across fetches. The source name is
 * {@value #NAME}.
 *
 * <p>Errors: 429, 500 and 502–504, timeouts and connection failures are retried with exponential
 * backoff and jitter and counted by a circuit breaker; when retries run out a 429 becomes a {@link
 * io.prism.batch.api.RateLimitedException} for resource {@value #NAME}, the rest a {@link
 * io.prism.batch.api.BatchException}; while the breaker is open calls fail at once with a {@code
 * BatchException} saying so. No data ({@code []}, or 404 该接口返回数据为空) is {@code
 * Optional.empty()}. Other 4xx (unknown function, bad parameters, a refused token) are {@link
 * io.prism.batch.api.PermanentTaskException}s naming the function and its arguments.
 *
 * <p>Thread-safe; one instance shares one HTTP client and one circuit breaker.
 *
 * <pre>{@code
 * MarketDataSource akshare = AkToolsSource.builder()
 *     .baseUrl("http://127.0.0.1:8080")
 *     .requestTimeout(Duration.ofSeconds(20))
 *     .retries(3, Duration.ofSeconds(1), Duration.ofSeconds(30))
 *     .build();
 * Optional<DataRecord> r = akshare.fetch(new DataKey("600519", DataType.FINANCIAL));
 * }</pre>
 */
public final class AkToolsSource implements MarketDataSource {

  /** The source and rate-limited resource name, {@value}. */
  public static final String NAME = "akshare";
  /** AKTools' default address, {@value}. */
  public static final String DEFAULT_BASE_URL = "http://127.0.0.1:8080";
  /** Default TCP connect timeout: 5 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default time allowed for one response: 30 s (AKShare calls upstream sites). */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Default retries after the first attempt, {@value}. */
  public static final int DEFAULT_MAX_RETRIES = 3;
  /** Default first backoff delay: 1 s. */
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
  /** Default longest backoff delay: 30 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  /** Default jitter factor, {@value}. */
  public static final double DEFAULT_JITTER = 0.25;
  /** Default consecutive failures that open the circuit breaker, {@value}. */
  public static final int DEFAULT_BREAKER_FAILURES = 5;
  /** Default time the breaker stays open: 60 s. */
  public static final Duration DEFAULT_BREAKER_DELAY = Duration.ofSeconds(60);
  /** Default trading days of daily quotes, {@value}. */
  public static final int DEFAULT_DAILY_TRADING_DAYS = 120;
  /** Default price adjustment of daily quotes, {@value} (前复权). */
  public static final String DEFAULT_ADJUST = "qfq";
  /** Default report periods of the financial summary, {@value}. */
  public static final int DEFAULT_FINANCIAL_PERIODS = 8;
  /** Default calendar days of announcements, {@value}. */
  public static final int DEFAULT_ANNOUNCEMENT_DAYS = 90;
  /** Default days between a quarter end and its first top-10 shareholder query, {@value}. */
  public static final int DEFAULT_SHAREHOLDER_LAG_DAYS = 20;
  /** Default quarters tried for top-10 shareholders, {@value}. */
  public static final int DEFAULT_SHAREHOLDER_QUARTERS = 4;

  private final AkToolsClient client;
  private final Map<String, TypeMapping> mappings;
  private final Clock clock;
  private final URI baseUrl;

  private AkToolsSource(Builder b) {
    this.baseUrl = b.baseUrl;
    this.clock = b.clock;
    this.client = new AkToolsClient(new AkToolsClient.Settings(b.baseUrl,
        Optional.ofNullable(b.bearerToken), b.connectTimeout, b.requestTimeout, b.maxRetries,
        b.initialDelay, b.maxDelay, b.jitter, b.breakerFailures, b.breakerDelay, NAME));
    Map<String, TypeMapping> m = new LinkedHashMap<>();
    for (TypeMapping t : new TypeMapping[] {
        new DailyQuotesMapping(b.dailyTradingDays, b.adjust),
        new CompanyProfileMapping(),
        new FinancialMapping(b.financialPeriods),
        new AnnouncementsMapping(b.announcementDays),
        new ShareholdersMapping(b.shareholderLagDays, b.shareholderQuarters),
        new LonghubangMapping()}) {
      m.put(t.dataType(), t);
    }
    this.mappings = Collections.unmodifiableMap(m);
  }

  /**
   * Starts a builder with the defaults (AKTools at {@value #DEFAULT_BASE_URL}).
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
    return mappings.keySet();
  }

  /**
   * Returns the AKTools address this source calls.
   *
   * @return the base URL
   */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * Tells whether the circuit breaker is open, i.e. calls fail without reaching AKTools.
   *
   * @return true while open
   */
  public boolean isCircuitOpen() {
    return client.isCircuitOpen();
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidInputException if the data type is not one of {@link #dataTypes()}
   */
  @Override
  public Optional<DataRecord> fetch(DataKey key) {
    Objects.requireNonNull(key, "key");
    TypeMapping mapping = mappings.get(key.dataType());
    if (mapping == null) {
      throw new InvalidInputException(
          "dataType", key.dataType(), "not served by akshare; it serves " + mappings.keySet());
    }
    return mapping.fetch(key, client::call, clock).map(p -> toRecord(key, p));
  }

  private static DataRecord toRecord(DataKey key, ObjectNode payload) {
    String text;
    try {
      text = CanonicalJson.MAPPER.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write payload of " + key, e);
    }
    Instant fetchedAt = Instant.parse(payload.get("fetchedAt").asText());
    return new DataRecord(key, text, CanonicalJson.contentHash(payload), fetchedAt, NAME, false);
  }

  /** Builds an {@link AkToolsSource}; setters check their value at once. Not thread-safe. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String bearerToken;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialDelay = DEFAULT_INITIAL_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private double jitter = DEFAULT_JITTER;
    private int breakerFailures = DEFAULT_BREAKER_FAILURES;
    private Duration breakerDelay = DEFAULT_BREAKER_DELAY;
    private int dailyTradingDays = DEFAULT_DAILY_TRADING_DAYS;
    private String adjust = DEFAULT_ADJUST;
    private int financialPeriods = DEFAULT_FINANCIAL_PERIODS;
    private int announcementDays = DEFAULT_ANNOUNCEMENT_DAYS;
    private int shareholderLagDays = DEFAULT_SHAREHOLDER_LAG_DAYS;
    private int shareholderQuarters = DEFAULT_SHAREHOLDER_QUARTERS;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets AKTools' address; a path prefix (behind a proxy) is kept.
     *
     * @param baseUrl e.g. {@code http://127.0.0.1:8080}
     * @return this builder
     * @throws InvalidInputException unless an absolute http(s) URL without query or fragment
     */
    public Builder baseUrl(String baseUrl) {
      if (baseUrl == null || baseUrl.isBlank()) {
        throw new InvalidInputException("baseUrl", baseUrl, "must be an http(s) URL");
      }
      URI u;
      try {
        u = new URI(baseUrl.strip());
      } catch (URISyntaxException e) {
        throw new InvalidInputException("baseUrl", baseUrl, "is not a URL: " + e.getReason());
      }
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || u.getHost() == null) {
        throw new InvalidInputException("baseUrl", baseUrl, "must be an http(s) URL with a host");
      }
      if (u.getRawQuery() != null || u.getRawFragment() != null) {
        throw new InvalidInputException("baseUrl", baseUrl, "must not have a query or fragment");
      }
      String s = u.toString();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      this.baseUrl = URI.create(s);
      return this;
    }

    /**
     * Calls {@code /api/private/…} with {@code Authorization: Bearer <token>} (from AKTools'
     * {@code POST /auth/token}) instead of {@code /api/public/…}.
     *
     * @param token the token
     * @return this builder
     * @throws InvalidInputException if blank or holding whitespace
     */
    public Builder bearerToken(String token) {
      if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
        throw new InvalidInputException("bearerToken", token == null ? null : "(hidden)",
            "must be a non-blank token without whitespace");
      }
      this.bearerToken = token;
      return this;
    }

    /**
     * Sets the TCP connect timeout.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets the time allowed for one response; a timeout is retried.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /**
     * Sets the retries of a retryable failure and their exponential backoff (doubling).
     *
     * @param maxRetries retries after the first attempt, 0 to 20
     * @param initialDelay the first delay, positive
     * @param maxDelay the longest delay, greater than {@code initialDelay}
     * @return this builder
     */
    public Builder retries(int maxRetries, Duration initialDelay, Duration maxDelay) {
      if (maxRetries < 0 || maxRetries > 20) {
        throw new InvalidInputException("maxRetries", maxRetries, "must be between 0 and 20");
      }
      positive("initialDelay", initialDelay);
      positive("maxDelay", maxDelay);
      if (maxDelay.compareTo(initialDelay) <= 0) {
        throw new InvalidInputException(
            "maxDelay", maxDelay, "must be greater than initialDelay " + initialDelay);
      }
      this.maxRetries = maxRetries;
      this.initialDelay = initialDelay;
      this.maxDelay = maxDelay;
      return this;
    }

    /**
     * Sets the random part of each delay, as a factor of it.
     *
     * @param factor 0 (none) to 1
     * @return this builder
     */
    public Builder jitter(double factor) {
      if (!(factor >= 0 && factor <= 1)) {
        throw new InvalidInputException("jitter", factor, "must be between 0 and 1");
      }
      this.jitter = factor;
      return this;
    }

    /**
     * Sets the circuit breaker: it opens after {@code failures} consecutive retryable failures
     * (429, 5xx, timeouts), refuses calls for {@code openFor}, then lets one trial call through.
     *
     * @param failures 1 to 1000
     * @param openFor positive
     * @return this builder
     */
    public Builder circuitBreaker(int failures, Duration openFor) {
      if (failures < 1 || failures > 1000) {
        throw new InvalidInputException("breakerFailures", failures, "must be between 1 and 1000");
      }
      this.breakerDelay = positive("breakerDelay", openFor);
      this.breakerFailures = failures;
      return this;
    }

    /**
     * Sets how many trading days of daily quotes a record holds.
     *
     * @param days 1 to 5000
     * @return this builder
     */
    public Builder dailyTradingDays(int days) {
      this.dailyTradingDays = range("dailyTradingDays", days, 1, 5000);
      return this;
    }

    /**
     * Sets the price adjustment of daily quotes.
     *
     * @param adjust {@code qfq} (前复权), {@code hfq} (后复权) or {@code ""} (不复权)
     * @return this builder
     */
    public Builder adjust(String adjust) {
      if (!Set.of("qfq", "hfq", "").contains(adjust)) {
        throw new InvalidInputException("adjust", adjust, "must be qfq, hfq or empty");
      }
      this.adjust = adjust;
      return this;
    }

    /**
     * Sets how many report periods (newest first) the financial summary keeps.
     *
     * @param periods 1 to 200
     * @return this builder
     */
    public Builder financialPeriods(int periods) {
      this.financialPeriods = range("financialPeriods", periods, 1, 200);
      return this;
    }

    /**
     * Sets how many calendar days back announcements reach.
     *
     * @param days 1 to 3650
     * @return this builder
     */
    public Builder announcementDays(int days) {
      this.announcementDays = range("announcementDays", days, 1, 3650);
      return this;
    }

    /**
     * Sets how top-10 shareholders are looked for: the latest quarter end at least {@code
     * lagDays} before today first, then earlier ones, {@code quarters} calls at most.
     *
     * @param lagDays 0 to 365
     * @param quarters 1 to 40
     * @return this builder
     */
    public Builder shareholderReports(int lagDays, int quarters) {
      this.shareholderLagDays = range("shareholderLagDays", lagDays, 0, 365);
      this.shareholderQuarters = range("shareholderQuarters", quarters, 1, 40);
      return this;
    }

    /**
     * Sets the clock for "today" (Shanghai date) and {@code fetchedAt}; tests use a fixed one.
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
    public AkToolsSource build() {
      return new AkToolsSource(this);
    }

    private static Duration positive(String field, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new InvalidInputException(field, d, "must be positive");
      }
      return d;
    }

    private static int range(String field, int v, int min, int max) {
      if (v < min || v > max) {
        throw new InvalidInputException(field, v, "must be between " + min + " and " + max);
      }
      return v;
    }
  }
}
