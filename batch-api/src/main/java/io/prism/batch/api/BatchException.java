package io.prism.batch.api;

/**
 * Root of every unchecked exception Prism Batch throws.
 *
 * <p>Catch this type to handle any library failure; catch a subclass for a specific one.
 */
public class BatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, for a person to read
   */
  public BatchException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, for a person to read
   * @param cause the underlying failure
   */
  public BatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
