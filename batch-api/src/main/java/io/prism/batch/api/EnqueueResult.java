package io.prism.batch.api;

import java.util.List;

/**
 * What an enqueue did.
 *
 * @param accepted ids of tasks added
 * @param duplicates ids of tasks skipped because their dedupe key was already present
 */
public record EnqueueResult(List<String> accepted, List<String> duplicates) {
  /** Copies the lists. */
  public EnqueueResult {
    accepted = List.copyOf(accepted);
    duplicates = List.copyOf(duplicates);
  }
}
