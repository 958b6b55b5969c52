package io.prism.batch.core.queue;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link JournaledTaskQueue} found when it opened its directory.
 *
 * <pre>{@code
 * RecoveryReport report = queue.recoveryReport();
 * report.corruptTail().ifPresent(what -> alert("queue journal tail dropped: " + what));
 * }</pre>
 *
 * @param snapshotLoaded whether a snapshot was loaded (false for a new directory)
 * @param recordsReplayed how many journal records were applied on top of the snapshot
 * @param tasksRecovered how many tasks the queue holds after recovery, all states
 * @param runningRequeued how many tasks were running when the queue last stopped and are pending
 *     again; they keep their attempt count and will run again
 * @param corruptTail if the journal ended in a torn or corrupt record: the file, the offset of the
 *     first bad byte, what was wrong and how many bytes were dropped; everything before that offset
 *     was kept
 */
public record RecoveryReport(
    boolean snapshotLoaded,
    long recordsReplayed,
    long tasksRecovered,
    int runningRequeued,
    Optional<String> corruptTail) {

  /**
   * Creates a report.
   *
   * @param snapshotLoaded whether a snapshot was loaded
   * @param recordsReplayed journal records applied
   * @param tasksRecovered tasks held after recovery
   * @param runningRequeued running tasks made pending again
   * @param corruptTail what was cut off the journal's tail, or empty
   */
  public RecoveryReport {
    Objects.requireNonNull(corruptTail, "corruptTail");
  }

  /**
   * Tells whether recovery dropped anything.
   *
   * @return true if a corrupt tail was cut off
   */
  public boolean lostData() {
    return corruptTail.isPresent();
  }
}
