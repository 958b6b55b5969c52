package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.RateLimitedException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls AKTools' HTTP API with retries and a circuit breaker, and maps its answers.
 *
 * <ul>
 *   <li>200 with a JSON array of records: the records; {@code []} is "no data";
 *   <li>404 {@code 该接口返回数据为空}: "no data";
 *   <li>429, 500, 502, 503, 504, a timeout or a connection failure: retried with exponential
 *       backoff and jitter (a 429's {@code Retry-After}, capped at the maximum delay, replaces the
 *       backoff), and counted by the circuit breaker; when retries run out, a 429 becomes a {@link
 *       RateLimitedException} and the rest a {@link BatchException};
 *   <li>any other 4xx (unknown function, parameter error, 401 on a bad token):
 *       {@link PermanentTaskException} naming the function and its arguments;
 *   <li>an open circuit breaker: a {@link BatchException} saying so, without calling AKTools.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class AkToolsClient {
  private static final String EMPTY_MARK = "该接口返回数据为空";
  private static final int MAX_BODY_IN_MESSAGE = 200;
  private static final Duration NO_DELAY_OVERRIDE = Duration.ofMillis(-1);

  private final HttpClient http;
  private final URI baseUrl;
  private final Optional<String> bearerToken;
  private final Duration requestTimeout;
  private final String resource;
  private final CircuitBreaker<Optional<ArrayNode>> breaker;
  private final FailsafeExecutor<Optional<ArrayNode>> executor;
  private final Duration breakerDelay;

  /**
   * Creates a client.
   *
   * @param settings the validated settings
   */
  public AkToolsClient(Settings settings) {
    this.baseUrl = settings.baseUrl();
    this.bearerToken = settings.bearerToken();
    this.requestTimeout = settings.requestTimeout();
    this.resource = settings.resource();
    this.breakerDelay = settings.breakerDelay();
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    Duration maxDelay = settings.maxDelay();
    RetryPolicy<Optional<ArrayNode>> retry =
        RetryPolicy.<Optional<ArrayNode>>builder()
            .handle(RetryableStatusException.class, IOException.class)
            .withMaxRetries(settings.maxRetries())
            .withBackoff(settings.initialDelay(), maxDelay)
            .withJitter(settings.jitter())
            .withDelayFnOn(
                ctx -> {
                  RetryableStatusException e = ctx.getLastException();
                  // a negative delay tells Failsafe to use the backoff
                  return e.retryAfter().map(d -> d.compareTo(maxDelay) > 0 ? maxDelay : d)
                      .orElse(NO_DELAY_OVERRIDE);
                },
                RetryableStatusException.class)
            .build();
    this.breaker =
        CircuitBreaker.<Optional<ArrayNode>>builder()
            .handle(RetryableStatusException.class, IOException.class)
            .withFailureThreshold(settings.breakerFailures())
            .withSuccessThreshold(1)
            .withDelay(settings.breakerDelay())
            .build();
    this.executor = Failsafe.with(retry, breaker);
  }

  /**
   * Calls one AKShare function.
   *
   * @param call the function and its arguments
   * @return the records, or empty when AKTools has no data
   */
  public Optional<ArrayNode> call(AkCall call) {
    URI uri = uri(call);
    AtomicInteger attempts = new AtomicInteger();
    try {
      return executor.get(() -> {
        attempts.incrementAndGet();
        return attempt(call, uri);
      });
    } catch (CircuitBreakerOpenException e) {
      throw new BatchException(resource + ": circuit breaker open after repeated AKTools failures at "
          + baseUrl + "; " + call + " was not sent; calls resume after " + breakerDelay, e);
    } catch (RetryableStatusException e) {
      String what = "HTTP " + e.status() + " from AKTools for " + call + " after " + attempts.get()
          + " attempt(s)" + bodySuffix(e.body());
      if (e.status() == 429) {
        throw new RateLimitedException(resource, what, e.retryAfter().orElse(Duration.ZERO));
      }
      throw new BatchException(resource + ": " + what, e);
    } catch (FailsafeException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new BatchException(resource + ": interrupted while calling " + call, cause);
      }
      String kind = cause instanceof HttpTimeoutException ? "timed out" : "failed";
      throw new BatchException(resource + ": " + call + " " + kind + " after " + attempts.get()
          + " attempt(s) at " + baseUrl + ": " + cause, cause);
    }
  }

  /**
   * Tells whether the circuit breaker is open (calls are refused).
   *
   * @return true while open
   */
  public boolean isCircuitOpen() {
    return breaker.isOpen();
  }

  private Optional<ArrayNode> attempt(AkCall call, URI uri)
      throws IOException, InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(requestTimeout)
        .header("Accept", "application/json").GET();
    bearerToken.ifPresent(t -> rb.header("Authorization", "Bearer " + t));
    HttpResponse<byte[]> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    int status = resp.statusCode();
    String body = new String(resp.body(), StandardCharsets.UTF_8);
    if (status == 200) {
      return parse(call, body);
    }
    if (status == 429 || status == 500 || (status >= 502 && status <= 504)) {
      throw new RetryableStatusException(status, body, retryAfter(resp));
    }
    if (status == 404 && body.contains(EMPTY_MARK)) {
      return Optional.empty();
    }
    if (status == 401 || status == 403) {
      throw new PermanentTaskException(resource + ": AKTools refused " + call + " with HTTP "
          + status + "; check the bearer token for /api/private" + bodySuffix(body));
    }
    if (status >= 300 && status < 500) {
      throw new PermanentTaskException(resource + ": HTTP " + status + " from AKTools for " + call
          + bodySuffix(body));
    }
    throw new BatchException(resource + ": unexpected HTTP " + status + " from AKTools for " + call
        + bodySuffix(body));
  }

  private Optional<ArrayNode> parse(AkCall call, String body) {
    JsonNode node;
    try {
      node = CanonicalJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new BatchException(resource + ": AKTools answered " + call
          + " with a body that is not JSON" + bodySuffix(body), e);
    }
    if (node == null || !node.isArray()) {
      throw new BatchException(resource + ": AKTools answered " + call
          + " with JSON that is not an array of records" + bodySuffix(body));
    }
    for (JsonNode row : node) {
      if (!row.isObject()) {
        throw new BatchException(resource + ": AKTools answered " + call
            + " with an array holding a non-object" + bodySuffix(body));
      }
    }
    return node.isEmpty() ? Optional.empty() : Optional.of((ArrayNode) node);
  }

  private URI uri(AkCall call) {
    String path = bearerToken.isPresent() ? "/api/private/" : "/api/public/";
    String query = call.query();
    String base = baseUrl.toString();
    return URI.create(base + path + call.function() + (query.isEmpty() ? "" : "?" + query));
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> resp) {
    return resp.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        long s = Long.parseLong(v.trim());
        return s > 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  private static String bodySuffix(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String b = body.strip();
    String error = errorText(b);
    if (error.length() > MAX_BODY_IN_MESSAGE) {
      error = error.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }
    return ": " + error;
  }

  private static String errorText(String body) {
    if (body.startsWith("{")) {
      try {
        JsonNode n = CanonicalJson.MAPPER.readTree(body);
        JsonNode e = n.get("error");
        if (e != null && e.isTextual()) {
          return e.textValue();
        }
      } catch (IOException ignored) {
        return body;
      }
    }
    return body;
  }

  /**
   * The validated settings of a client.
   *
   * @param baseUrl AKTools' base URL, without a trailing slash
   * @param bearerToken the token for {@code /api/private}; empty for {@code /api/public}
   * @param connectTimeout TCP connect timeout
   * @param requestTimeout time allowed for one response
   * @param maxRetries retries after the first attempt
   * @param initialDelay the first backoff delay
   * @param maxDelay the longest backoff delay
   * @param jitter the jitter factor, 0 to 1
   * @param breakerFailures consecutive failures that open the breaker
   * @param breakerDelay how long the breaker stays open before a trial call
   * @param resource the rate-limited resource name reported in exceptions
   */
  public record Settings(
      URI baseUrl,
      Optional<String> bearerToken,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxRetries,
      Duration initialDelay,
      Duration maxDelay,
      double jitter,
      int breakerFailures,
      Duration breakerDelay,
      String resource) {}

  /** A retryable HTTP status; never leaves this class. */
  static final class RetryableStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String body;
    private final transient Optional<Duration> retryAfter;

    RetryableStatusException(int status, String body, Optional<Duration> retryAfter) {
      super("HTTP " + status, null, false, false);
      this.status = status;
      this.body = body;
      this.retryAfter = retryAfter;
    }

    int status() {
      return status;
    }

    String body() {
      return body;
    }

    Optional<Duration> retryAfter() {
      return retryAfter;
    }
  }
}
