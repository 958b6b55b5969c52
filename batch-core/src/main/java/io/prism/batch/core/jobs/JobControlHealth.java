package io.prism.batch.core.jobs;

import io.prism.batch.api.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link JobControl#health()} found: the seed's {@code GET /api/v1/batch/health}.
 *
 * @param status {@link Status#UP} when nothing is wrong, {@link Status#DEGRADED} when jobs run
 *     but something needs a look (the poll of cancel requests failing), {@link Status#DOWN}
 *     when the job store cannot be read or the control is closed
 * @param problems what is wrong, one sentence each; empty when {@code UP}
 * @param checkedAt when the check ran
 * @param jobStoreLatency how long reading the newest job record took; empty if it failed
 * @param runningHere the ids of the jobs this control runs now, ascending
 * @param pausedTaskTypes the task types paused on the job store; empty if it cannot be read
 * @param schedules the scheduler's schedules; 0 without a scheduler
 * @param pausedSchedules how many of them are paused
 * @param nextFire the earliest next fire of an active schedule; empty if none
 */
public record JobControlHealth(
    Status status,
    List<String> problems,
    Instant checkedAt,
    Optional<Duration> jobStoreLatency,
    List<Long> runningHere,
    Set<String> pausedTaskTypes,
    int schedules,
    int pausedSchedules,
    Optional<Instant> nextFire) {

  /** How healthy job control is. */
  public enum Status {
    /** Everything answered and nothing failed. */
    UP,
    /** Jobs run, but something needs a look; see the problems. */
    DEGRADED,
    /** The job store cannot be read (no job can be recorded, listed or cancelled), or the
     * control is closed. */
    DOWN
  }

  /** Checks every field; copies the collections. */
  public JobControlHealth {
    Objects.requireNonNull(status, "status");
    problems = List.copyOf(problems);
    Objects.requireNonNull(checkedAt, "checkedAt");
    Objects.requireNonNull(jobStoreLatency, "jobStoreLatency");
    runningHere = List.copyOf(runningHere);
    pausedTaskTypes = Set.copyOf(pausedTaskTypes);
    Objects.requireNonNull(nextFire, "nextFire");
    if ((status == Status.UP) != problems.isEmpty()) {
      throw new InvalidInputException("problems", problems,
          "must be empty exactly when the status is UP (status " + status + ")");
    }
  }

  /**
   * Tells whether the status is {@link Status#UP}.
   *
   * @return true if nothing is wrong
   */
  public boolean isUp() {
    return status == Status.UP;
  }
}
