package io.prism.batch.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A point-in-time view of a batch's progress.
 *
 * @param batchId the batch
 * @param status the batch status
 * @param total tasks in the batch
 * @param counts tasks per state
 * @param skipped tasks skipped because their output already existed (counted as succeeded too)
 * @param throughputPerSecond tasks ended per second over the moving window
 * @param elapsed time since the run started
 * @param eta estimated time to finish, or empty when unknown (nothing ended yet, or paused)
 * @param stages named stages in the order they were first reported
 */
public record ProgressSnapshot(
    String batchId,
    BatchStatus status,
    long total,
    Map<TaskState, Long> counts,
    long skipped,
    double throughputPerSecond,
    Duration elapsed,
    Optional<Duration> eta,
    List<StageProgress> stages) {

  /** Copies the collections. */
  public ProgressSnapshot {
    counts = Map.copyOf(counts);
    stages = List.copyOf(stages);
  }

  /**
   * Returns the count of tasks in one state.
   *
   * @param state the state
   * @return the count
   */
  public long count(TaskState state) {
    return counts.getOrDefault(state, 0L);
  }

  /**
   * Returns the number of tasks that ended (succeeded, failed or cancelled).
   *
   * @return the count
   */
  public long finished() {
    return count(TaskState.SUCCEEDED) + count(TaskState.FAILED) + count(TaskState.CANCELLED);
  }

  /**
   * Returns the fraction of tasks that ended, 0 to 1.
   *
   * @return finished / total, or 1 for an empty batch
   */
  public double fraction() {
    return total == 0 ? 1.0 : (double) finished() / total;
  }
}
