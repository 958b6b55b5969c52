package io.prism.batch.core.engine.internal;

import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.ProgressSnapshot;
import io.prism.batch.api.StageProgress;
import io.prism.batch.api.TaskState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a run's tasks by outcome and derives throughput over a moving window and an ETA.
 * Workers update striped counters; {@link #sample} is called by the supervisor at a fixed rate
 * and keeps the window's samples.
 */
public final class ProgressTracker {
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder running = new LongAdder();
  private final LongAdder waitingRetry = new LongAdder();
  private final AtomicLong total = new AtomicLong();
  private final Map<String, Stage> stages = new ConcurrentHashMap<>();
  private final List<String> stageOrder = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ArrayDeque<long[]> window = new ArrayDeque<>();
  private final long windowNanos;
  private final long startNanos;

  /**
   * Creates a tracker.
   *
   * @param window the throughput window
   * @param startNanos the run's start on {@link System#nanoTime()}
   */
  public ProgressTracker(Duration window, long startNanos) {
    this.windowNanos = window.toNanos();
    this.startNanos = startNanos;
  }

  void addTotal(long n) {
    total.addAndGet(n);
  }

  void setBaseline(long succeededBefore, long failedBefore, long cancelledBefore) {
    succeeded.add(succeededBefore);
    failed.add(failedBefore);
    cancelled.add(cancelledBefore);
  }

  void started(boolean isRetry) {
    running.increment();
    if (isRetry) {
      waitingRetry.decrement();
    }
  }

  void succeeded(boolean wasSkipped) {
    running.decrement();
    succeeded.increment();
    if (wasSkipped) {
      skipped.increment();
    }
  }

  void failed() {
    running.decrement();
    failed.increment();
  }

  void retrying() {
    running.decrement();
    retries.increment();
    waitingRetry.increment();
  }

  void released() {
    running.decrement();
  }

  void cancelled(long n, boolean wasRunning) {
    if (wasRunning) {
      running.add(-n);
    }
    cancelled.add(n);
  }

  void stage(String name, long done, long stageTotal) {
    Stage s = stages.computeIfAbsent(name, n -> {
      stageOrder.add(n);
      return new Stage();
    });
    s.total.accumulateAndGet(stageTotal, Math::max);
    s.done.add(done);
  }

  long ended() {
    return succeeded.sum() + failed.sum() + cancelled.sum();
  }

  long running() {
    return running.sum();
  }

  long total() {
    return total.get();
  }

  long retries() {
    return retries.sum();
  }

  long skipped() {
    return skipped.sum();
  }

  /** Records a throughput sample at {@code nowNanos}. */
  synchronized void sample(long nowNanos) {
    window.addLast(new long[] {nowNanos, ended()});
    while (window.size() > 2 && nowNanos - window.peekFirst()[0] > windowNanos) {
      window.pollFirst();
    }
  }

  synchronized double throughput(long nowNanos) {
    long[] first = window.peekFirst();
    if (first == null) {
      return 0;
    }
    long dt = nowNanos - first[0];
    if (dt <= 0) {
      return 0;
    }
    return (ended() - first[1]) * 1e9 / dt;
  }

  /** Builds a snapshot. */
  ProgressSnapshot snapshot(String batchId, BatchStatus status, long nowNanos) {
    Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
    long s = succeeded.sum();
    long f = failed.sum();
    long c = cancelled.sum();
    long r = Math.max(0, running.sum());
    counts.put(TaskState.SUCCEEDED, s);
    counts.put(TaskState.FAILED, f);
    counts.put(TaskState.CANCELLED, c);
    counts.put(TaskState.RUNNING, r);
    long w = Math.max(0, waitingRetry.sum());
    counts.put(TaskState.RETRYING, w);
    counts.put(TaskState.PENDING, Math.max(0, total.get() - s - f - c - r - w));
    double tput = throughput(nowNanos);
    long remaining = Math.max(0, total.get() - s - f - c);
    Optional<Duration> eta;
    if (remaining == 0) {
      eta = Optional.of(Duration.ZERO);
    } else if (tput <= 0 || status != BatchStatus.RUNNING) {
      eta = Optional.empty();
    } else {
      eta = Optional.of(Duration.ofMillis((long) (remaining / tput * 1000)));
    }
    List<StageProgress> st = new ArrayList<>();
    for (String name : stageOrder) {
      Stage g = stages.get(name);
      st.add(new StageProgress(name, g.done.sum(), g.total.get()));
    }
    return new ProgressSnapshot(batchId, status, total.get(), counts, skipped.sum(), tput,
        Duration.ofNanos(nowNanos - startNanos), eta, st);
  }

  private static final class Stage {
    final LongAdder done = new LongAdder();
    final AtomicLong total = new AtomicLong();
  }
}
