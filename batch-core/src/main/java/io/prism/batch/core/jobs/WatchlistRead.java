package io.prism.batch.core.jobs;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.core.data.ReadResult;
import io.prism.batch.core.data.Tier;
import java.util.List;
import java.util.Map;

/**
 * The outcome of reading every (stock, data type) of a watchlist with {@link WatchlistReader}.
 *
 * @param watchlist the list as read
 * @param results the reads that returned, in stock then type order
 * @param failed the keys whose read failed (the source failed and L2 had nothing), with the error
 */
public record WatchlistRead(
    Watchlist watchlist, List<ReadResult> results, Map<DataKey, String> failed) {

  /** Copies the collections. */
  public WatchlistRead {
    results = List.copyOf(results);
    failed = Map.copyOf(failed);
  }

  /**
   * Counts the reads served by one tier.
   *
   * @param tier the tier
   * @return the count
   */
  public long served(Tier tier) {
    return results.stream().filter(r -> r.tier() == tier).count();
  }

  /**
   * Returns the share of reads served from L1 or L2, failed reads included in the whole.
   *
   * @return 0 to 1; 0 when nothing was read
   */
  public double cacheHitRate() {
    long all = results.size() + failed.size();
    return all == 0 ? 0 : (double) results.stream().filter(ReadResult::cacheHit).count() / all;
  }
}
