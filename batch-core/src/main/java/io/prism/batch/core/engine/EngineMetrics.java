package io.prism.batch.core.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and timers per task type and outcome. Updated by the workers with striped adders,
 * read at any time. Thread-safe. {@link io.prism.batch.core.metrics.MicrometerBinder} exposes
 * them to Micrometer.
 */
public final class EngineMetrics {
  private final ConcurrentHashMap<String, TypeMetrics> byType = new ConcurrentHashMap<>();

  /**
   * Returns the live metrics of one task type, creating them on first use.
   *
   * @param taskType the type
   * @return its metrics
   */
  public TypeMetrics forType(String taskType) {
    TypeMetrics m = byType.get(taskType);
    return m != null ? m : byType.computeIfAbsent(taskType, t -> new TypeMetrics());
  }

  /**
   * Returns a copy of every type's figures, by type name.
   *
   * @return the snapshot
   */
  public Map<String, TypeSnapshot> snapshot() {
    Map<String, TypeSnapshot> out = new TreeMap<>();
    byType.forEach((k, v) -> out.put(k, v.snapshot()));
    return out;
  }

  /** The live figures of one task type. */
  public static final class TypeMetrics {
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder timedNanos = new LongAdder();
    final LongAdder timedCount = new LongAdder();
    final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

    TypeMetrics() {}

    /**
     * Records one run's duration.
     *
     * @param nanos the duration
     */
    public void time(long nanos) {
      timedNanos.add(nanos);
      timedCount.increment();
      maxNanos.accumulate(nanos);
    }

    /** Counts a success. */
    public void succeeded() {
      succeeded.increment();
    }

    /** Counts a final failure. */
    public void failed() {
      failed.increment();
    }

    /** Counts a failure that will be retried. */
    public void retried() {
      retried.increment();
    }

    /** Counts a task skipped because its output existed. */
    public void skipped() {
      skipped.increment();
    }

    /** Counts a cancelled task. */
    public void cancelled() {
      cancelled.increment();
    }

    TypeSnapshot snapshot() {
      long n = timedCount.sum();
      return new TypeSnapshot(succeeded.sum(), failed.sum(), retried.sum(), skipped.sum(),
          cancelled.sum(), n, n == 0 ? 0 : timedNanos.sum() / n, maxNanos.get());
    }
  }

  /**
   * The figures of one task type at one moment.
   *
   * @param succeeded tasks that succeeded (skipped ones included)
   * @param failed tasks that failed for good
   * @param retried failed attempts that were retried
   * @param skipped tasks skipped because their output existed
   * @param cancelled tasks cancelled
   * @param runs timed runs
   * @param meanNanos mean run time
   * @param maxNanos longest run time
   */
  public record TypeSnapshot(
      long succeeded, long failed, long retried, long skipped, long cancelled, long runs,
      long meanNanos, long maxNanos) {}
}
