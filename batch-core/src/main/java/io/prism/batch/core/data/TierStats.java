package io.prism.batch.core.data;

/**
 * Read statistics of one tier.
 *
 * @param tier the tier
 * @param hits reads it served
 * @param misses reads that passed it by
 * @param meanMicros mean latency of the reads it served
 * @param p50Micros median latency of the reads it served
 * @param p95Micros 95th percentile latency of the reads it served
 * @param maxMicros the slowest read it served
 */
public record TierStats(
    Tier tier, long hits, long misses, double meanMicros, double p50Micros, double p95Micros,
    double maxMicros) {

  /**
   * Returns hits / (hits + misses).
   *
   * @return the hit rate, 0 when unused
   */
  public double hitRate() {
    long n = hits + misses;
    return n == 0 ? 0 : (double) hits / n;
  }
}
