package io.prism.batch.chroma;

import io.prism.batch.api.PermanentTaskException;

/**
 * Chroma refused a request with an HTTP 4xx status: a vector of the wrong dimension, a metadata
 * value it does not accept, a missing tenant. Retrying the same request cannot help, so it is a
 * {@link PermanentTaskException}. The message names the HTTP method, the endpoint, the status and
 * what Chroma said, e.g. {@code Chroma rejected POST
 * /api/v2/tenants/default_tenant/databases/default_database/collections/3f0c…/upsert (collection
 * "quotes"): HTTP 400 InvalidArgumentError: Collection expecting embedding with dimension of 3, got
 * 2}.
 *
 * <p>Immutable.
 */
public class ChromaRequestException extends PermanentTaskException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String method;
  private final String endpoint;
  private final String error;
  private final String chromaMessage;

  /**
   * Creates the exception.
   *
   * @param status the HTTP status, 400 to 499
   * @param method the HTTP method, e.g. {@code POST}
   * @param endpoint the request path, e.g. {@code /api/v2/tenants/t/databases/d/collections}
   * @param context what the request was about, e.g. {@code collection "quotes"}; empty for none
   * @param error Chroma's error type, e.g. {@code InvalidArgumentError}; empty when it gave none
   * @param chromaMessage Chroma's message; empty when it gave none
   */
  public ChromaRequestException(
      int status,
      String method,
      String endpoint,
      String context,
      String error,
      String chromaMessage) {
    super(
        "Chroma rejected "
            + method
            + " "
            + endpoint
            + (context.isEmpty() ? "" : " (" + context + ")")
            + ": HTTP "
            + status
            + (error.isEmpty() ? "" : " " + error)
            + (chromaMessage.isEmpty() ? "" : ": " + chromaMessage));
    this.status = status;
    this.method = method;
    this.endpoint = endpoint;
    this.error = error;
    this.chromaMessage = chromaMessage;
  }

  /**
   * Returns the HTTP status Chroma answered with.
   *
   * @return the status, 400 to 499
   */
  public int status() {
    return status;
  }

  /**
   * Returns the HTTP method of the refused request.
   *
   * @return the method, e.g. {@code POST}
   */
  public String method() {
    return method;
  }

  /**
   * Returns the path of the refused request.
   *
   * @return the endpoint path
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Returns Chroma's error type.
   *
   * @return e.g. {@code InvalidArgumentError}, or empty when Chroma gave none
   */
  public String error() {
    return error;
  }

  /**
   * Returns Chroma's own message.
   *
   * @return the message, or empty when Chroma gave none
   */
  public String chromaMessage() {
    return chromaMessage;
  }
}
