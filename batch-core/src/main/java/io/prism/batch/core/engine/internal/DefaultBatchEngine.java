package io.prism.batch.core.engine.internal;

import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.ProgressSnapshot;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.SignallingQueue;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskFailure;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.BatchPlan;
import io.prism.batch.core.engine.BatchRun;
import io.prism.batch.core.engine.EngineMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine and its one run. */
public final class DefaultBatchEngine implements BatchEngine, BatchRun {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultBatchEngine.class);
  static final int MAX_FAILURES_KEPT = 1000;
  private static final long TICK_MILLIS = 10;
  /**
   * The longest an idle worker waits for a signalling queue's signal. A change a queue does not
   * signal, such as the last open task finishing in another process, or room freed under a
   * concurrency cap there, is noticed this late; stop and a drain in this engine wake workers.
   */
  static final long SIGNALLED_WAIT_MILLIS = 500;
  /** How long an idle worker sleeps between claims on a queue that does not signal. */
  static final long POLL_MILLIS = 20;

  final EngineSettings settings;
  final TaskQueue queue;
  final EngineMetrics metrics = new EngineMetrics();
  final EventBus bus = new EventBus(4096);
  final ConcurrentLinkedQueue<TaskFailure> failures = new ConcurrentLinkedQueue<>();
  final AtomicInteger failuresKept = new AtomicInteger();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicLong wakes = new AtomicLong();
  private final CompletableFuture<BatchResult> result = new CompletableFuture<>();
  private final ReentrantLock pauseLock = new ReentrantLock();
  private final Condition unpaused = pauseLock.newCondition();
  volatile ProgressTracker progress;
  volatile BatchStatus status = BatchStatus.CREATED;
  volatile boolean paused;
  volatile boolean stopping;
  private volatile BatchStatus stopStatus;
  private volatile boolean resumed;
  private volatile Instant startedAt;
  private volatile long startNanos;
  private final List<Worker> workers = new ArrayList<>();
  private CountDownLatch workersDone;
  private volatile Thread supervisor;

  /**
   * Creates the engine and opens its queue.
   *
   * @param settings the configuration
   */
  public DefaultBatchEngine(EngineSettings settings) {
    this.settings = settings;
    this.queue = settings.queue().get();
    settings.listeners().forEach(e -> bus.subscribe(e.getValue(), settings.batchId() + "-" + e.getKey()));
  }

  @Override
  public String batchId() {
    return settings.batchId();
  }

  @Override
  public EngineMetrics metrics() {
    return metrics;
  }

  @Override
  public TaskQueue queue() {
    return queue;
  }

  @Override
  public BatchPlan plan(Collection<Task> tasks) {
    Set<String> keys = new HashSet<>();
    Map<String, Long> byType = new TreeMap<>();
    Map<Integer, Long> byPriority = new TreeMap<>();
    Set<String> unknown = new TreeSet<>();
    long dup = 0;
    long done = 0;
    for (Task t : tasks) {
      if (!keys.add(t.dedupeKey()) || queue.get(t.id()).isPresent()) {
        dup++;
        continue;
      }
      Processor p = settings.processors().get(t.type());
      if (p == null) {
        unknown.add(t.type());
      } else if (isDone(p, t)) {
        done++;
        continue;
      }
      byType.merge(t.type(), 1L, Long::sum);
      byPriority.merge(t.priority(), 1L, Long::sum);
    }
    long toRun = byType.values().stream().mapToLong(Long::longValue).sum();
    return new BatchPlan(tasks.size(), toRun, dup, done, byType, byPriority, List.copyOf(unknown));
  }

  static boolean isDone(Processor p, Task t) {
    try {
      return p.isDone(t);
    } catch (Exception e) {
      LOG.warn("isDone of task {} failed; the task will run: {}", t.id(), e.toString());
      return false;
    }
  }

  @Override
  public BatchRun start(Collection<Task> tasks) {
    for (Task t : tasks) {
      if (!settings.processors().containsKey(t.type())) {
        throw new InvalidInputException("type", t.type(),
            "no processor for this task type (task " + t.id() + "); known types: "
                + new TreeSet<>(settings.processors().keySet()));
      }
    }
    if (!started.compareAndSet(false, true)) {
      throw new InvalidInputException("start", batchId(), "this engine already started its batch");
    }
    startNanos = System.nanoTime();
    startedAt = settings.clock().instant();
    ProgressTracker tracker = new ProgressTracker(settings.throughputWindow(), startNanos);
    QueueStats before = queue.stats();
    resumed = before.total() > 0;
    tracker.setBaseline(before.count(TaskState.SUCCEEDED), before.count(TaskState.FAILED),
        before.count(TaskState.CANCELLED));
    tracker.addTotal(before.total());
    EnqueueResult enq = tasks.isEmpty() ? new EnqueueResult(List.of(), List.of()) : queue.enqueue(tasks);
    tracker.addTotal(enq.accepted().size());
    progress = tracker;
    tracker.sample(startNanos);
    status = BatchStatus.RUNNING;
    if (queue instanceof io.prism.batch.core.queue.JournaledTaskQueue j) {
      io.prism.batch.core.queue.RecoveryReport rr = j.recoveryReport();
      rr.corruptTail().ifPresent(tail -> {
        LOG.warn("batch {}: the journal's tail was damaged and cut off: {}", batchId(), tail);
        publishStatus(BatchStatus.RUNNING, "journal tail damaged and cut off: " + tail);
      });
      if (rr.runningRequeued() > 0) {
        LOG.info("batch {}: {} tasks that were running at the crash will run again", batchId(), rr.runningRequeued());
      }
    }
    publishStatus(BatchStatus.RUNNING, resumed
        ? "resumed with " + before.open() + " open tasks, " + enq.accepted().size() + " new"
        : "started with " + enq.accepted().size() + " tasks");
    workersDone = new CountDownLatch(settings.parallelism());
    for (int i = 0; i < settings.parallelism(); i++) {
      Worker w = new Worker(this, settings.batchId() + "-w" + i);
      workers.add(w);
    }
    for (Worker w : workers) {
      Thread t = new Thread(() -> {
        try {
          w.run();
        } finally {
          workersDone.countDown();
          if (workersDone.getCount() == 0) {
            finish();
          }
        }
      }, "prism-" + w.id);
      t.setDaemon(true);
      w.thread = t;
    }
    supervisor = new Thread(this::supervise, "prism-supervisor-" + batchId());
    supervisor.setDaemon(true);
    workers.forEach(w -> w.thread.start());
    supervisor.start();
    return this;
  }

  // ---- worker coordination ----

  /** Blocks a worker while paused; returns false if the batch is stopping. */
  boolean awaitUnpaused() {
    pauseLock.lock();
    try {
      while (paused && !stopping) {
        unpaused.awaitUninterruptibly();
      }
      return !stopping;
    } finally {
      pauseLock.unlock();
    }
  }

  /**
   * Waits for claimable work after an empty claim: on a {@link SignallingQueue} until it signals
   * work or {@link #SIGNALLED_WAIT_MILLIS} pass, else (or when its last signal led to an empty
   * claim) for {@link #POLL_MILLIS}. A worker is woken early when the batch stops or drains.
   *
   * @param lastSignalMissed whether the previous wait ended with a signal and the claim after it
   *     still came back empty
   * @return whether the queue signalled claimable work
   */
  boolean awaitWork(boolean lastSignalMissed) throws InterruptedException {
    if (queue instanceof SignallingQueue s && !lastSignalMissed) {
      try {
        return s.awaitClaimable(SIGNALLED_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        if (stopping || Thread.currentThread().isInterrupted()) {
          return false; // a wake interrupted the queue's own wait, e.g. for a pooled connection
        }
        throw e;
      }
    }
    Thread.sleep(POLL_MILLIS);
    return false;
  }

  boolean drained() {
    return !queue.hasOpenTasks();
  }

  /** How many times idle workers were woken; see {@link #wakeIdleWorkers}. */
  long wakes() {
    return wakes.get();
  }

  /** Ends the idle waits of every worker, so that each checks again for work, stop or drain. */
  void wakeIdleWorkers() {
    wakes.incrementAndGet();
    for (Worker w : workers) {
      w.wakeIfIdle();
    }
  }

  void recordFailure(Task t, ErrorClass c, String message) {
    if (failuresKept.incrementAndGet() <= MAX_FAILURES_KEPT) {
      failures.add(new TaskFailure(t.id(), t.type(), c, message, t.attempts()));
    }
  }

  Instant now() {
    return settings.clock().instant();
  }

  // ---- control ----

  @Override
  public BatchStatus status() {
    return status;
  }

  @Override
  public boolean resumed() {
    return resumed;
  }

  @Override
  public ProgressSnapshot progress() {
    ProgressTracker p = progress;
    if (p == null) {
      return new ProgressTracker(settings.throughputWindow(), System.nanoTime())
          .snapshot(batchId(), status, System.nanoTime());
    }
    return p.snapshot(batchId(), status, System.nanoTime());
  }

  @Override
  public void pause() {
    if (status != BatchStatus.RUNNING) {
      return;
    }
    paused = true;
    status = BatchStatus.PAUSED;
    publishStatus(BatchStatus.PAUSED, "paused");
  }

  @Override
  public void resume() {
    pauseLock.lock();
    try {
      if (!paused || stopping) {
        return;
      }
      paused = false;
      status = BatchStatus.RUNNING;
      unpaused.signalAll();
    } finally {
      pauseLock.unlock();
    }
    publishStatus(BatchStatus.RUNNING, "resumed");
  }

  @Override
  public void cancel() {
    stop(BatchStatus.CANCELLED, "cancelled");
  }

  @Override
  public void leave() {
    stop(BatchStatus.LEFT, "leaving the queue");
  }

  /** Whether workers must cancel what they hold: the batch is stopping, and not by leaving. */
  boolean cancelling() {
    return stopping && stopStatus != BatchStatus.LEFT; // stopStatus is set before stopping
  }

  private void stop(BatchStatus finalStatus, String why) {
    if (started.compareAndSet(false, true)) {
      completeResult(finalStatus);
      return;
    }
    if (finished.get()) {
      return;
    }
    synchronized (this) {
      if (stopping) {
        awaitWorkers();
        return;
      }
      stopStatus = finalStatus;
      stopping = true;
    }
    LOG.info("batch {} {}: stopping workers", batchId(), why);
    pauseLock.lock();
    try {
      unpaused.signalAll();
    } finally {
      pauseLock.unlock();
    }
    if (finalStatus != BatchStatus.LEFT) {
      int n = queue.cancelPending();
      progress.cancelled(n, false);
      for (Worker w : workers) {
        w.interruptCurrent();
      }
    }
    wakeIdleWorkers();
    awaitWorkers();
  }

  private void awaitWorkers() {
    Duration grace = settings.taskTimeout().orElse(Duration.ofSeconds(10));
    try {
      if (!workersDone.await(grace.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        LOG.warn("batch {}: a processor ignored the interrupt; {} workers still busy",
            batchId(), workersDone.getCount());
      }
      result.get(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("batch {} result not ready: {}", batchId(), e.toString());
    }
  }

  @Override
  public BatchResult await() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchException("interrupted while waiting for batch " + batchId(), e);
    } catch (ExecutionException e) {
      throw new BatchException("batch " + batchId() + " failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public Optional<BatchResult> await(Duration timeout) {
    try {
      return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchException("interrupted while waiting for batch " + batchId(), e);
    } catch (ExecutionException e) {
      throw new BatchException("batch " + batchId() + " failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    if (started.get() && !finished.get()) {
      if (settings.ownsQueue()) {
        cancel();
      } else {
        leave(); // a queue given to the engine may be shared: its work is not ours to cancel
      }
    }
    Thread sup = supervisor;
    if (sup != null) {
      sup.interrupt();
      try {
        sup.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    bus.close();
    if (settings.ownsQueue()) {
      queue.close();
    }
  }

  // ---- supervisor ----

  private void supervise() {
    long lastProgress = startNanos;
    long lastHeartbeat = startNanos;
    long lastSample = startNanos;
    long lastLeaseBeat = startNanos;
    long lastReclaim = startNanos;
    long progressEvery = settings.progressInterval().toNanos();
    long heartbeatEvery = settings.heartbeatInterval().toNanos();
    long sampleEvery = Math.max(TimeUnit.MILLISECONDS.toNanos(50), settings.throughputWindow().toNanos() / 40);
    long leaseBeatEvery = settings.leaseTime().toNanos() / 3;
    long reclaimEvery = TimeUnit.SECONDS.toNanos(1);
    long taskTimeout = settings.taskTimeout().map(Duration::toNanos).orElse(0L);
    long batchTimeout = settings.batchTimeout().map(Duration::toNanos).orElse(0L);
    while (!finished.get()) {
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (batchTimeout > 0 && now - startNanos > batchTimeout && !stopping) {
        Thread stopper = new Thread(() -> stop(BatchStatus.TIMED_OUT, "timed out"), "prism-timeout");
        stopper.setDaemon(true);
        stopper.start();
      }
      if (taskTimeout > 0) {
        for (Worker w : workers) {
          w.checkTimeout(now, taskTimeout);
        }
      }
      if (now - lastSample >= sampleEvery) {
        progress.sample(now);
        lastSample = now;
      }
      if (bus.hasSubscribers() && now - lastProgress >= progressEvery) {
        publishUnlessFinished(new BatchEvent.Progress(batchId(), now(), progress.snapshot(batchId(), status, now)));
        lastProgress = now;
      }
      if (bus.hasSubscribers() && now - lastHeartbeat >= heartbeatEvery) {
        publishUnlessFinished(new BatchEvent.Heartbeat(batchId(), now(), progress.running()));
        lastHeartbeat = now;
      }
      if (now - lastLeaseBeat >= leaseBeatEvery) {
        for (Worker w : workers) {
          w.heartbeatLease(settings.leaseTime());
        }
        lastLeaseBeat = now;
      }
      if (now - lastReclaim >= reclaimEvery) {
        try {
          queue.releaseExpired(now());
        } catch (RuntimeException e) {
          LOG.warn("releasing expired leases failed: {}", e.toString());
        }
        lastReclaim = now;
      }
    }
  }

  // ---- completion ----

  private void finish() {
    BatchStatus s = stopStatus;
    if (s == null) {
      s = progress.snapshot(batchId(), status, System.nanoTime()).count(TaskState.FAILED) > 0
          ? BatchStatus.COMPLETED_WITH_FAILURES : BatchStatus.COMPLETED;
    }
    completeResult(s);
  }

  /** Publishes a supervisor event; never after the completed event. */
  private void publishUnlessFinished(BatchEvent e) {
    synchronized (finished) {
      if (!finished.get()) {
        bus.publish(e);
      }
    }
  }

  private void completeResult(BatchStatus s) {
    synchronized (finished) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
    }
    status = s;
    long now = System.nanoTime();
    ProgressTracker p = progress != null ? progress : new ProgressTracker(settings.throughputWindow(), now);
    ProgressSnapshot snap = p.snapshot(batchId(), s, now);
    BatchResult r = new BatchResult(batchId(), s, startedAt == null ? now() : startedAt,
        Duration.ofNanos(now - startNanos), snap.total(), snap.counts(), snap.skipped(),
        p.retries(), List.copyOf(failures), resumed);
    if (queue instanceof io.prism.batch.core.queue.JournaledTaskQueue j) {
      try {
        j.flush();
      } catch (RuntimeException e) {
        LOG.warn("flushing the journal of batch {} failed: {}", batchId(), e.toString());
      }
    }
    publishStatus(s, "ended " + s);
    bus.publish(new BatchEvent.Progress(batchId(), now(), snap));
    bus.publish(new BatchEvent.Completed(batchId(), now(), r));
    try {
      bus.drain(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    result.complete(r);
  }

  void publishStatus(BatchStatus s, String message) {
    if (bus.hasSubscribers()) {
      bus.publish(new BatchEvent.Status(batchId(), now(), s, message));
    }
  }
}
