package io.prism.batch.core.engine.internal;

import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.Lease;
import io.prism.batch.api.Permit;
import io.prism.batch.api.Processor;
import io.prism.batch.api.QuotaExhaustedException;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskTimeoutException;
import io.prism.batch.core.engine.EngineMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread: claims leases in adaptive batches (about 100 ms of work), runs them one by
 * one or in processor groups, and records each outcome in the queue, the progress counters,
 * the metrics and the event stream.
 *
 * <p>On a queue that {@linkplain io.prism.batch.api.TaskQueue#batchesCompletions batches
 * completions}, successes are held and handed to {@code completeAll} together: before the next
 * claim, when the oldest held one waited {@link #MAX_HOLD_NANOS} (or a tenth of the lease time)
 * by the time another task starts, at {@link #MAX_HELD} of them, and before the worker pauses
 * or stops. A task counts as succeeded (progress, metrics, events) only after that call.
 */
final class Worker implements TaskContext {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  private static final long TARGET_CLAIM_NANOS = 100_000_000L;
  /** The longest a held success waits for its completion once the next task starts. */
  static final long MAX_HOLD_NANOS = 50_000_000L;
  /** The most successes held before their completions are handed over. */
  static final int MAX_HELD = 512;

  final String id;
  volatile Thread thread;
  private final DefaultBatchEngine engine;
  private final ArrayDeque<Lease> local = new ArrayDeque<>();
  private final Object interruptLock = new Object();
  // The lease being run and when it started; guarded by interruptLock for interrupts.
  private volatile Lease current;
  private volatile long currentStart;
  private volatile boolean currentTimedOut;
  // Starts pessimistic (one task per claim) and adapts as runs are observed.
  private double avgTaskNanos = TARGET_CLAIM_NANOS;

  private final int minClaim;
  // Successes not yet completed in the queue, when it batches completions; worker thread only.
  private final boolean batchCompletions;
  private final long maxHoldNanos;
  private final List<Lease> heldLeases = new ArrayList<>();
  private final List<String> heldOutputs = new ArrayList<>();
  private final List<Boolean> heldSkipped = new ArrayList<>();
  private long oldestHeldNanos;
  // The leases of the running group call, for lease(Task); guarded like current.
  private volatile List<Lease> currentGroup = List.of();
  // Whether the worker waits for work, so that stop or drain may interrupt it; guarded like
  // current.
  private boolean idle;
  // Whether the last wait for work ended with the queue's signal; worker thread only.
  private boolean signalled;

  Worker(DefaultBatchEngine engine, String id) {
    this.engine = engine;
    this.id = id;
    this.minClaim = engine.settings.processors().values().stream()
        .mapToInt(Processor::batchSize).max().orElse(1);
    this.batchCompletions = engine.queue.batchesCompletions();
    this.maxHoldNanos = Math.min(MAX_HOLD_NANOS, engine.settings.leaseTime().toNanos() / 10);
  }

  void run() {
    try {
      loop();
    } catch (RuntimeException | Error e) {
      LOG.error("worker {} stopped by an unexpected error", id, e);
    } finally {
      int held = heldLeases.size();
      try {
        flushHeld();
      } catch (RuntimeException e) {
        LOG.warn("worker {} could not record {} completions; their leases will expire and the"
            + " tasks run again: {}", id, held, e.toString());
      }
      drainLocal();
    }
  }

  private void loop() {
    while (!engine.stopping) {
      if (engine.paused) {
        flushHeld();
        releaseLocal();
        if (!engine.awaitUnpaused()) {
          return;
        }
        continue;
      }
      if (local.isEmpty()) {
        flushHeld();
        long wakes = engine.wakes();
        List<Lease> got = engine.queue.claim(id, claimSize(), engine.settings.leaseTime());
        if (got.isEmpty()) {
          if (engine.drained()) {
            engine.wakeIdleWorkers();
            return;
          }
          signalled = awaitWork(signalled, wakes);
          continue;
        }
        signalled = false;
        local.addAll(got);
      }
      if (!heldLeases.isEmpty() && System.nanoTime() - oldestHeldNanos >= maxHoldNanos) {
        flushHeld();
      }
      Lease first = local.pollFirst();
      Processor p = engine.settings.processors().get(first.task().type());
      if (p.batchSize() > 1) {
        runGroup(p, first);
      } else {
        runOne(p, first);
      }
    }
  }

  private int claimSize() {
    long n = (long) (TARGET_CLAIM_NANOS / Math.max(1.0, avgTaskNanos));
    // a processor with a batch form gets whole groups
    n = Math.max(n, minClaim);
    return (int) Math.max(1, Math.min(engine.settings.maxClaim(), n));
  }

  private void runGroup(Processor p, Lease first) {
    List<Lease> group = new ArrayList<>(p.batchSize());
    group.add(first);
    for (Iterator<Lease> it = local.iterator(); it.hasNext() && group.size() < p.batchSize(); ) {
      Lease l = it.next();
      if (l.task().type().equals(first.task().type())) {
        group.add(l);
        it.remove();
      }
    }
    List<Lease> toRun = new ArrayList<>(group.size());
    for (Lease l : group) {
      engine.progress.started(l.task().attempts() > 1);
      if (DefaultBatchEngine.isDone(p, l.task())) {
        succeed(l, "", true);
      } else {
        toRun.add(l);
      }
    }
    if (toRun.isEmpty()) {
      return;
    }
    if (toRun.size() > 1) {
      List<Task> tasks = new ArrayList<>(toRun.size());
      toRun.forEach(l -> tasks.add(l.task()));
      long t0 = System.nanoTime();
      begin(toRun.get(0), t0);
      currentGroup = toRun;
      try {
        List<String> outputs;
        List<Permit> permits = acquireAll(p.resources());
        try {
          outputs = p.processBatch(tasks, this);
        } finally {
          permits.forEach(Permit::close);
          currentGroup = List.of();
        }
        end();
        if (outputs == null || outputs.size() != tasks.size()) {
          throw new IllegalStateException("processBatch returned "
              + (outputs == null ? "null" : outputs.size() + " outputs") + " for " + tasks.size() + " tasks");
        }
        long dt = (System.nanoTime() - t0) / tasks.size();
        EngineMetrics.TypeMetrics m = engine.metrics.forType(p.taskType());
        for (int i = 0; i < toRun.size(); i++) {
          m.time(dt);
          succeed(toRun.get(i), outputs.get(i) == null ? "" : outputs.get(i), false);
        }
        observe(dt);
        return;
      } catch (Throwable e) {
        end();
        if (engine.cancelling()) {
          toRun.forEach(this::cancelRunning);
          return;
        }
        LOG.debug("group of {} {} tasks failed ({}); running them one by one",
            toRun.size(), p.taskType(), e.toString());
      }
    }
    for (Lease l : toRun) {
      if (engine.cancelling()) {
        cancelRunning(l);
      } else {
        execute(p, l);
      }
    }
  }

  private void runOne(Processor p, Lease lease) {
    engine.progress.started(lease.task().attempts() > 1);
    if (DefaultBatchEngine.isDone(p, lease.task())) {
      succeed(lease, "", true);
      return;
    }
    execute(p, lease);
  }

  /** Runs a started, not-skipped task through the single-item form. */
  private void execute(Processor p, Lease lease) {
    Task task = lease.task();
    long t0 = System.nanoTime();
    begin(lease, t0);
    List<Permit> permits = List.of();
    String out;
    try {
      permits = acquireAll(p.resources());
      out = p.process(task, this);
    } catch (Throwable e) {
      boolean timedOut = end();
      if (e instanceof RateLimitedException || engine.settings.retryRules().classify(e) == ErrorClass.RATE_LIMITED) {
        permits.forEach(Permit::rateLimited);
        if (permits.isEmpty() && e instanceof RateLimitedException r) {
          engine.settings.rateLimiters().onRateLimited(r.resource());
        }
      }
      permits.forEach(Permit::close);
      long dt = System.nanoTime() - t0;
      engine.metrics.forType(task.type()).time(dt);
      observe(dt);
      handleFailure(p, lease, e, timedOut);
      return;
    }
    end();
    permits.forEach(Permit::close);
    long dt = System.nanoTime() - t0;
    engine.metrics.forType(task.type()).time(dt);
    observe(dt);
    succeed(lease, out == null ? "" : out, false);
  }

  private List<Permit> acquireAll(Set<String> resources) throws InterruptedException {
    if (resources.isEmpty()) {
      return List.of();
    }
    List<Permit> permits = new ArrayList<>(resources.size());
    try {
      for (String r : resources) {
        permits.add(acquire(r));
      }
    } catch (InterruptedException | RuntimeException e) {
      permits.forEach(Permit::close);
      throw e;
    }
    return permits;
  }

  private void observe(long nanos) {
    avgTaskNanos = avgTaskNanos * 0.9 + nanos * 0.1;
  }

  private void succeed(Lease lease, String output, boolean skipped) {
    if (batchCompletions) {
      if (heldLeases.isEmpty()) {
        oldestHeldNanos = System.nanoTime();
      }
      heldLeases.add(lease);
      heldOutputs.add(output);
      heldSkipped.add(skipped);
      if (heldLeases.size() >= MAX_HELD) {
        flushHeld();
      }
      return;
    }
    succeeded(lease, output, skipped, engine.queue.complete(lease, output));
  }

  /** Completes the held successes in one call and accounts for each. */
  private void flushHeld() {
    if (heldLeases.isEmpty()) {
      return;
    }
    List<Lease> leases = List.copyOf(heldLeases);
    List<String> outputs = List.copyOf(heldOutputs);
    List<Boolean> skipped = List.copyOf(heldSkipped);
    heldLeases.clear();
    heldOutputs.clear();
    heldSkipped.clear();
    List<Boolean> recorded = engine.queue.completeAll(leases, outputs);
    for (int i = 0; i < leases.size(); i++) {
      succeeded(leases.get(i), outputs.get(i), skipped.get(i), recorded.get(i));
    }
  }

  private void succeeded(Lease lease, String output, boolean skipped, boolean recorded) {
    Task t = lease.task();
    if (!recorded) {
      engine.progress.released();
      LOG.warn("task {} finished after its lease was taken over; its result was not recorded", t.id());
      return;
    }
    engine.progress.succeeded(skipped);
    EngineMetrics.TypeMetrics m = engine.metrics.forType(t.type());
    m.succeeded();
    if (skipped) {
      m.skipped();
    }
    if (engine.settings.perTaskEvents() && engine.bus.hasSubscribers()) {
      engine.bus.publish(new BatchEvent.Result(engine.batchId(), engine.now(), t.id(), output, skipped));
    }
  }

  private void handleFailure(Processor p, Lease lease, Throwable e, boolean timedOut) {
    Task t = lease.task();
    if (engine.cancelling() && !timedOut) {
      cancelRunning(lease);
      return;
    }
    ErrorClass c;
    Throwable cause = e;
    if (timedOut) {
      c = ErrorClass.TIMEOUT;
      cause = new TaskTimeoutException(t.id(), engine.settings.taskTimeout().orElse(Duration.ZERO));
    } else {
      c = p.classify(e);
      if (c == ErrorClass.TRANSIENT) {
        c = engine.settings.retryRules().classify(e);
      }
    }
    String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    int attempt = t.attempts();
    boolean retry = engine.settings.retryRules().shouldRetry(c, attempt);
    EngineMetrics.TypeMetrics m = engine.metrics.forType(t.type());
    boolean recorded;
    if (retry) {
      Instant at = retryAt(c, attempt, cause);
      recorded = engine.queue.fail(lease, message, Optional.of(at));
      if (recorded) {
        engine.progress.retrying();
        m.retried();
      }
    } else {
      recorded = engine.queue.fail(lease, message, Optional.empty());
      if (recorded) {
        engine.progress.failed();
        m.failed();
        engine.recordFailure(t, c, message);
        LOG.debug("task {} failed for good after {} attempts: {}", t.id(), attempt, message);
      }
    }
    if (!recorded) {
      engine.progress.released();
      return;
    }
    if (engine.settings.perTaskEvents() && engine.bus.hasSubscribers()) {
      engine.bus.publish(new BatchEvent.Error(engine.batchId(), engine.now(), t.id(), c, message, attempt, retry));
    }
  }

  private Instant retryAt(ErrorClass c, int attempt, Throwable e) {
    Instant now = engine.now();
    if (e instanceof QuotaExhaustedException q) {
      return q.resetsAt();
    }
    Duration d = engine.settings.retryRules().delay(c, attempt);
    if (e instanceof RateLimitedException r && r.retryAfter().isPresent()
        && r.retryAfter().get().compareTo(d) > 0) {
      d = r.retryAfter().get();
    }
    return now.plus(d);
  }

  private void cancelRunning(Lease lease) {
    if (engine.queue.cancelRunning(lease)) {
      engine.progress.cancelled(1, true);
      engine.metrics.forType(lease.task().type()).cancelled();
    } else {
      engine.progress.released();
    }
  }

  // ---- begin/end of a run, timeouts and interrupts ----

  private void begin(Lease lease, long t0) {
    synchronized (interruptLock) {
      currentTimedOut = false;
      currentStart = t0;
      current = lease;
    }
  }

  /** Ends the current run; returns whether it had timed out. Clears a pending interrupt. */
  private boolean end() {
    synchronized (interruptLock) {
      current = null;
      Thread.interrupted();
      return currentTimedOut;
    }
  }

  void checkTimeout(long nowNanos, long timeoutNanos) {
    synchronized (interruptLock) {
      if (current != null && !currentTimedOut && nowNanos - currentStart > timeoutNanos) {
        currentTimedOut = true;
        thread.interrupt();
      }
    }
  }

  /**
   * Waits for work; returns whether the queue signalled some. Does not wait when the batch is
   * stopping or idle workers were woken since {@code wakesBefore}, which closes the race with a
   * wake that came before this worker was idle.
   */
  private boolean awaitWork(boolean lastSignalMissed, long wakesBefore) {
    synchronized (interruptLock) {
      if (engine.stopping || engine.wakes() != wakesBefore) {
        return false;
      }
      idle = true;
    }
    try {
      return engine.awaitWork(lastSignalMissed);
    } catch (InterruptedException e) {
      return false;
    } finally {
      synchronized (interruptLock) {
        idle = false;
        Thread.interrupted();
      }
    }
  }

  void wakeIfIdle() {
    synchronized (interruptLock) {
      if (idle) {
        thread.interrupt();
      }
    }
  }

  void interruptCurrent() {
    synchronized (interruptLock) {
      if (current != null) {
        thread.interrupt();
      }
    }
  }

  void heartbeatLease(Duration leaseTime) {
    Lease l = current;
    if (l == null) {
      return;
    }
    try {
      engine.queue.heartbeat(l, leaseTime);
    } catch (RuntimeException e) {
      LOG.warn("heartbeat of task {} failed: {}", l.task().id(), e.toString());
    }
  }

  // ---- leftovers ----

  private void releaseLocal() {
    Lease l;
    while ((l = local.pollFirst()) != null) {
      engine.queue.release(l);
    }
  }

  private void drainLocal() {
    Lease l;
    while ((l = local.pollFirst()) != null) {
      if (engine.cancelling()) {
        if (engine.queue.cancelRunning(l)) {
          engine.progress.cancelled(1, false);
        }
      } else {
        engine.queue.release(l);
      }
    }
  }

  // ---- TaskContext ----

  @Override
  public String batchId() {
    return engine.batchId();
  }

  @Override
  public Permit acquire(String resource) throws InterruptedException {
    return engine.settings.rateLimiters().acquire(resource);
  }

  @Override
  public void advanceStage(String stage, long done, long total) {
    engine.progress.stage(stage, done, total);
  }

  @Override
  public Optional<Lease> lease(Task task) {
    Lease l = current;
    if (l != null && l.task().id().equals(task.id())) {
      return Optional.of(l);
    }
    for (Lease g : currentGroup) {
      if (g.task().id().equals(task.id())) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean isCancelled() {
    return engine.cancelling() || currentTimedOut;
  }

}
