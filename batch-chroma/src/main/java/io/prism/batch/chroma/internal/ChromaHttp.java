package io.prism.batch.chroma.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.chroma.ChromaConfig;
import io.prism.batch.chroma.ChromaRequestException;
import io.prism.batch.chroma.ChromaUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends JSON requests to Chroma: retries connection errors, timeouts and 5xx answers with backoff
 * (Failsafe), and turns a 4xx into {@link ChromaRequestException}. Thread-safe.
 */
public final class ChromaHttp {
  private static final int MAX_MESSAGE = 1000;

  private final ChromaConfig config;
  private final HttpClient client;
  private final ObjectMapper mapper;
  private final RetryPolicy<JsonNode> retry;

  /**
   * Creates the client.
   *
   * @param config the store's settings
   * @param client the HTTP client
   * @param mapper the JSON mapper
   */
  public ChromaHttp(ChromaConfig config, HttpClient client, ObjectMapper mapper) {
    this.config = config;
    this.client = client;
    this.mapper = mapper;
    RetryPolicyBuilder<JsonNode> builder =
        RetryPolicy.<JsonNode>builder()
            .handle(ChromaUnavailableException.class)
            .withMaxRetries(config.maxRetries())
            .withJitter(0.25);
    if (config.retryDelay().compareTo(config.maxRetryDelay()) < 0) {
      builder.withBackoff(config.retryDelay(), config.maxRetryDelay());
    } else {
      builder.withDelay(config.retryDelay());
    }
    this.retry = builder.build();
  }

  /**
   * Encodes one path segment.
   *
   * @param segment a tenant, database or collection name or id
   * @return the segment, percent-encoded
   */
  public static String segment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends a GET.
   *
   * @param path the path from the server root, e.g. {@code /api/v2/heartbeat}
   * @param context what the request is about, for error messages; empty for nothing
   * @return the answer; JSON null for an empty body
   */
  public JsonNode get(String path, String context) {
    return send("GET", path, Optional.empty(), context);
  }

  /**
   * Sends a POST with a JSON body.
   *
   * @param path the path from the server root
   * @param body the body
   * @param context what the request is about, for error messages; empty for nothing
   * @return the answer; JSON null for an empty body
   */
  public JsonNode post(String path, JsonNode body, String context) {
    return send("POST", path, Optional.of(body), context);
  }

  /**
   * Sends a DELETE.
   *
   * @param path the path from the server root
   * @param context what the request is about, for error messages; empty for nothing
   * @return the answer; JSON null for an empty body
   */
  public JsonNode delete(String path, String context) {
    return send("DELETE", path, Optional.empty(), context);
  }

  private JsonNode send(String method, String path, Optional<JsonNode> body, String context) {
    HttpRequest request = request(method, path, body);
    int attempts = config.maxRetries() + 1;
    try {
      return Failsafe.with(retry)
          .get(ctx -> attempt(request, method, path, context, ctx.getAttemptCount() + 1, attempts));
    } catch (FailsafeException e) {
      if (e.getCause() instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new BatchException("interrupted while calling Chroma " + method + " " + path, e);
      }
      throw new BatchException("Chroma " + method + " " + path + " failed: " + e.getMessage(), e);
    }
  }

  private HttpRequest request(String method, String path, Optional<JsonNode> body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(config.url() + path))
            .timeout(config.requestTimeout())
            .header("Accept", "application/json");
    config.headers().forEach(b::header);
    if (body.isPresent()) {
      byte[] bytes;
      try {
        bytes = mapper.writeValueAsBytes(body.get());
      } catch (JsonProcessingException e) {
        throw new BatchException("cannot write the JSON body for " + method + " " + path, e);
      }
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  private JsonNode attempt(
      HttpRequest request, String method, String path, String context, int attempt, int attempts)
      throws InterruptedException {
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ChromaUnavailableException(
          "Chroma at "
              + config.url()
              + " did not answer "
              + method
              + " "
              + path
              + about(context)
              + " (attempt "
              + attempt
              + " of "
              + attempts
              + "): "
              + e,
          path,
          e);
    }
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    if (status >= 200 && status < 300) {
      if (text.isBlank()) {
        return NullNode.getInstance();
      }
      try {
        return mapper.readTree(text);
      } catch (JsonProcessingException e) {
        throw new BatchException(
            "Chroma answered " + method + " " + path + " with invalid JSON: " + shorten(text), e);
      }
    }
    String[] error = errorOf(text);
    if (status >= 500) {
      throw new ChromaUnavailableException(
          "Chroma failed "
              + method
              + " "
              + path
              + about(context)
              + " with HTTP "
              + status
              + " (attempt "
              + attempt
              + " of "
              + attempts
              + ")"
              + (error[0].isEmpty() ? "" : " " + error[0])
              + (error[1].isEmpty() ? "" : ": " + error[1]),
          path,
          status);
    }
    if (status == 429) {
      throw new RateLimitedException(
          "chroma",
          method + " " + path + about(context) + ": HTTP 429 " + error[1],
          retryAfter(response));
    }
    throw new ChromaRequestException(status, method, path, context, error[0], error[1]);
  }

  /** Returns Chroma's {@code error} and {@code message}, or empty and the raw body. */
  private String[] errorOf(String body) {
    try {
      JsonNode node = mapper.readTree(body);
      if (node != null && node.isObject()) {
        return new String[] {
          node.path("error").asText(""), shorten(node.path("message").asText(""))
        };
      }
    } catch (JsonProcessingException e) {
      // not JSON: report the body as it is
    }
    return new String[] {"", shorten(body.strip())};
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(v -> v.matches("\\d{1,9}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v)))
        .orElse(Duration.ZERO);
  }

  private static String about(String context) {
    return context.isEmpty() ? "" : " (" + context + ")";
  }

  private static String shorten(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }
}
