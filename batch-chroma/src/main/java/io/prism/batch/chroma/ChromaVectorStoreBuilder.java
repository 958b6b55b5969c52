package io.prism.batch.chroma;

import io.prism.batch.api.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link ChromaVectorStore}; get one from {@link ChromaVectorStore#builder()}. Every
 * setter checks its value at once and throws {@link InvalidInputException} naming it. {@link
 * #build()} takes a snapshot: changing the builder afterwards does not change a built store.
 *
 * <p>Not thread-safe; use it from one thread.
 */
public final class ChromaVectorStoreBuilder {
  private URI url = URI.create(ChromaConfig.DEFAULT_URL);
  private String tenant = ChromaConfig.DEFAULT_TENANT;
  private String database = ChromaConfig.DEFAULT_DATABASE;
  private boolean createDatabase = true;
  private Duration requestTimeout = ChromaConfig.DEFAULT_REQUEST_TIMEOUT;
  private Duration connectTimeout = ChromaConfig.DEFAULT_CONNECT_TIMEOUT;
  private int maxRetries = ChromaConfig.DEFAULT_MAX_RETRIES;
  private Duration retryDelay = ChromaConfig.DEFAULT_RETRY_DELAY;
  private Duration maxRetryDelay = ChromaConfig.DEFAULT_MAX_RETRY_DELAY;
  private int maxBatchSize;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private HttpClient httpClient;

  ChromaVectorStoreBuilder() {}

  /**
   * Sets the server's base URL; default {@value ChromaConfig#DEFAULT_URL}.
   *
   * @param url an {@code http} or {@code https} URL without query, e.g. {@code
   *     http://chroma.internal:8000}
   * @return this builder
   * @throws InvalidInputException if it is not such a URL
   */
  public ChromaVectorStoreBuilder url(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("url", url, "must be an http or https URL");
    }
    URI parsed;
    try {
      parsed = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new InvalidInputException("url", url, "is not a URL: " + e.getReason());
    }
    return url(parsed);
  }

  /**
   * Sets the server's base URL; default {@value ChromaConfig#DEFAULT_URL}.
   *
   * @param url an {@code http} or {@code https} URL with a host and no query or fragment
   * @return this builder
   * @throws InvalidInputException if it is not such a URL
   */
  public ChromaVectorStoreBuilder url(URI url) {
    if (url == null) {
      throw new InvalidInputException("url", null, "must be an http or https URL");
    }
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new InvalidInputException("url", url, "must start with http:// or https://");
    }
    if (url.getHost() == null) {
      throw new InvalidInputException("url", url, "has no host");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new InvalidInputException("url", url, "must have no query or fragment");
    }
    String text = url.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    this.url = URI.create(text);
    return this;
  }

  /**
   * Sets the Chroma tenant; default {@value ChromaConfig#DEFAULT_TENANT}.
   *
   * @param tenant the tenant name
   * @return this builder
   * @throws InvalidInputException if it is blank
   */
  public ChromaVectorStoreBuilder tenant(String tenant) {
    this.tenant = requireName("tenant", tenant);
    return this;
  }

  /**
   * Sets the Chroma database within the tenant; default {@value ChromaConfig#DEFAULT_DATABASE}.
   *
   * @param database the database name
   * @return this builder
   * @throws InvalidInputException if it is blank
   */
  public ChromaVectorStoreBuilder database(String database) {
    this.database = requireName("database", database);
    return this;
  }

  /**
   * Sets whether the store creates the tenant and the database on first use when they are missing;
   * default true. With false, a missing one makes every call fail with a {@link
   * ChromaRequestException}.
   *
   * @param create true to create them
   * @return this builder
   */
  public ChromaVectorStoreBuilder createDatabase(boolean create) {
    this.createDatabase = create;
    return this;
  }

  /**
   * Sets how long one HTTP request may take; default 30 seconds.
   *
   * @param timeout positive
   * @return this builder
   * @throws InvalidInputException if it is not positive
   */
  public ChromaVectorStoreBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = requirePositive("requestTimeout", timeout);
    return this;
  }

  /**
   * Sets how long opening a connection may take; default 10 seconds. Ignored when an {@link
   * #httpClient(HttpClient)} is given.
   *
   * @param timeout positive
   * @return this builder
   * @throws InvalidInputException if it is not positive
   */
  public ChromaVectorStoreBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = requirePositive("connectTimeout", timeout);
    return this;
  }

  /**
   * Sets how often a request is retried after a connection error, a timeout or an HTTP 5xx; default
   * {@value ChromaConfig#DEFAULT_MAX_RETRIES}. A 4xx is never retried.
   *
   * @param retries zero or more
   * @return this builder
   * @throws InvalidInputException if it is negative
   */
  public ChromaVectorStoreBuilder maxRetries(int retries) {
    if (retries < 0) {
      throw new InvalidInputException("maxRetries", retries, "must be zero or more");
    }
    this.maxRetries = retries;
    return this;
  }

  /**
   * Sets the backoff between retries: the first delay doubles per retry up to the cap, with 25%
   * jitter; default 100 ms up to 2 s.
   *
   * @param delay the first delay, positive
   * @param maxDelay the cap, at least {@code delay}
   * @return this builder
   * @throws InvalidInputException if a delay is not positive or the cap is below the delay
   */
  public ChromaVectorStoreBuilder retryBackoff(Duration delay, Duration maxDelay) {
    requirePositive("retryDelay", delay);
    requirePositive("maxRetryDelay", maxDelay);
    if (maxDelay.compareTo(delay) < 0) {
      throw new InvalidInputException(
          "maxRetryDelay", maxDelay, "must be at least the retry delay " + delay);
    }
    this.retryDelay = delay;
    this.maxRetryDelay = maxDelay;
    return this;
  }

  /**
   * Caps the records sent per request below the server's own {@code max_batch_size} (read from
   * {@code /api/v2/pre-flight-checks}); by default only the server's limit applies.
   *
   * @param size one or more
   * @return this builder
   * @throws InvalidInputException if it is below one
   */
  public ChromaVectorStoreBuilder maxBatchSize(int size) {
    if (size < 1) {
      throw new InvalidInputException("maxBatchSize", size, "must be at least 1");
    }
    this.maxBatchSize = size;
    return this;
  }

  /**
   * Adds an HTTP header sent with every request, e.g. {@code x-chroma-token} for a server with
   * token authentication. A second call with the same name replaces the value.
   *
   * @param name the header name
   * @param value the header value
   * @return this builder
   * @throws InvalidInputException if the name or value is empty
   */
  public ChromaVectorStoreBuilder header(String name, String value) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("header name", name, "must not be blank");
    }
    if (value == null) {
      throw new InvalidInputException("header " + name, null, "must not be null");
    }
    headers.put(name, value);
    return this;
  }

  /**
   * Uses the given HTTP client instead of one the store creates (for a proxy, TLS settings or an
   * executor of your own). The store does not close it.
   *
   * @param client the client
   * @return this builder
   * @throws InvalidInputException if it is null
   */
  public ChromaVectorStoreBuilder httpClient(HttpClient client) {
    if (client == null) {
      throw new InvalidInputException("httpClient", null, "must not be null");
    }
    this.httpClient = client;
    return this;
  }

  /**
   * Builds the store. It contacts no server yet: the first call that needs Chroma does.
   *
   * @return a new store
   */
  public ChromaVectorStore build() {
    ChromaConfig config =
        new ChromaConfig(
            url,
            tenant,
            database,
            createDatabase,
            requestTimeout,
            connectTimeout,
            maxRetries,
            retryDelay,
            maxRetryDelay,
            maxBatchSize,
            headers);
    return new ChromaVectorStore(config, Optional.ofNullable(httpClient));
  }

  private static String requireName(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, value, "must not be blank");
    }
    return value;
  }

  private static Duration requirePositive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new InvalidInputException(field, value, "must be a positive duration");
    }
    return value;
  }
}
