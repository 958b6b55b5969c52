package io.prism.batch.api;

/**
 * How a task failure is treated. Each class has its own retry schedule in the engine.
 */
public enum ErrorClass {
  /** Network trouble, a 5xx, anything that may work on a later try. Retried with backoff. */
  TRANSIENT,
  /** The resource refused the call for rate (HTTP 429). Retried later; the bucket slows down. */
  RATE_LIMITED,
  /** The daily quota is used up. The task waits for the quota to reset. */
  QUOTA_EXHAUSTED,
  /** The task ran past its timeout. Retried with backoff. */
  TIMEOUT,
  /** Invalid input, not found, no permission. Never retried. */
  PERMANENT
}
