package io.prism.batch.api;

import java.time.Instant;

/**
 * Thrown when a resource's daily quota is used up. The task that hit it is deferred to
 * {@link #resetsAt()} rather than failed.
 */
public class QuotaExhaustedException extends BatchException {
  private static final long serialVersionUID = 1L;

  private final String resource;
  private final Instant resetsAt;

  /**
   * Creates the exception.
   *
   * @param resource the resource whose quota is used up
   * @param quota the daily quota
   * @param resetsAt when the quota resets
   */
  public QuotaExhaustedException(String resource, long quota, Instant resetsAt) {
    super(resource + ": daily quota of " + quota + " calls is used up; resets at " + resetsAt);
    this.resource = resource;
    this.resetsAt = resetsAt;
  }

  /**
   * Returns the resource whose quota is used up.
   *
   * @return the resource name
   */
  public String resource() {
    return resource;
  }

  /**
   * Returns when the quota resets.
   *
   * @return the reset instant
   */
  public Instant resetsAt() {
    return resetsAt;
  }
}
