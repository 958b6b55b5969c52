package io.prism.batch.chroma;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The settings of a {@link ChromaVectorStore}, fixed when the store is built. Immutable and
 * thread-safe; read it with {@link ChromaVectorStore#config()}.
 */
public final class ChromaConfig {
  /** Where a local Chroma serves by default: {@value}. */
  public static final String DEFAULT_URL = "http://127.0.0.1:8000";

  /** The tenant every Chroma server has: {@value}. */
  public static final String DEFAULT_TENANT = "default_tenant";

  /** The database every Chroma server has: {@value}. */
  public static final String DEFAULT_DATABASE = "default_database";

  /** How long one HTTP request may take by default: 30 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** How long opening a connection may take by default: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How often a request that failed for a transient reason is retried by default: {@value}. */
  public static final int DEFAULT_MAX_RETRIES = 3;

  /** The delay before the first retry by default: 100 milliseconds; it doubles per retry. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(100);

  /** The longest delay between retries by default: 2 seconds. */
  public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(2);

  private final URI url;
  private final String tenant;
  private final String database;
  private final boolean createDatabase;
  private final Duration requestTimeout;
  private final Duration connectTimeout;
  private final int maxRetries;
  private final Duration retryDelay;
  private final Duration maxRetryDelay;
  private final int maxBatchSize;
  private final Map<String, String> headers;

  ChromaConfig(
      URI url,
      String tenant,
      String database,
      boolean createDatabase,
      Duration requestTimeout,
      Duration connectTimeout,
      int maxRetries,
      Duration retryDelay,
      Duration maxRetryDelay,
      int maxBatchSize,
      Map<String, String> headers) {
    this.url = url;
    this.tenant = tenant;
    this.database = database;
    this.createDatabase = createDatabase;
    this.requestTimeout = requestTimeout;
    this.connectTimeout = connectTimeout;
    this.maxRetries = maxRetries;
    this.retryDelay = retryDelay;
    this.maxRetryDelay = maxRetryDelay;
    this.maxBatchSize = maxBatchSize;
    this.headers = Map.copyOf(headers);
  }

  /**
   * Returns the server's base URL, without a trailing slash.
   *
   * @return e.g. {@code http://127.0.0.1:8000}
   */
  public URI url() {
    return url;
  }

  /**
   * Returns the Chroma tenant.
   *
   * @return the tenant name
   */
  public String tenant() {
    return tenant;
  }

  /**
   * Returns the Chroma database within the tenant.
   *
   * @return the database name
   */
  public String database() {
    return database;
  }

  /**
   * Tells whether the store creates the tenant and database on first use when they are missing.
   *
   * @return true to create them
   */
  public boolean createDatabase() {
    return createDatabase;
  }

  /**
   * Returns how long one HTTP request may take.
   *
   * @return the timeout, positive
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Returns how long opening a connection may take.
   *
   * @return the timeout, positive
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns how often a request is retried after a connection error, a timeout or a 5xx.
   *
   * @return the retry count, zero for none
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Returns the delay before the first retry; each further retry doubles it, up to {@link
   * #maxRetryDelay()}, with 25% jitter.
   *
   * @return the first delay, positive
   */
  public Duration retryDelay() {
    return retryDelay;
  }

  /**
   * Returns the longest delay between two retries.
   *
   * @return the delay cap, at least {@link #retryDelay()}
   */
  public Duration maxRetryDelay() {
    return maxRetryDelay;
  }

  /**
   * Returns the configured cap on records per request, if one was set. The store always also
   * respects the server's own {@code max_batch_size}.
   *
   * @return the cap, or empty to use the server's
   */
  public OptionalInt maxBatchSize() {
    return maxBatchSize == 0 ? OptionalInt.empty() : OptionalInt.of(maxBatchSize);
  }

  /**
   * Returns extra HTTP headers sent with every request, e.g. {@code x-chroma-token}.
   *
   * @return the headers, unmodifiable
   */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "ChromaConfig{url="
        + url
        + ", tenant="
        + tenant
        + ", database="
        + database
        + ", createDatabase="
        + createDatabase
        + ", requestTimeout="
        + requestTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", maxRetries="
        + maxRetries
        + ", retryDelay="
        + retryDelay
        + ", maxRetryDelay="
        + maxRetryDelay
        + ", maxBatchSize="
        + (maxBatchSize == 0 ? "server" : maxBatchSize)
        + ", headers="
        + headers.keySet()
        + "}";
  }
}
