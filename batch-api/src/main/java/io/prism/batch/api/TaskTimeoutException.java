package io.prism.batch.api;

import java.time.Duration;

/** A task ran longer than its allowed time and was interrupted. */
public class TaskTimeoutException extends BatchException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param taskId the task that timed out
   * @param limit the time it was allowed
   */
  public TaskTimeoutException(String taskId, Duration limit) {
    super("task " + taskId + " exceeded its timeout of " + limit.toMillis() + " ms");
  }
}
