package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.Lease;

/**
 * Thrown by {@link PostgresTaskQueue#inLeaseTransaction} when the lease is no longer the task's
 * current one (it expired and the task was released or claimed again, or the task already
 * ended): nothing of the transaction was committed.
 */
public final class LeaseLostException extends BatchException {
  private static final long serialVersionUID = 1L;

  private final String taskId;
  private final long token;

  /**
   * Creates the exception.
   *
   * @param lease the lease that was lost
   */
  public LeaseLostException(Lease lease) {
    super("the lease of task " + lease.task().id() + " (token " + lease.token() + ", worker "
        + lease.workerId() + ") was lost; nothing was committed");
    this.taskId = lease.task().id();
    this.token = lease.token();
  }

  /**
   * Returns the id of the task whose lease was lost.
   *
   * @return the task id
   */
  public String taskId() {
    return taskId;
  }

  /**
   * Returns the fencing token of the lost lease.
   *
   * @return the token
   */
  public long token() {
    return token;
  }
}
