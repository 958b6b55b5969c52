package io.prism.batch.api;

/**
 * A task failure that retrying cannot fix: invalid input, a missing resource, a denied
 * permission. The engine never retries a task that fails with it.
 */
public class PermanentTaskException extends BatchException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   */
  public PermanentTaskException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public PermanentTaskException(String message, Throwable cause) {
    super(message, cause);
  }
}
