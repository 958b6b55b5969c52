package io.prism.batch.api;

/**
 * Progress of one named stage of a batch.
 *
 * @param name the stage name
 * @param done items done
 * @param total items expected
 */
public record StageProgress(String name, long done, long total) {
  /**
   * Returns the fraction done, 0 to 1.
   *
   * @return done / total, or 1 when total is 0
   */
  public double fraction() {
    return total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
  }
}
