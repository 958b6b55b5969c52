package io.prism.batch.api;

/**
 * The durable journal of a batch is damaged where it cannot be recovered automatically, or
 * recovery found damage that the caller asked to be told about.
 */
public class JournalCorruptedException extends BatchException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message where and how the journal is damaged
   */
  public JournalCorruptedException(String message) {
    super(message);
  }
}
