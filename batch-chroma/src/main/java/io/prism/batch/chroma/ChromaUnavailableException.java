package io.prism.batch.chroma;

import io.prism.batch.api.BatchException;
import java.util.OptionalInt;

/**
 * Chroma could not be reached, timed out or answered with an HTTP 5xx status, on every attempt the
 * store's retry policy allowed. A later try may succeed: the engine treats it as transient.
 *
 * <p>Immutable.
 */
public class ChromaUnavailableException extends BatchException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final int status;

  /**
   * Creates the exception for a server error.
   *
   * @param message what went wrong, naming the endpoint
   * @param endpoint the request path
   * @param status the HTTP status, 500 to 599
   */
  public ChromaUnavailableException(String message, String endpoint, int status) {
    super(message);
    this.endpoint = endpoint;
    this.status = status;
  }

  /**
   * Creates the exception for a request that got no answer.
   *
   * @param message what went wrong, naming the endpoint
   * @param endpoint the request path
   * @param cause the I/O failure
   */
  public ChromaUnavailableException(String message, String endpoint, Throwable cause) {
    super(message, cause);
    this.endpoint = endpoint;
    this.status = 0;
  }

  /**
   * Returns the path of the failed request.
   *
   * @return the endpoint path
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Returns the HTTP status of the last attempt, if the server answered at all.
   *
   * @return the 5xx status, or empty when no answer came
   */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
