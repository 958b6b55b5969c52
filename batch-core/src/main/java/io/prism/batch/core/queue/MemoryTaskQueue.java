package io.prism.batch.core.queue;

import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.Lease;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.SignallingQueue;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TaskQueue} held in memory: the embedded default, and the fastest queue. Nothing survives
 * the JVM; use {@link JournaledTaskQueue} for the same behaviour made durable.
 *
 * <ul>
 *   <li>Claims take the highest priority first (5 to 1) and, within a priority, the task enqueued
 *       first. A task that fails with a retry time gets a new place behind the work of its priority
 *       enqueued so far and is not claimed before that time; a task released (by {@link #release}
 *       or an expired lease) keeps its place.
 *   <li>Every claim gets a new fencing token, strictly increasing; an operation with a lease whose
 *       token is no longer the task's current one (taken over after {@link #releaseExpired})
 *       returns false or empty and changes nothing.
 *   <li>The task in a {@link Lease} has its attempt count raised by that claim; {@link #release}
 *       gives the attempt back, an expired lease does not.
 *   <li>Enqueue is idempotent by dedupe key over tasks in every state, terminal ones included; a
 *       task whose id is already held is skipped as a duplicate too.
 *   <li>{@link #stats()} is O(1): counts are kept as states change.
 * </ul>
 *
 * <p>Thread-safe: one lock guards the state, and {@link #claim} takes up to {@code max} tasks under
 * a single acquisition. Terminal tasks are kept (dedupe covers them), so memory grows with the
 * number of tasks ever enqueued.
 *
 * <pre>{@code
 * MemoryTaskQueue queue = new MemoryTaskQueue();
 * queue.enqueue(List.of(Task.builder("warm").dedupeKey("600519:daily").priority(5).build()));
 * for (Lease lease : queue.claim("worker-1", 16, Duration.ofMinutes(1))) {
 *   queue.complete(lease, "");
 * }
 * }</pre>
 */
public final class MemoryTaskQueue implements TaskQueue, SignallingQueue {

  private final QueueCore core;

  /** Creates an empty queue on the system UTC clock. */
  public MemoryTaskQueue() {
    this(Clock.systemUTC());
  }

  /**
   * Creates an empty queue.
   *
   * @param clock the clock for not-before times, lease expiry and update times
   */
  public MemoryTaskQueue(Clock clock) {
    this.core = new QueueCore(clock);
  }

  @Override
  public EnqueueResult enqueue(Collection<Task> tasks) {
    return core.enqueue(tasks);
  }

  @Override
  public List<Lease> claim(String workerId, int max, Duration leaseTime) {
    return core.claim(workerId, max, leaseTime);
  }

  @Override
  public Optional<Lease> heartbeat(Lease lease, Duration leaseTime) {
    return core.heartbeat(lease, leaseTime);
  }

  @Override
  public boolean complete(Lease lease, String output) {
    return core.complete(lease, output);
  }

  @Override
  public boolean fail(Lease lease, String error, Optional<Instant> retryAt) {
    return core.fail(lease, error, retryAt);
  }

  @Override
  public boolean release(Lease lease) {
    return core.release(lease);
  }

  @Override
  public int cancelPending() {
    return core.cancelPending();
  }

  @Override
  public boolean cancelRunning(Lease lease) {
    return core.cancelRunning(lease);
  }

  @Override
  public int releaseExpired(Instant now) {
    return core.releaseExpired(now);
  }

  @Override
  public Optional<TaskRecord> get(String taskId) {
    return core.get(taskId);
  }

  @Override
  public QueueStats stats() {
    return core.stats();
  }

  @Override
  public boolean pauseType(String taskType) {
    return core.pauseType(taskType);
  }

  @Override
  public boolean resumeType(String taskType) {
    return core.resumeType(taskType);
  }

  @Override
  public Set<String> pausedTypes() {
    return core.pausedTypes();
  }

  @Override
  public boolean awaitClaimable(long timeout, TimeUnit unit) throws InterruptedException {
    return core.awaitClaimable(timeout, unit);
  }

  @Override
  public Optional<Instant> nextNotBefore() {
    return core.nextNotBefore();
  }

  /**
   * Wakes every thread in {@link #awaitClaimable} so it checks the clock again; for tests that move
   * a settable clock past a not-before time.
   */
  public void wakeWaiters() {
    core.wakeWaiters();
  }

  /** Closes the queue: waiters wake, and every later operation but reads throws. Idempotent. */
  @Override
  public void close() {
    core.close();
  }
}
