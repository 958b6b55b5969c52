package io.prism.batch.core.data;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.data.DataKey;

/** The source failed and no stored record could stand in for it. */
public class DataUnavailableException extends BatchException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param key what was read
   * @param cause the source's failure
   */
  public DataUnavailableException(DataKey key, Throwable cause) {
    super(key + ": the source failed and no stored record exists: " + cause.getMessage(), cause);
  }
}
