package io.prism.batch.core.data.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram with logarithmic buckets (about 9% wide) from 100 ns to about
 * 100 s; percentiles are read as bucket midpoints.
 */
public final class LatencyHistogram {
  private static final int BUCKETS = 256;
  private static final double BASE_NANOS = 100;
  private static final double GROWTH = 1.09;
  private static final double LOG_GROWTH = Math.log(GROWTH);

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder count = new LongAdder();
  private final LongAdder total = new LongAdder();
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  /**
   * Records one latency.
   *
   * @param nanos the latency
   */
  public void record(long nanos) {
    counts.incrementAndGet(bucket(nanos));
    count.increment();
    total.add(nanos);
    max.accumulate(nanos);
  }

  static int bucket(long nanos) {
    if (nanos <= BASE_NANOS) {
      return 0;
    }
    int b = (int) (Math.log(nanos / BASE_NANOS) / LOG_GROWTH) + 1;
    return Math.min(BUCKETS - 1, b);
  }

  /**
   * Returns the mean in microseconds.
   *
   * @return the mean, 0 when empty
   */
  public double meanMicros() {
    long n = count.sum();
    return n == 0 ? 0 : total.sum() / 1000.0 / n;
  }

  /**
   * Returns the largest latency in microseconds.
   *
   * @return the max
   */
  public double maxMicros() {
    return max.get() / 1000.0;
  }

  /**
   * Returns a percentile in microseconds.
   *
   * @param q the quantile, 0 to 1
   * @return the latency, 0 when empty
   */
  public double percentileMicros(double q) {
    long n = count.sum();
    if (n == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * n);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        double lo = i == 0 ? 0 : BASE_NANOS * Math.pow(GROWTH, i - 1);
        double hi = BASE_NANOS * Math.pow(GROWTH, i);
        return Math.min((lo + hi) / 2, max.get()) / 1000.0;
      }
    }
    return maxMicros();
  }
}
