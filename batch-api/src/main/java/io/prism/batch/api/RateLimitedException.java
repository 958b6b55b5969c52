package io.prism.batch.api;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by a processor when a remote resource refused a call for exceeding its rate (HTTP 429
 * or the resource's equivalent). The engine slows the resource's token bucket and retries the
 * task later.
 */
public class RateLimitedException extends BatchException {
  private static final long serialVersionUID = 1L;

  private final String resource;
  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param resource the named rate-limited resource, e.g. {@code "akshare"}
   * @param message what the resource said
   */
  public RateLimitedException(String resource, String message) {
    this(resource, message, Duration.ZERO);
  }

  /**
   * Creates the exception with the delay the resource asked for.
   *
   * @param resource the named rate-limited resource
   * @param message what the resource said
   * @param retryAfter how long the resource asked callers to wait; zero when it did not say
   */
  public RateLimitedException(String resource, String message, Duration retryAfter) {
    super(resource + ": " + message);
    this.resource = resource;
    this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
  }

  /**
   * Returns the name of the resource that refused the call.
   *
   * @return the resource name
   */
  public String resource() {
    return resource;
  }

  /**
   * Returns the delay the resource asked for, if it gave one.
   *
   * @return the requested delay, or empty
   */
  public Optional<Duration> retryAfter() {
    return retryAfter.isZero() ? Optional.empty() : Optional.of(retryAfter);
  }
}
