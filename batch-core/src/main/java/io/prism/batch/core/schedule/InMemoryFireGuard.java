package io.prism.batch.core.schedule;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link FireGuard}: remembers claimed slots in memory, so schedulers in one JVM
 * that share it fire each slot once. It does not survive a restart and does not span JVMs; use a
 * PostgreSQL or Redis guard for a cluster.
 *
 * <p>It keeps, per schedule, the slots claimed within {@link #retention()} of the latest one. A
 * claim for a slot older than that is refused (it cannot be told apart from one already run),
 * which keeps the once-only promise.
 *
 * <pre>{@code
 * FireGuard shared = new InMemoryFireGuard();
 * LocalScheduler a = LocalScheduler.builder().fireGuard(shared).build();
 * LocalScheduler b = LocalScheduler.builder().fireGuard(shared).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class InMemoryFireGuard implements FireGuard {

  /** The default retention: 8 days, longer than the longest grace period. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(8);

  private final Duration retention;
  private final Map<String, NavigableSet<Instant>> claims = new ConcurrentHashMap<>();

  /** Creates a guard with {@link #DEFAULT_RETENTION}. */
  public InMemoryFireGuard() {
    this(DEFAULT_RETENTION);
  }

  /**
   * Creates a guard.
   *
   * @param retention how long before the latest claim claims are remembered; positive
   * @throws InvalidInputException naming {@code retention} if not positive
   */
  public InMemoryFireGuard(Duration retention) {
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new InvalidInputException("retention", retention, "must be a positive duration");
    }
    this.retention = retention;
  }

  /**
   * Claims one slot.
   *
   * @param scheduleName the schedule, 1-{@value Schedule#MAX_NAME_LENGTH} characters
   * @param scheduledTime the slot
   * @return true if this call claimed it; false if it was claimed before, or is older than the
   *     retention before the schedule's latest claim
   * @throws InvalidInputException naming {@code scheduleName} or {@code scheduledTime}
   */
  @Override
  public boolean tryClaim(String scheduleName, Instant scheduledTime) {
    checkName(scheduleName);
    if (scheduledTime == null) {
      throw new InvalidInputException("scheduledTime", null, "must be an instant");
    }
    NavigableSet<Instant> set = claims.computeIfAbsent(scheduleName, k -> new TreeSet<>());
    synchronized (set) {
      if (!set.isEmpty() && scheduledTime.isBefore(set.last().minus(retention))) {
        return false;
      }
      if (!set.add(scheduledTime)) {
        return false;
      }
      set.headSet(set.last().minus(retention), false).clear();
      return true;
    }
  }

  /**
   * Returns the schedule's latest claimed slot.
   *
   * @param scheduleName the schedule
   * @return the latest claimed slot, or empty if none was claimed
   * @throws InvalidInputException naming {@code scheduleName}
   */
  @Override
  public Optional<Instant> lastClaimed(String scheduleName) {
    checkName(scheduleName);
    NavigableSet<Instant> set = claims.get(scheduleName);
    if (set == null) {
      return Optional.empty();
    }
    synchronized (set) {
      return set.isEmpty() ? Optional.empty() : Optional.of(set.last());
    }
  }

  /**
   * Returns how long claims are remembered before the latest one.
   *
   * @return the retention
   */
  public Duration retention() {
    return retention;
  }

  @Override
  public String toString() {
    return "InMemoryFireGuard{retention=" + retention + ", schedules=" + claims.size() + "}";
  }

  private static void checkName(String scheduleName) {
    if (scheduleName == null || scheduleName.isBlank()
        || scheduleName.length() > Schedule.MAX_NAME_LENGTH) {
      throw new InvalidInputException("scheduleName", scheduleName,
          "must be 1-" + Schedule.MAX_NAME_LENGTH + " characters, not blank");
    }
  }
}
