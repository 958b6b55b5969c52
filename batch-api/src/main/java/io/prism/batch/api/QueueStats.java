package io.prism.batch.api;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of a queue's tasks by state.
 *
 * @param counts number of tasks in each state; every state is present
 */
public record QueueStats(Map<TaskState, Long> counts) {
  /** Copies the map and fills missing states with zero. */
  public QueueStats {
    EnumMap<TaskState, Long> full = new EnumMap<>(TaskState.class);
    for (TaskState s : TaskState.values()) {
      full.put(s, counts.getOrDefault(s, 0L));
    }
    counts = Map.copyOf(full);
  }

  /**
   * Returns the count of one state.
   *
   * @param state the state
   * @return its count
   */
  public long count(TaskState state) {
    return counts.get(state);
  }

  /**
   * Returns the number of tasks not yet in a terminal state.
   *
   * @return pending + retrying + running
   */
  public long open() {
    return count(TaskState.PENDING) + count(TaskState.RETRYING) + count(TaskState.RUNNING);
  }

  /**
   * Returns the number of all tasks.
   *
   * @return the total
   */
  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
