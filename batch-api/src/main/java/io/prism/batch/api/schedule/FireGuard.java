package io.prism.batch.api.schedule;

import io.prism.batch.api.BatchException;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides, cluster-wide, who runs one slot of a schedule: a scheduler calls {@link #tryClaim}
 * before every fire and runs it only on {@code true}. Because the claim is keyed by the slot
 * (schedule name and scheduled time) rather than by a lock with a lease, a node that stalls and
 * comes back late finds the slot already claimed and does not run it a second time.
 *
 * <p>The embedded default remembers claims in memory (one JVM); shared implementations insert a
 * unique fire row in PostgreSQL or {@code SET NX} a key in Redis. A claim must be remembered at
 * least as long as the schedule's grace period plus the clock skew between nodes.
 *
 * <p>Implementations must be thread-safe.
 */
public interface FireGuard {

  /**
   * Claims one slot for the caller.
   *
   * @param scheduleName the schedule
   * @param scheduledTime the slot, identical on every node (not the time of the call)
   * @return true if this call claimed it; false if it was claimed before, here or elsewhere
   * @throws BatchException if the guard cannot tell (e.g. its store is unreachable); the
   *     scheduler then does not run the slot and reports it
   */
  boolean tryClaim(String scheduleName, Instant scheduledTime);

  /**
   * Returns the latest slot claimed for a schedule, if the guard remembers one. A scheduler
   * that registers the schedule continues from there, so slots missed while no node was running
   * are caught up (under the misfire policy) and reported rather than silently lost.
   *
   * @param scheduleName the schedule
   * @return the latest claimed scheduled time, or empty (the default) if unknown
   * @throws BatchException if the guard cannot tell
   */
  default Optional<Instant> lastClaimed(String scheduleName) {
    return Optional.empty();
  }
}
