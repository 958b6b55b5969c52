package io.prism.batch.core.queue;

import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Lease;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskRecord;
import io.prism.batch.api.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The in-memory state machine shared by {@link MemoryTaskQueue} and {@link JournaledTaskQueue}.
 *
 * <p>One {@link ReentrantLock} guards everything. Claimable tasks sit in one {@link ReadyLane} per
 * priority, ordered by sequence number; tasks whose not-before time is in the future sit in a heap
 * ordered by that time and move to their lane when it passes. Running tasks are kept in an
 * intrusive list so {@link #releaseExpired} scans only them. Due tasks of a paused type are
 * parked aside, per type, instead of in a lane, so claims never look at them; resuming the type
 * puts them back in their lanes at their places. Counts by state are kept as they
 * change. Every transition is reported to a {@link TransitionLog} while the lock is held, so a
 * journal sees transitions in the order they happened.
 *
 * <p>Thread-safe.
 */
final class QueueCore {

  private static final int LANES = Task.MAX_PRIORITY - Task.MIN_PRIORITY + 1;
  private static final TaskState[] STATES = TaskState.values();

  /** Orders delayed tasks by not-before time, then sequence. */
  private static final Comparator<Entry> BY_NOT_BEFORE =
      Comparator.<Entry, Instant>comparing(e -> e.task.notBefore()).thenComparingLong(e -> e.seq);

  final ReentrantLock lock = new ReentrantLock();
  private final Condition workAvailable = lock.newCondition();
  final Clock clock;
  private TransitionLog log = TransitionLog.NONE;

  private HashMap<String, Entry> byId = new HashMap<>();
  private HashMap<String, Entry> byDedupeKey = new HashMap<>();
  private final ArrayList<Entry> byOrdinal = new ArrayList<>();
  private final ReadyLane[] lanes = new ReadyLane[LANES];
  private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_NOT_BEFORE);
  private final Set<String> pausedTypes = new HashSet<>();
  /** Due entries of paused types, by type; never in a lane at the same time. */
  private final HashMap<String, ArrayList<Entry>> parked = new HashMap<>();

  /** Sentinel of the circular list of running entries. */
  private final Entry running = Entry.sentinel();

  private final long[] counts = new long[STATES.length];

  private long nextSeq;
  private long lastToken;
  private boolean closed;

  QueueCore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    for (int i = 0; i < LANES; i++) {
      lanes[i] = new ReadyLane();
    }
  }

  /** Sets the log that sees every transition; called before the queue is shared. */
  void setLog(TransitionLog log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  // ---------------------------------------------------------------- TaskQueue operations

  EnqueueResult enqueue(Collection<Task> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    for (Task t : tasks) {
      Objects.requireNonNull(t, "tasks must not contain null");
    }
    List<String> accepted = new ArrayList<>(tasks.size());
    List<String> duplicates = new ArrayList<>(0);
    lock.lock();
    try {
      checkOpen();
      Instant now = clock.instant();
      for (Task t : tasks) {
        if (byDedupeKey.containsKey(t.dedupeKey()) || byId.containsKey(t.id())) {
          duplicates.add(t.id());
          continue;
        }
        Entry e = new Entry(byOrdinal.size(), t);
        e.seq = nextSeq++;
        e.state = TaskState.PENDING;
        e.updatedAt = now;
        index(e);
        counts[TaskState.PENDING.ordinal()]++;
        schedule(e, now);
        log.enqueued(e);
        accepted.add(t.id());
      }
      if (!accepted.isEmpty()) {
        // also when only delayed tasks came in: waiters recompute how long to sleep
        workAvailable.signalAll();
      }
    } finally {
      log.operationEnd();
      lock.unlock();
    }
    return new EnqueueResult(accepted, duplicates);
  }

  List<Lease> claim(String workerId, int max, Duration leaseTime) {
    if (workerId == null || workerId.isEmpty()) {
      throw new InvalidInputException("workerId", workerId, "must not be empty");
    }
    if (max < 0) {
      throw new InvalidInputException("max", max, "must not be negative");
    }
    requirePositive("leaseTime", leaseTime);
    if (max == 0) {
      return List.of();
    }
    lock.lock();
    try {
      checkOpen();
      Instant now = clock.instant();
      promoteDue(now);
      int available = 0;
      for (ReadyLane lane : lanes) {
        available += lane.size();
      }
      if (available == 0) {
        return List.of();
      }
      Instant expiresAt = now.plus(leaseTime);
      int n = Math.min(max, available);
      Lease[] leases = new Lease[n];
      int got = 0;
      for (int p = LANES - 1; p >= 0 && got < n; p--) {
        ReadyLane lane = lanes[p];
        while (got < n && lane.size() > 0) {
          Entry e = lane.poll();
          move(e, TaskState.RUNNING);
          e.token = ++lastToken;
          e.task = e.task.withAttempts(e.task.attempts() + 1, e.task.notBefore());
          e.leaseExpiresAt = expiresAt;
          e.updatedAt = now;
          linkRunning(e);
          leases[got++] = new Lease(e.task, workerId, e.token, expiresAt);
          log.claimed(e);
        }
      }
      return Collections.unmodifiableList(Arrays.asList(leases));
    } finally {
      log.operationEnd();
      lock.unlock();
    }
  }

  Optional<Lease> heartbeat(Lease lease, Duration leaseTime) {
    requirePositive("leaseTime", leaseTime);
    lock.lock();
    try {
      checkOpen();
      Entry e = holder(lease);
      if (e == null) {
        return Optional.empty();
      }
      e.leaseExpiresAt = clock.instant().plus(leaseTime);
      return Optional.of(new Lease(e.task, lease.workerId(), e.token, e.leaseExpiresAt));
    } finally {
      lock.unlock();
    }
  }

  boolean complete(Lease lease, String output) {
    Objects.requireNonNull(output, "output");
    lock.lock();
    try {
      checkOpen();
      Entry e = holder(lease);
      if (e == null) {
        return false;
      }
      unlinkRunning(e);
      move(e, TaskState.SUCCEEDED);
      e.output = output.isEmpty() ? null : output;
      e.updatedAt = clock.instant();
      log.completed(e);
      return true;
    } finally {
      log.operationEnd();
      lock.unlock();
    }
  }

  boolean fail(Lease lease, String error, Optional<Instant> retryAt) {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(retryAt, "retryAt");
    lock.lock();
    try {
      checkOpen();
      Entry e = holder(lease);
      if (e == null) {
        return false;
      }
      Instant now = clock.instant();
      unlinkRunning(e);
      e.lastError = error;
      e.updatedAt = now;
      if (retryAt.isPresent()) {
        move(e, TaskState.RETRYING);
        e.seq = nextSeq++; // behind every task of its priority enqueued so far
        e.task = e.task.withAttempts(e.task.attempts(), retryAt.get());
        schedule(e, now);
        workAvailable.signalAll();
      } else {
        move(e, TaskState.FAILED);
      }
      log.failed(e);
      return true;
    } finally {
      log.operationEnd();
      lock.unlock();
    }
  }

  boolean release(Lease lease) {
    lock.lock();
    try {
      checkOpen();
      Entry e = holder(lease);
      if (e == null) {
        return false;
      }
      Instant now = clock.instant();
      unlinkRunning(e);
      move(e, TaskState.PENDING);
      e.task = e.task.withAttempts(Math.max(0, e.task.attempts() - 1), e.task.notBefore());
      e.updatedAt = now;
      schedule(e, now);
      workAvailable.signalAll();
      log.released(e);
      return true;
    } finally {
      log.operationEnd();
      lock.unlock();
    }
  }

  int cancelPending() {
    lock.lock();
    try {
      checkOpen();
      Instant now = clock.instant();
      int n = 0;
      for (ReadyLane lane : lanes) {
        Entry e;
        while ((e = lane.poll()) != null) {
          cancel(e, now);
          n++;
        }
      }
      Entry e;
      while ((e = delayed.poll()) != null) {
        cancel(e, now);
        n++;
      }
      for (ArrayList<Entry> aside : parked.values()) {
        for (Entry p : aside) {
          cancel(p, now);
          n++;
        }
      }
      parked.clear();
      if (n > 0) {
        log.cancelledPending(now);
      }
      return n;
    } finally {
      log.operationEnd();
      lock.unlock();
    }
  }

  boolean cancelRunning(Lease lease) {
    lock.lock();
    try {
      checkOpen();
      Entry e = holder(lease);
      if (e == null) {
        return false;
      }
      unlinkRunning(e);
      move(e, TaskState.CANCELLED);
      e.updatedAt = clock.instant();
      log.cancelledRunning(e);
      return true;
    } finally {
      log.operationEnd();
      lock.unlock();
    }
  }

  int releaseExpired(Instant now) {
    Objects.requireNonNull(now, "now");
    lock.lock();
    try {
      checkOpen();
      Instant clockNow = clock.instant();
      int n = 0;
      Entry e = running.nextRunning;
      while (e != running) {
        Entry next = e.nextRunning;
        if (e.leaseExpiresAt.isBefore(now)) {
          unlinkRunning(e);
          move(e, TaskState.PENDING); // the attempt counts: the task did start
          e.updatedAt = clockNow;
          schedule(e, clockNow);
          log.released(e);
          n++;
        }
        e = next;
      }
      if (n > 0) {
        workAvailable.signalAll();
      }
      return n;
    } finally {
      log.operationEnd();
      lock.unlock();
    }
  }

  Optional<TaskRecord> get(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    lock.lock();
    try {
      Entry e = byId.get(taskId);
      return e == null ? Optional.empty() : Optional.of(e.record());
    } finally {
      lock.unlock();
    }
  }

  QueueStats stats() {
    long[] copy;
    lock.lock();
    try {
      copy = counts.clone();
    } finally {
      lock.unlock();
    }
    EnumMap<TaskState, Long> map = new EnumMap<>(TaskState.class);
    for (TaskState s : STATES) {
      map.put(s, copy[s.ordinal()]);
    }
    return new QueueStats(map);
  }

  boolean pauseType(String taskType) {
    Task.requireType("taskType", taskType);
    lock.lock();
    try {
      checkOpen();
      if (!pausedTypes.add(taskType)) {
        return false;
      }
      ArrayList<Entry> aside = new ArrayList<>();
      for (ReadyLane lane : lanes) {
        lane.removeIf(e -> e.task.type().equals(taskType), aside::add);
      }
      if (!aside.isEmpty()) {
        parked.put(taskType, aside);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  boolean resumeType(String taskType) {
    Task.requireType("taskType", taskType);
    lock.lock();
    try {
      checkOpen();
      if (!pausedTypes.remove(taskType)) {
        return false;
      }
      ArrayList<Entry> aside = parked.remove(taskType);
      if (aside != null) {
        for (Entry e : aside) {
          laneOf(e).add(e);
        }
        workAvailable.signalAll();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  Set<String> pausedTypes() {
    lock.lock();
    try {
      return Collections.unmodifiableSortedSet(new TreeSet<>(pausedTypes));
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- signalling

  boolean awaitClaimable(long timeout, TimeUnit unit) throws InterruptedException {
    long remaining = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (true) {
        if (closed) {
          return false;
        }
        Instant now = clock.instant();
        if (claimable(now)) {
          return true;
        }
        if (remaining <= 0) {
          return false;
        }
        long wait = remaining;
        Entry head = delayed.peek();
        if (head != null) {
          wait = Math.min(wait, nanosBetween(now, head.task.notBefore()));
        }
        long left = workAvailable.awaitNanos(Math.max(1, wait));
        remaining -= Math.max(1, wait) - Math.max(0, left);
      }
    } finally {
      lock.unlock();
    }
  }

  Optional<Instant> nextNotBefore() {
    lock.lock();
    try {
      promoteDue(clock.instant());
      Entry head = delayed.peek();
      return head == null ? Optional.empty() : Optional.of(head.task.notBefore());
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter, e.g. after a test clock moved. */
  void wakeWaiters() {
    lock.lock();
    try {
      workAvailable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Marks the core closed and wakes waiters; further operations throw. */
  void close() {
    lock.lock();
    try {
      closed = true;
      workAvailable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- recovery and snapshots

  /** Number of tasks held, all states. Lock must be held. */
  int size() {
    return byOrdinal.size();
  }

  /** Copies every entry for a snapshot. Lock must be held. */
  Image image() {
    EntryImage[] entries = new EntryImage[byOrdinal.size()];
    for (int i = 0; i < entries.length; i++) {
      Entry e = byOrdinal.get(i);
      entries[i] =
          new EntryImage(
              e.ordinal, e.task, e.state, e.seq, e.token, e.lastError, e.output, e.updatedAt);
    }
    return new Image(nextSeq, lastToken, entries);
  }

  /**
   * Adds an entry during recovery, without scheduling it; {@link #rebuild} does that. Lock must be
   * held.
   */
  Entry restore(EntryImage image) {
    if (image.ordinal() != byOrdinal.size()) {
      throw new IllegalStateException(
          "expected task ordinal " + byOrdinal.size() + " but found " + image.ordinal());
    }
    Entry e = new Entry(image.ordinal(), image.task());
    e.state = image.state();
    e.seq = image.seq();
    e.token = image.token();
    e.lastError = image.lastError();
    e.output = image.output();
    e.updatedAt = image.updatedAt();
    if (byDedupeKey.containsKey(e.task.dedupeKey()) || byId.containsKey(e.task.id())) {
      throw new IllegalStateException("task " + e.task.id() + " is present twice");
    }
    index(e);
    nextSeq = Math.max(nextSeq, e.seq + 1);
    lastToken = Math.max(lastToken, e.token);
    return e;
  }

  /** Sizes the indexes for {@code tasks} before an empty core is restored. Lock must be held. */
  void reserve(int tasks) {
    if (byOrdinal.isEmpty() && tasks > 0) {
      int capacity = (int) Math.min(1 << 30, (long) (tasks / 0.75f) + 1);
      byId = new HashMap<>(capacity);
      byDedupeKey = new HashMap<>(capacity);
      byOrdinal.ensureCapacity(tasks);
    }
  }

  /** Looks an entry up by ordinal during recovery, or null. Lock must be held. */
  Entry byOrdinal(long ordinal) {
    return ordinal >= 0 && ordinal < byOrdinal.size() ? byOrdinal.get((int) ordinal) : null;
  }

  /** Raises the counters after recovery. Lock must be held. */
  void restoreCounters(long seqFloor, long tokenFloor) {
    nextSeq = Math.max(nextSeq, seqFloor);
    lastToken = Math.max(lastToken, tokenFloor);
  }

  /** Notes a sequence number or token seen while replaying. Lock must be held. */
  void sawSeqAndToken(long seq, long token) {
    nextSeq = Math.max(nextSeq, seq + 1);
    lastToken = Math.max(lastToken, token);
  }

  /** Cancels every pending and retrying entry during replay. Lock must be held. */
  void replayCancelPending(Instant at) {
    for (Entry e : byOrdinal) {
      if (e.state == TaskState.PENDING || e.state == TaskState.RETRYING) {
        e.state = TaskState.CANCELLED;
        e.updatedAt = at;
      }
    }
  }

  /**
   * Rebuilds lanes, the delayed heap and the counts from the entries after recovery; running
   * entries go back to pending with their attempt count kept. Lock must be held.
   *
   * @return how many running entries were requeued
   */
  int rebuild() {
    Instant now = clock.instant();
    Arrays.fill(counts, 0);
    for (ReadyLane lane : lanes) {
      lane.clear();
    }
    delayed.clear();
    parked.clear();
    running.prevRunning = running;
    running.nextRunning = running;
    int requeued = 0;
    List<Entry> open = new ArrayList<>();
    for (Entry e : byOrdinal) {
      if (e.state == TaskState.RUNNING) {
        e.state = TaskState.PENDING;
        e.updatedAt = now;
        e.leaseExpiresAt = null;
        requeued++;
      }
      counts[e.state.ordinal()]++;
      if (e.state == TaskState.PENDING || e.state == TaskState.RETRYING) {
        open.add(e);
      }
    }
    open.sort(Comparator.comparingLong(e -> e.seq));
    for (Entry e : open) {
      schedule(e, now);
    }
    return requeued;
  }

  // ---------------------------------------------------------------- internals

  private void index(Entry e) {
    byId.put(e.task.id(), e);
    byDedupeKey.put(e.task.dedupeKey(), e);
    byOrdinal.add(e);
  }

  /** Puts a pending or retrying entry where it will be claimed. */
  private void schedule(Entry e, Instant now) {
    if (e.task.notBefore().isAfter(now)) {
      delayed.add(e);
    } else {
      makeClaimable(e);
    }
  }

  /** Puts a due entry in its lane, or aside if its type is paused. */
  private void makeClaimable(Entry e) {
    if (!pausedTypes.isEmpty() && pausedTypes.contains(e.task.type())) {
      parked.computeIfAbsent(e.task.type(), t -> new ArrayList<>()).add(e);
    } else {
      laneOf(e).add(e);
    }
  }

  private ReadyLane laneOf(Entry e) {
    return lanes[e.task.priority() - Task.MIN_PRIORITY];
  }

  private void promoteDue(Instant now) {
    Entry head;
    while ((head = delayed.peek()) != null && !head.task.notBefore().isAfter(now)) {
      delayed.poll();
      makeClaimable(head);
    }
  }

  private boolean claimable(Instant now) {
    for (ReadyLane lane : lanes) {
      if (lane.size() > 0) {
        return true;
      }
    }
    Entry head = delayed.peek();
    return head != null && !head.task.notBefore().isAfter(now);
  }

  private void cancel(Entry e, Instant now) {
    move(e, TaskState.CANCELLED);
    e.updatedAt = now;
  }

  private void move(Entry e, TaskState to) {
    counts[e.state.ordinal()]--;
    counts[to.ordinal()]++;
    e.state = to;
  }

  /** Returns the entry if the lease is still the current one of a running task, else null. */
  private Entry holder(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    Entry e = byId.get(lease.task().id());
    if (e == null || e.state != TaskState.RUNNING || e.token != lease.token()) {
      return null;
    }
    return e;
  }

  private void linkRunning(Entry e) {
    Entry last = running.prevRunning;
    e.prevRunning = last;
    e.nextRunning = running;
    last.nextRunning = e;
    running.prevRunning = e;
  }

  private static void unlinkRunning(Entry e) {
    e.prevRunning.nextRunning = e.nextRunning;
    e.nextRunning.prevRunning = e.prevRunning;
    e.prevRunning = null;
    e.nextRunning = null;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the task queue is closed");
    }
  }

  private static void requirePositive(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new InvalidInputException(field, d, "must be positive");
    }
  }

  private static long nanosBetween(Instant from, Instant to) {
    try {
      return Math.max(0, Duration.between(from, to).toNanos());
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  // ---------------------------------------------------------------- types

  /** The mutable state of one task; guarded by the core's lock. */
  static final class Entry {
    final int ordinal;
    Task task;
    TaskState state;
    long seq;
    long token;
    Instant leaseExpiresAt;
    String lastError;
    String output;
    Instant updatedAt;
    Entry prevRunning;
    Entry nextRunning;

    Entry(int ordinal, Task task) {
      this.ordinal = ordinal;
      this.task = task;
    }

    static Entry sentinel() {
      Entry s = new Entry(-1, null);
      s.prevRunning = s;
      s.nextRunning = s;
      return s;
    }

    TaskRecord record() {
      return new TaskRecord(
          task, state, Optional.ofNullable(lastError), Optional.ofNullable(output), updatedAt);
    }
  }

  /**
   * An immutable copy of one entry.
   *
   * @param ordinal the position in enqueue order, 0-based
   * @param task the task
   * @param state its state
   * @param seq the claim-order sequence number
   * @param token the fencing token of the latest claim, 0 if never claimed
   * @param lastError the latest failure message, or null
   * @param output the output, or null
   * @param updatedAt when the state last changed
   */
  record EntryImage(
      int ordinal,
      Task task,
      TaskState state,
      long seq,
      long token,
      String lastError,
      String output,
      Instant updatedAt) {}

  /**
   * A consistent copy of the whole state.
   *
   * @param nextSeq the next sequence number to give out
   * @param lastToken the latest fencing token given out
   * @param entries every entry in ordinal order
   */
  record Image(long nextSeq, long lastToken, EntryImage[] entries) {}

  /**
   * The claimable entries of one priority in sequence order. New sequence numbers are always the
   * highest given out, so enqueued and retried tasks append to a deque in O(1); the rare entry that
   * comes back with an older number (a released lease, a delayed task coming due) goes to a small
   * heap, and {@link #poll} takes the lower head of the two.
   */
  static final class ReadyLane {
    private static final Comparator<Entry> BY_SEQ = Comparator.comparingLong(e -> e.seq);
    private final ArrayDeque<Entry> fifo = new ArrayDeque<>();
    private PriorityQueue<Entry> stragglers;

    void add(Entry e) {
      Entry tail = fifo.peekLast();
      if (tail == null || e.seq > tail.seq) {
        fifo.addLast(e);
      } else {
        if (stragglers == null) {
          stragglers = new PriorityQueue<>(BY_SEQ);
        }
        stragglers.add(e);
      }
    }

    Entry poll() {
      Entry a = fifo.peekFirst();
      Entry b = stragglers == null ? null : stragglers.peek();
      if (b == null) {
        return fifo.pollFirst();
      }
      if (a == null || b.seq < a.seq) {
        return stragglers.poll();
      }
      return fifo.pollFirst();
    }

    /** Moves the entries that match out of the lane. */
    void removeIf(Predicate<Entry> match, Consumer<Entry> to) {
      Predicate<Entry> moved = e -> {
        if (match.test(e)) {
          to.accept(e);
          return true;
        }
        return false;
      };
      fifo.removeIf(moved);
      if (stragglers != null) {
        stragglers.removeIf(moved);
      }
    }

    int size() {
      return fifo.size() + (stragglers == null ? 0 : stragglers.size());
    }

    void clear() {
      fifo.clear();
      if (stragglers != null) {
        stragglers.clear();
      }
    }
  }

  /**
   * Sees every transition while the core's lock is held. The entry carries the state after the
   * transition.
   */
  interface TransitionLog {
    /** Records nothing. */
    TransitionLog NONE = new TransitionLog() {};

    default void enqueued(Entry e) {}

    default void claimed(Entry e) {}

    default void completed(Entry e) {}

    /** A failure: retrying (new seq, retry time in the task's not-before) or failed for good. */
    default void failed(Entry e) {}

    /** Back to pending: an explicit release or an expired lease. */
    default void released(Entry e) {}

    default void cancelledRunning(Entry e) {}

    default void cancelledPending(Instant at) {}

    /**
     * Called at the end of every operation that may change state, whether it changed anything or
     * threw, while the lock is still held.
     */
    default void operationEnd() {}
  }
}
