package io.prism.batch.core.schedule;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireAction;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Misfire;
import io.prism.batch.api.schedule.MisfireCause;
import io.prism.batch.api.schedule.MisfirePolicy;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleFire;
import io.prism.batch.api.schedule.ScheduleListener;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.api.schedule.Scheduler;
import io.prism.batch.api.schedule.TradingCalendar;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Scheduler}: fires cron and daily-at schedules in their time zones, on
 * trading days if asked, in one JVM — or, with a shared {@link FireGuard}, once across several.
 *
 * <p><b>Two ways to drive it.</b> {@link #start()} runs a single daemon thread that sleeps until
 * the next fire time (waking at least every {@link #MAX_IDLE_WAIT} and whenever a schedule is
 * registered, rescheduled or resumed) and then calls {@link #runDue()}. Without {@code start()},
 * nothing fires until someone calls {@link #runDue()}, which fires everything due at {@code
 * clock.instant()}: tests move a settable clock and call it, and never sleep.
 *
 * <pre>{@code
 * LocalScheduler scheduler = LocalScheduler.builder()
 *     .clock(clock)                    // default Clock.systemUTC()
 *     .executor(Runnable::run)         // default: its own daemon threads
 *     .listener(misfireAlerts)
 *     .build();
 * scheduler.register(Schedule.builder("market_tasks.post_market_update")
 *     .dailyAt(LocalTime.of(15, 30)).requiresTradingDay(true).build(), fire -> closeOfDay());
 * scheduler.start();                   // or, in a test: clock.set(...); scheduler.runDue();
 * }</pre>
 *
 * <p><b>Once per slot.</b> The scheduler keeps, per schedule, the latest slot it has handled and
 * never handles a slot at or before it again, even if the clock steps back. Every fire is claimed
 * from the {@link FireGuard} by (name, slot) first and runs only if the claim succeeds.
 *
 * <p><b>Misfires.</b> A slot handled more than the {@linkplain Builder#misfireThreshold misfire
 * threshold} (default 1 minute) after its time is missed. When several slots are due at once,
 * only the latest can run; the earlier ones are skipped. The latest, if missed, fires once late
 * under {@link MisfirePolicy#FIRE_ONCE_IF_WITHIN_GRACE} if it is no more than the schedule's grace
 * period late, and is skipped otherwise. Each catch-up sends one {@link Misfire} to the listeners,
 * logs a warning, and adds to {@link ScheduleStatus#skippedCount()}.
 *
 * <p><b>Pause.</b> A paused schedule's slots wait; on {@link #resume} they are handled like any
 * missed slots (cause {@link MisfireCause#PAUSED}): the latest fires once if still within the
 * grace period (and policy allows), the rest are reported skipped. A schedule's regular fire is
 * not started while its previous fire is still running (cause {@link
 * MisfireCause#STILL_RUNNING}).
 *
 * <p><b>Restart.</b> On {@link #register} it asks the guard for the schedule's last claimed slot
 * ({@link FireGuard#lastClaimed}); if the guard remembers one (a shared guard does), slots missed
 * while no scheduler ran are caught up from there; otherwise it starts from now.
 *
 * <p><b>Reschedule.</b> {@link #reschedule} swaps a schedule's definition in place, keeping its
 * action, pause, counters and running fire. The new definition's slots start at the later of the
 * call and the latest slot already handled, so the once-per-slot rule holds across the change;
 * slots the old definition had not handled are dropped without a {@link Misfire}.
 *
 * <p>Thread-safe. Actions run on the executor, outside the scheduler's lock.
 */
public final class LocalScheduler implements Scheduler {

  /** The default misfire threshold: a slot handled more than 1 minute late is missed. */
  public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofMinutes(1);
  /** The longest the scheduler thread sleeps before looking at the clock again: 30 s. */
  public static final Duration MAX_IDLE_WAIT = Duration.ofSeconds(30);
  /** The default name of the scheduler thread. */
  public static final String DEFAULT_THREAD_NAME = "prism-scheduler";
  /** The largest {@code count} of {@link #nextFireTimes}. */
  public static final int MAX_PREVIEW = FireTimes.MAX_PREVIEW;

  private static final Logger LOG = LoggerFactory.getLogger(LocalScheduler.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Clock clock;
  private final FireGuard guard;
  private final TradingCalendar calendar;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final List<ScheduleListener> listeners;
  private final Duration misfireThreshold;
  private final String threadName;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private boolean wakeRequested;
  private volatile boolean closed;
  private Thread thread;

  private LocalScheduler(Builder b) {
    this.clock = b.clock;
    this.guard = b.guard != null ? b.guard : new InMemoryFireGuard();
    this.calendar = b.calendar != null ? b.calendar : AShareTradingCalendar.bundled();
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      this.ownedExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, b.threadName + "-fire-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.executor = ownedExecutor;
    }
    this.listeners = List.copyOf(b.listeners);
    this.misfireThreshold = b.misfireThreshold;
    this.threadName = b.threadName;
  }

  /**
   * Starts a builder: system UTC clock, an {@link InMemoryFireGuard}, the bundled {@link
   * AShareTradingCalendar}, its own daemon executor, a misfire threshold of 1 minute.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void register(Schedule schedule, FireAction action) {
    if (schedule == null) {
      throw new InvalidInputException("schedule", null, "must not be null");
    }
    if (action == null) {
      throw new InvalidInputException("action", null, "must not be null");
    }
    ensureOpen();
    FireTimes times = FireTimes.of(schedule, calendar);
    Optional<Instant> lastClaimed;
    try {
      lastClaimed = guard.lastClaimed(schedule.name());
    } catch (RuntimeException e) {
      LOG.warn("schedule {}: the fire guard cannot tell its last claimed slot ({}); slots missed"
          + " before now will not be caught up", schedule.name(), e.toString());
      lastClaimed = Optional.empty();
    }
    Instant now = clock.instant();
    // A slot exactly at the registration instant still fires.
    Instant handledUpTo = lastClaimed.orElse(now.minusNanos(1));
    lock.lock();
    try {
      ensureOpen();
      if (entries.containsKey(schedule.name())) {
        throw new InvalidInputException("name", schedule.name(), "is already registered");
      }
      Entry e = new Entry(times, action, handledUpTo, !schedule.enabled());
      entries.put(schedule.name(), e);
      LOG.info("schedule {} registered: {}, next {}{}", schedule.name(), times, e.nextText(),
          e.paused ? " (paused: not enabled)" : "");
      signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Schedule reschedule(Schedule schedule) {
    if (schedule == null) {
      throw new InvalidInputException("schedule", null, "must not be null");
    }
    ensureOpen();
    // Validated before the lock and before any change, so a bad definition changes nothing.
    FireTimes times = FireTimes.of(schedule, calendar);
    lock.lock();
    try {
      ensureOpen();
      Entry e = require(schedule.name());
      Schedule old = e.schedule();
      // As on register, a slot exactly at the call still fires.
      e.redefine(times, clock.instant().minusNanos(1));
      if (!schedule.enabled()) {
        e.paused = true;
      }
      LOG.info("schedule {} rescheduled: {} -> {}, next {}{}", schedule.name(), old, schedule,
          e.nextText(), e.paused ? " (paused)" : "");
      signal();
      return old;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean unregister(String scheduleName) {
    lock.lock();
    try {
      Entry removed = entries.remove(scheduleName);
      if (removed != null) {
        LOG.info("schedule {} unregistered", scheduleName);
        signal();
      }
      return removed != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void pause(String scheduleName) {
    lock.lock();
    try {
      Entry e = require(scheduleName);
      if (!e.paused) {
        e.paused = true;
        LOG.info("schedule {} paused", scheduleName);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resume(String scheduleName) {
    lock.lock();
    try {
      resumeLocked(require(scheduleName));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void pauseAll() {
    lock.lock();
    try {
      for (Entry e : entries.values()) {
        e.paused = true;
      }
      LOG.info("all {} schedules paused", entries.size());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resumeAll() {
    lock.lock();
    try {
      for (Entry e : entries.values()) {
        resumeLocked(e);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<ScheduleFire> fireNow(String scheduleName) {
    Entry e;
    lock.lock();
    try {
      ensureOpen();
      e = require(scheduleName);
    } finally {
      lock.unlock();
    }
    Instant now = clock.instant();
    Attempt a = attempt(e, now, true);
    if (a.outcome == Outcome.GUARD_FAILED) {
      throw new BatchException("schedule " + scheduleName + ": cannot claim fire-now at " + now
          + " from the fire guard", a.error);
    }
    return Optional.ofNullable(a.fire);
  }

  @Override
  public List<ZonedDateTime> nextFireTimes(String scheduleName, int count) {
    FireTimes times;
    lock.lock();
    try {
      times = require(scheduleName).times;
    } finally {
      lock.unlock();
    }
    return times.next(clock.instant(), count);
  }

  @Override
  public List<ScheduleStatus> list() {
    lock.lock();
    try {
      List<ScheduleStatus> out = new ArrayList<>(entries.size());
      for (Entry e : entries.values()) {
        out.add(e.status());
      }
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<ScheduleStatus> status(String scheduleName) {
    lock.lock();
    try {
      Entry e = entries.get(scheduleName);
      return e == null ? Optional.empty() : Optional.of(e.status());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fires every schedule that is due at {@code clock.instant()}: for each schedule that is not
   * paused, the slots after the last one handled and at or before now are handled as described
   * in the class comment. This is what the scheduler thread calls; tests call it directly.
   *
   * @return the fires started, in registration order; empty if none was due
   * @throws BatchException if the scheduler is closed
   */
  public List<ScheduleFire> runDue() {
    Instant now = clock.instant();
    List<Due> due = new ArrayList<>();
    lock.lock();
    try {
      ensureOpen();
      for (Entry e : entries.values()) {
        if (e.paused) {
          continue;
        }
        Optional<Instant> next = e.nextDue();
        if (next.isEmpty() || next.get().isAfter(now)) {
          e.resumedSinceRun = false;
          continue;
        }
        due.add(collect(e, next.get(), now));
      }
    } finally {
      lock.unlock();
    }
    List<ScheduleFire> fired = new ArrayList<>();
    for (Due d : due) {
      handle(d).ifPresent(fired::add);
    }
    return List.copyOf(fired);
  }

  /**
   * Returns when the next fire of any schedule that is not paused is due.
   *
   * @return the earliest due instant, or empty if none fires again
   */
  public Optional<Instant> nextDue() {
    lock.lock();
    try {
      return earliestDue();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the clock this scheduler reads.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Returns the guard every fire is claimed from.
   *
   * @return the guard
   */
  public FireGuard fireGuard() {
    return guard;
  }

  /**
   * Returns the calendar used by schedules that require trading days.
   *
   * @return the calendar
   */
  public TradingCalendar calendar() {
    return calendar;
  }

  /**
   * Returns how late a slot may be handled and still count as on time.
   *
   * @return the threshold
   */
  public Duration misfireThreshold() {
    return misfireThreshold;
  }

  @Override
  public void start() {
    lock.lock();
    try {
      ensureOpen();
      if (thread != null) {
        return;
      }
      thread = new Thread(this::loop, threadName);
      thread.setDaemon(true);
      thread.start();
      LOG.info("scheduler started with {} schedules", entries.size());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    Thread t;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      signal();
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    LOG.info("scheduler closed");
  }

  @Override
  public String toString() {
    return "LocalScheduler{schedules=" + entries.size() + ", guard=" + guard
        + ", misfireThreshold=" + misfireThreshold + (closed ? ", closed" : "") + "}";
  }

  // ---------------------------------------------------------------------------------------------

  private void loop() {
    while (!closed) {
      try {
        runDue();
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.error("scheduler pass failed; continuing", e);
      }
      lock.lock();
      try {
        if (closed) {
          return;
        }
        if (!wakeRequested) {
          long nanos = waitNanos();
          if (nanos > 0) {
            wake.awaitNanos(nanos);
          }
        }
        wakeRequested = false;
      } catch (InterruptedException e) {
        if (!closed) {
          LOG.error("scheduler thread interrupted; no schedule fires until start() is called"
              + " again");
          thread = null;
        }
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  private long waitNanos() {
    Optional<Instant> next = earliestDue();
    Duration d = next.map(i -> Duration.between(clock.instant(), i)).orElse(MAX_IDLE_WAIT);
    if (d.isNegative()) {
      return 0;
    }
    return min(d, MAX_IDLE_WAIT).toNanos();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private Optional<Instant> earliestDue() {
    Instant best = null;
    for (Entry e : entries.values()) {
      if (!e.paused) {
        Optional<Instant> n = e.nextDue();
        if (n.isPresent() && (best == null || n.get().isBefore(best))) {
          best = n.get();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private void resumeLocked(Entry e) {
    if (e.paused) {
      e.paused = false;
      e.resumedSinceRun = true;
      LOG.info("schedule {} resumed", e.schedule().name());
      signal();
    }
  }

  /** Gathers the due slots of one schedule and marks them handled; under the lock. */
  private Due collect(Entry e, Instant first, Instant now) {
    Instant last = e.times.latestBetween(first, now).orElse(first);
    long count = 1;
    Instant previous = null;
    if (!last.equals(first)) {
      previous = e.times.latestBetween(first, last.minusNanos(1)).orElse(first);
      count = 2;
      Instant t = first;
      while (count < Misfire.MAX_COUNTED) {
        Optional<Instant> n = e.times.nextInstantAfter(t);
        if (n.isEmpty() || !n.get().isBefore(last)) {
          break;
        }
        t = n.get();
        count++;
      }
    }
    MisfireCause cause = e.resumedSinceRun ? MisfireCause.PAUSED : MisfireCause.LATE;
    e.resumedSinceRun = false;
    e.advance(last);
    return new Due(e, e.schedule(), first, previous, last, count, now, cause);
  }

  /** Decides what to do with one schedule's due slots; outside the lock. */
  private Optional<ScheduleFire> handle(Due d) {
    Entry e = d.entry;
    Schedule s = d.schedule;
    Duration lateness = Duration.between(d.last, d.now);
    boolean onTime = lateness.compareTo(misfireThreshold) <= 0;
    boolean withinGrace = s.misfirePolicy() == MisfirePolicy.FIRE_ONCE_IF_WITHIN_GRACE
        && lateness.compareTo(s.gracePeriod()) <= 0;
    if (!onTime && !withinGrace) {
      misfire(d, d.last, d.count, d.cause, false);
      return Optional.empty();
    }
    Attempt a = attempt(e, d.last, false);
    switch (a.outcome) {
      case FIRED:
        if (!onTime) {
          misfire(d, d.last, d.count, d.cause, true);
        } else if (d.count > 1) {
          misfire(d, d.previous, d.count - 1, d.cause, false);
        }
        break;
      case DENIED:
      case REJECTED:
        if (d.count > 1) {
          misfire(d, d.previous, d.count - 1, d.cause, false);
        }
        break;
      case STILL_RUNNING:
        misfire(d, d.last, d.count, MisfireCause.STILL_RUNNING, false);
        break;
      case GUARD_FAILED:
        misfire(d, d.last, d.count, MisfireCause.GUARD_FAILED, false);
        break;
      default:
        throw new IllegalStateException("unknown outcome " + a.outcome);
    }
    return Optional.ofNullable(a.fire);
  }

  private void misfire(Due d, Instant lastMissed, long count, MisfireCause cause, boolean late) {
    Misfire m = new Misfire(
        d.schedule.name(), d.first, lastMissed, count, d.now, cause, late);
    d.entry.skipped.addAndGet(m.skippedCount());
    if (late) {
      LOG.warn("schedule {}: {} slot(s) from {} to {} missed ({}); the latest fires once, {} late",
          m.scheduleName(), count, d.first, lastMissed, cause,
          Duration.between(lastMissed, d.now));
    } else {
      LOG.warn("schedule {}: {} slot(s) from {} to {} missed ({}) and skipped", m.scheduleName(),
          count, d.first, lastMissed, cause);
    }
    for (ScheduleListener l : listeners) {
      try {
        l.onMisfire(m);
      } catch (RuntimeException ex) {
        LOG.warn("schedule listener {} failed on a misfire", l, ex);
      }
    }
  }

  /** Claims one slot and starts its action; outside the lock. */
  private Attempt attempt(Entry e, Instant slot, boolean manual) {
    String name = e.schedule().name();
    if (manual) {
      e.active.incrementAndGet();
    } else if (!e.active.compareAndSet(0, 1)) {
      return new Attempt(Outcome.STILL_RUNNING, null, null);
    }
    boolean claimed;
    try {
      claimed = guard.tryClaim(name, slot);
    } catch (RuntimeException ex) {
      e.active.decrementAndGet();
      LOG.error("schedule {}: fire guard failed to claim slot {}; not fired here", name, slot, ex);
      return new Attempt(Outcome.GUARD_FAILED, null, ex);
    }
    if (!claimed) {
      e.active.decrementAndGet();
      e.denied.incrementAndGet();
      LOG.info("schedule {}: slot {} already claimed (by another node or an earlier run)",
          name, slot);
      for (ScheduleListener l : listeners) {
        try {
          l.onFireDenied(name, slot);
        } catch (RuntimeException ex) {
          LOG.warn("schedule listener {} failed on a denied fire", l, ex);
        }
      }
      return new Attempt(Outcome.DENIED, null, null);
    }
    ScheduleFire fire = new ScheduleFire(name, slot, clock.instant(), manual);
    e.fired.incrementAndGet();
    e.lastFire = fire;
    LOG.debug("schedule {} fires slot {}{}", name, slot, manual ? " (fire now)" : "");
    for (ScheduleListener l : listeners) {
      try {
        l.onFire(fire);
      } catch (RuntimeException ex) {
        LOG.warn("schedule listener {} failed on a fire", l, ex);
      }
    }
    try {
      executor.execute(() -> run(e, fire));
    } catch (RejectedExecutionException ex) {
      e.active.decrementAndGet();
      failed(e, fire, ex);
      return new Attempt(Outcome.REJECTED, fire, ex);
    }
    return new Attempt(Outcome.FIRED, fire, null);
  }

  private void run(Entry e, ScheduleFire fire) {
    try {
      e.action.run(fire);
    } catch (Exception ex) {
      failed(e, fire, ex);
    } catch (Error err) {
      failed(e, fire, err);
      throw err;
    } finally {
      e.active.decrementAndGet();
    }
  }

  private void failed(Entry e, ScheduleFire fire, Throwable error) {
    e.failed.incrementAndGet();
    LOG.error("schedule {}: fire of slot {} failed", fire.scheduleName(), fire.scheduledTime(),
        error);
    for (ScheduleListener l : listeners) {
      try {
        l.onFireFailed(fire, error);
      } catch (RuntimeException ex) {
        LOG.warn("schedule listener {} failed on a failed fire", l, ex);
      }
    }
  }

  private Entry require(String scheduleName) {
    Entry e = scheduleName == null ? null : entries.get(scheduleName);
    if (e == null) {
      throw new InvalidInputException("scheduleName", scheduleName,
          "is not registered; registered: " + entries.keySet());
    }
    return e;
  }

  private void ensureOpen() {
    if (closed) {
      throw new BatchException("scheduler is closed");
    }
  }

  private void signal() {
    wakeRequested = true;
    wake.signalAll();
  }

  private enum Outcome { FIRED, DENIED, STILL_RUNNING, GUARD_FAILED, REJECTED }

  private record Attempt(Outcome outcome, ScheduleFire fire, Throwable error) {}

  /** One schedule's due slots, with the definition they were computed by. */
  private record Due(Entry entry, Schedule schedule, Instant first, Instant previous,
      Instant last, long count, Instant now, MisfireCause cause) {}

  /** One registered schedule; mutable fields are guarded by the scheduler's lock. */
  private static final class Entry {
    final FireAction action;
    // Holds the schedule too; volatile because fires read it outside the lock.
    volatile FireTimes times;
    final AtomicInteger active = new AtomicInteger();
    final AtomicLong fired = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong denied = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile ScheduleFire lastFire;
    boolean paused;
    boolean resumedSinceRun;
    private Instant handledUpTo;
    private Instant nextDue;

    Entry(FireTimes times, FireAction action, Instant handledUpTo, boolean paused) {
      this.times = times;
      this.action = action;
      this.paused = paused;
      advance(handledUpTo);
    }

    Schedule schedule() {
      return times.schedule();
    }

    /** Marks every slot up to and including {@code handledUpTo} as handled. */
    void advance(Instant handledUpTo) {
      this.handledUpTo = handledUpTo;
      this.nextDue = times.nextInstantAfter(handledUpTo).orElse(null);
    }

    /**
     * Switches to new fire times whose slots count from after {@code from}, never at or before
     * a slot already handled (the clock may have stepped back).
     */
    void redefine(FireTimes newTimes, Instant from) {
      times = newTimes;
      // Slots missed while paused were dropped with the old times: none to report as PAUSED.
      resumedSinceRun = false;
      advance(from.isAfter(handledUpTo) ? from : handledUpTo);
    }

    Optional<Instant> nextDue() {
      return Optional.ofNullable(nextDue);
    }

    Optional<ZonedDateTime> nextFireTime() {
      return nextDue().map(i -> i.atZone(schedule().zone()));
    }

    String nextText() {
      return nextFireTime().map(ZonedDateTime::toString).orElse("never");
    }

    ScheduleStatus status() {
      return new ScheduleStatus(schedule(), paused, active.get() > 0, nextFireTime(),
          Optional.ofNullable(lastFire), fired.get(), skipped.get(), denied.get(), failed.get());
    }
  }

  /** Builds a {@link LocalScheduler}. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private FireGuard guard;
    private TradingCalendar calendar;
    private Executor executor;
    private final List<ScheduleListener> listeners = new ArrayList<>();
    private Duration misfireThreshold = DEFAULT_MISFIRE_THRESHOLD;
    private String threadName = DEFAULT_THREAD_NAME;

    private Builder() {}

    /**
     * Sets the clock; tests pass a settable one and call {@link LocalScheduler#runDue()}.
     *
     * @param clock the clock; default {@link Clock#systemUTC()}
     * @return this builder
     * @throws InvalidInputException naming {@code clock} if null
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new InvalidInputException("clock", null, "must not be null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Sets the guard every fire is claimed from; share one (PostgreSQL, Redis) across JVMs to
     * fire each slot once cluster-wide.
     *
     * @param guard the guard; default a new {@link InMemoryFireGuard}
     * @return this builder
     * @throws InvalidInputException naming {@code fireGuard} if null
     */
    public Builder fireGuard(FireGuard guard) {
      if (guard == null) {
        throw new InvalidInputException("fireGuard", null, "must not be null");
      }
      this.guard = guard;
      return this;
    }

    /**
     * Sets the trading calendar for schedules that require trading days.
     *
     * @param calendar the calendar; default {@link AShareTradingCalendar#bundled()}
     * @return this builder
     * @throws InvalidInputException naming {@code calendar} if null
     */
    public Builder calendar(TradingCalendar calendar) {
      if (calendar == null) {
        throw new InvalidInputException("calendar", null, "must not be null");
      }
      this.calendar = calendar;
      return this;
    }

    /**
     * Sets where actions run. The scheduler does not shut down an executor given here.
     *
     * @param executor e.g. {@code Runnable::run} to run actions on the caller of {@code runDue};
     *     default a cached pool of daemon threads owned and shut down by the scheduler
     * @return this builder
     * @throws InvalidInputException naming {@code executor} if null
     */
    public Builder executor(Executor executor) {
      if (executor == null) {
        throw new InvalidInputException("executor", null, "must not be null");
      }
      this.executor = executor;
      return this;
    }

    /**
     * Adds a listener.
     *
     * @param listener receives fires, misfires, denials and failures
     * @return this builder
     * @throws InvalidInputException naming {@code listener} if null
     */
    public Builder listener(ScheduleListener listener) {
      if (listener == null) {
        throw new InvalidInputException("listener", null, "must not be null");
      }
      listeners.add(listener);
      return this;
    }

    /**
     * Sets how late a slot may be handled and still count as on time. Later slots are misfires
     * and follow the schedule's misfire policy.
     *
     * @param threshold positive, at most one day; default 1 minute
     * @return this builder
     * @throws InvalidInputException naming {@code misfireThreshold} if out of range
     */
    public Builder misfireThreshold(Duration threshold) {
      if (threshold == null || threshold.isNegative() || threshold.isZero()
          || threshold.compareTo(Duration.ofDays(1)) > 0) {
        throw new InvalidInputException(
            "misfireThreshold", threshold, "must be positive and at most one day");
      }
      this.misfireThreshold = threshold;
      return this;
    }

    /**
     * Sets the name of the scheduler thread (and the prefix of its own executor's threads).
     *
     * @param threadName not blank; default {@value #DEFAULT_THREAD_NAME}
     * @return this builder
     * @throws InvalidInputException naming {@code threadName} if blank
     */
    public Builder threadName(String threadName) {
      if (threadName == null || threadName.isBlank()) {
        throw new InvalidInputException("threadName", threadName, "must not be blank");
      }
      this.threadName = threadName;
      return this;
    }

    /**
     * Builds the scheduler; nothing fires until {@link LocalScheduler#start()} or {@link
     * LocalScheduler#runDue()}.
     *
     * @return the scheduler
     */
    public LocalScheduler build() {
      return new LocalScheduler(this);
    }
  }
}
