package io.prism.batch.core.jobs;

import io.prism.batch.api.TaskQueue;
import java.util.Set;

/** Makes a queue's paused task types exactly a given set. */
final class PausedTypes {
  private PausedTypes() {}

  /**
   * Resumes the types the queue has paused that are not in {@code paused}, and pauses those in
   * it. Idempotent.
   *
   * @param queue the queue
   * @param paused the types to hold back
   */
  static void apply(TaskQueue queue, Set<String> paused) {
    for (String type : queue.pausedTypes()) {
      if (!paused.contains(type)) {
        queue.resumeType(type);
      }
    }
    for (String type : paused) {
      queue.pauseType(type);
    }
  }
}
