package io.prism.batch.core.engine;

import java.util.List;
import java.util.Map;

/**
 * What a batch would do, computed by a dry run that runs nothing.
 *
 * @param total tasks given
 * @param toRun tasks that would run
 * @param duplicates tasks skipped because their dedupe key is repeated or already queued
 * @param alreadyDone tasks skipped because their processor says the output exists
 * @param byType tasks that would run, per type
 * @param byPriority tasks that would run, per priority
 * @param unknownTypes task types with no processor (those tasks would fail)
 */
public record BatchPlan(
    long total,
    long toRun,
    long duplicates,
    long alreadyDone,
    Map<String, Long> byType,
    Map<Integer, Long> byPriority,
    List<String> unknownTypes) {

  /** Copies the collections. */
  public BatchPlan {
    byType = Map.copyOf(byType);
    byPriority = Map.copyOf(byPriority);
    unknownTypes = List.copyOf(unknownTypes);
  }
}
