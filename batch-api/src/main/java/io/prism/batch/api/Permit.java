package io.prism.batch.api;

/**
 * A permit of a rate-limited resource, held for the duration of one call.
 *
 * <pre>{@code
 * try (Permit p = context.acquire("akshare")) {
 *   Response r = http.send(request);
 *   if (r.status() == 429) p.rateLimited();
 * }
 * }</pre>
 */
public interface Permit extends AutoCloseable {

  /** Tells the limiter the call was refused for rate, so it slows down. */
  void rateLimited();

  /** Returns the permit; releases the concurrency slot. */
  @Override
  void close();
}
