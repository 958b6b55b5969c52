package io.prism.batch.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a batch run.
 *
 * @param batchId the batch
 * @param status how it ended
 * @param startedAt when the run started
 * @param duration how long it ran
 * @param total tasks in the batch
 * @param counts tasks per final state
 * @param skipped tasks skipped because their output already existed
 * @param retries retry attempts made
 * @param failures the failed tasks (at most the first 1,000)
 * @param resumed true if this run resumed a batch found in a journal
 */
public record BatchResult(
    String batchId,
    BatchStatus status,
    Instant startedAt,
    Duration duration,
    long total,
    Map<TaskState, Long> counts,
    long skipped,
    long retries,
    List<TaskFailure> failures,
    boolean resumed) {

  /** Copies the collections. */
  public BatchResult {
    counts = Map.copyOf(counts);
    failures = List.copyOf(failures);
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
}
