package io.prism.batch.api.schedule;

import io.prism.batch.api.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * A report of slots that did not fire on time, one per catch-up (not one per slot). Sent to
 * {@link ScheduleListener#onMisfire} and logged as a warning. Immutable and thread-safe.
 *
 * <p>When {@code firedLate} is true, the latest missed slot ({@code lastMissed}) fired once, late,
 * and the others were skipped; otherwise none of them ran.
 *
 * @param scheduleName the schedule
 * @param firstMissed the earliest slot that did not fire on time
 * @param lastMissed the latest one
 * @param missedCount how many slots, counted up to {@link #MAX_COUNTED}
 * @param detectedAt when the scheduler noticed
 * @param cause why they did not fire on time
 * @param firedLate whether {@code lastMissed} fired once, late
 */
public record Misfire(
    String scheduleName,
    Instant firstMissed,
    Instant lastMissed,
    long missedCount,
    Instant detectedAt,
    MisfireCause cause,
    boolean firedLate) {

  /** The most slots one report counts; a longer outage reports this number. */
  public static final long MAX_COUNTED = 10_000;

  /** Checks no value is null and the count is positive. */
  public Misfire {
    Objects.requireNonNull(scheduleName, "scheduleName");
    Objects.requireNonNull(firstMissed, "firstMissed");
    Objects.requireNonNull(lastMissed, "lastMissed");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(cause, "cause");
    if (missedCount < 1) {
      throw new InvalidInputException("missedCount", missedCount, "must be positive");
    }
  }

  /**
   * Returns how many slots were skipped: all of them, or all but the one that fired late.
   *
   * @return the number of slots that never ran
   */
  public long skippedCount() {
    return firedLate ? missedCount - 1 : missedCount;
  }
}
