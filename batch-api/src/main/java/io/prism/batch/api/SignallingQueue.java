package io.prism.batch.api;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An optional capability of a {@link TaskQueue}: it can tell a consumer when work may be
 * claimable, so the consumer waits instead of polling {@link TaskQueue#claim}. A consumer checks
 * {@code queue instanceof SignallingQueue} and polls otherwise.
 *
 * <pre>{@code
 * if (queue instanceof SignallingQueue signalling) {
 *   while (running) {
 *     List<Lease> leases = queue.claim(workerId, 64, leaseTime);
 *     if (leases.isEmpty()) {
 *       signalling.awaitClaimable(1, TimeUnit.SECONDS);
 *     }
 *     // ... run the leases
 *   }
 * }
 * }</pre>
 *
 * <p>A {@code true} answer is a hint, not a reservation: another consumer may claim the task first,
 * so a consumer always copes with an empty claim. A queue shared by several processes may also
 * miss a change made elsewhere for a while; it then answers no later than the timeout, so a
 * consumer bounds its wait by how late it may notice such a change.
 *
 * <p>Implementations are thread-safe, and a waiting thread that is interrupted stops waiting.
 */
public interface SignallingQueue {

  /**
   * Waits until a task may be claimable: one is enqueued, released, returned by an expired lease,
   * or its not-before or retry time is reached. Returns at once when a task is claimable already.
   *
   * @param timeout the longest wait
   * @param unit the unit of {@code timeout}
   * @return true if a task may be claimable now; false if the time ran out or the queue is closed
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitClaimable(long timeout, TimeUnit unit) throws InterruptedException;

  /**
   * Returns the earliest not-before (or retry) time among tasks that are waiting for it, that is
   * the next time a task becomes claimable without anything else happening.
   *
   * @return the instant, or empty when no task is waiting for its time
   */
  Optional<Instant> nextNotBefore();
}
