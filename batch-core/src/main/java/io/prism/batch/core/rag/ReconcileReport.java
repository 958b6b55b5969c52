package io.prism.batch.core.rag;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Reconciler} run found (and, for {@link Reconciler#repair()}, fixed).
 *
 * @param at when the run started
 * @param applied true for a repair, false for a read-only check
 * @param abandonedPending pending versions older than the reconciler's limit, marked failed
 *     (or, for a check, that would be)
 * @param collections one report per collection looked at, by name
 */
public record ReconcileReport(
    Instant at, boolean applied, int abandonedPending, List<CollectionReport> collections) {

  /** Copies the list. */
  public ReconcileReport {
    Objects.requireNonNull(at, "at");
    collections = List.copyOf(collections);
  }

  /**
   * The findings for one collection.
   *
   * @param collection the collection
   * @param stored vectors in the store
   * @param expected vectors the ledger's active versions map to it
   * @param missing expected vectors not in the store
   * @param orphaned vectors in the store that no active or in-flight pending version maps
   * @param mismatched stored vectors whose text or version differs from the ledger (only with
   *     {@link Reconciler.Builder#verifyText})
   * @param repaired missing or mismatched vectors re-embedded from the mapping text and upserted
   * @param removed orphaned vectors deleted
   * @param unrepairable missing vectors of versions built with another embedding model; those
   *     records need a new sync
   */
  public record CollectionReport(String collection, int stored, int expected, int missing,
      int orphaned, int mismatched, int repaired, int removed, int unrepairable) {
    /** Checks the name. */
    public CollectionReport {
      Objects.requireNonNull(collection, "collection");
    }
  }

  /**
   * Returns the missing vectors over all collections.
   *
   * @return the count
   */
  public int missing() {
    return collections.stream().mapToInt(CollectionReport::missing).sum();
  }

  /**
   * Returns the orphaned vectors over all collections.
   *
   * @return the count
   */
  public int orphaned() {
    return collections.stream().mapToInt(CollectionReport::orphaned).sum();
  }

  /**
   * Returns the mismatched vectors over all collections.
   *
   * @return the count
   */
  public int mismatched() {
    return collections.stream().mapToInt(CollectionReport::mismatched).sum();
  }

  /**
   * Returns the repaired vectors over all collections.
   *
   * @return the count
   */
  public int repaired() {
    return collections.stream().mapToInt(CollectionReport::repaired).sum();
  }

  /**
   * Returns the removed vectors over all collections.
   *
   * @return the count
   */
  public int removed() {
    return collections.stream().mapToInt(CollectionReport::removed).sum();
  }

  /**
   * Returns the report of one collection.
   *
   * @param collection the name
   * @return its report, if it was looked at
   */
  public java.util.Optional<CollectionReport> collection(String collection) {
    return collections.stream().filter(c -> c.collection().equals(collection)).findFirst();
  }

  /**
   * Tells whether the store and the ledger agreed (before any repair).
   *
   * @return true if nothing was missing, orphaned or mismatched
   */
  public boolean consistent() {
    return missing() == 0 && orphaned() == 0 && mismatched() == 0;
  }
}
