package io.prism.batch.core.data;

import io.prism.batch.core.data.internal.LatencyHistogram;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hits, misses and latency per tier of a read path. Thread-safe; updates are striped adders and
 * a lock-free histogram.
 */
public final class ReadStats {
  private final Map<Tier, LongAdder> hits = new EnumMap<>(Tier.class);
  private final Map<Tier, LongAdder> misses = new EnumMap<>(Tier.class);
  private final Map<Tier, LatencyHistogram> latency = new EnumMap<>(Tier.class);
  private final LongAdder stale = new LongAdder();

  ReadStats() {
    for (Tier t : Tier.values()) {
      hits.put(t, new LongAdder());
      misses.put(t, new LongAdder());
      latency.put(t, new LatencyHistogram());
    }
  }

  void served(Tier tier, long nanos, boolean wasStale) {
    hits.get(tier).increment();
    latency.get(tier).record(nanos);
    if (wasStale) {
      stale.increment();
    }
  }

  void missed(Tier tier) {
    misses.get(tier).increment();
  }

  /**
   * Returns the statistics of every tier.
   *
   * @return L1, L2, L3 and NONE, in that order
   */
  public List<TierStats> snapshot() {
    List<TierStats> out = new ArrayList<>();
    for (Tier t : Tier.values()) {
      LatencyHistogram h = latency.get(t);
      out.add(new TierStats(t, hits.get(t).sum(), misses.get(t).sum(), h.meanMicros(),
          h.percentileMicros(0.50), h.percentileMicros(0.95), h.maxMicros()));
    }
    return out;
  }

  /**
   * Returns one tier's statistics.
   *
   * @param tier the tier
   * @return its statistics
   */
  public TierStats of(Tier tier) {
    return snapshot().get(tier.ordinal());
  }

  /**
   * Returns the share of reads served from L1 or L2.
   *
   * @return the cache hit rate, 0 when nothing was read
   */
  public double cacheHitRate() {
    long cached = hits.get(Tier.L1).sum() + hits.get(Tier.L2).sum();
    long all = cached + hits.get(Tier.L3).sum() + hits.get(Tier.NONE).sum();
    return all == 0 ? 0 : (double) cached / all;
  }

  /**
   * Returns how many stale records were served.
   *
   * @return the count
   */
  public long staleServed() {
    return stale.sum();
  }
}
