package io.prism.batch.core.jobs;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.api.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job control: the programmatic form of the seed's batch endpoints, for a host to put behind its
 * own HTTP API, command line or console.
 *
 * <table>
 *   <caption>the seed's endpoints</caption>
 *   <tr><th>seed endpoint</th><th>method</th></tr>
 *   <tr><td>{@code GET /api/v1/batch/jobs}</td><td>{@link #list}</td></tr>
 *   <tr><td>{@code GET /api/v1/batch/jobs/{job_id}}</td><td>{@link #get}</td></tr>
 *   <tr><td>{@code POST /api/v1/batch/jobs/trigger}</td><td>{@link #trigger}</td></tr>
 *   <tr><td>{@code PUT /api/v1/batch/jobs/{job_id}/cancel}</td><td>{@link #cancel}</td></tr>
 *   <tr><td>{@code DELETE /api/v1/batch/jobs/{job_id}}</td><td>{@link #delete}</td></tr>
 *   <tr><td>{@code GET /api/v1/batch/schedule}</td><td>{@link #schedules}</td></tr>
 *   <tr><td>{@code PUT /api/v1/batch/schedule}</td><td>{@link #reschedule}</td></tr>
 *   <tr><td>{@code POST /api/v1/batch/schedule/pause}</td>
 *       <td>{@link #pauseAllSchedules}, {@link #pauseSchedule}</td></tr>
 *   <tr><td>{@code POST /api/v1/batch/schedule/resume}</td>
 *       <td>{@link #resumeAllSchedules}, {@link #resumeSchedule}</td></tr>
 *   <tr><td>{@code GET /api/v1/batch/health}</td><td>{@link #health}</td></tr>
 *   <tr><td>{@code GET /api/v1/batch/metrics}</td><td>{@link #dailyMetrics}</td></tr>
 *   <tr><td>(daily metrics roll-up, e.g. the seed's 06:00 {@code performance_report})</td>
 *       <td>{@link #rollUpDailyMetrics}</td></tr>
 *   <tr><td>(task types)</td>
 *       <td>{@link #pauseTaskType}, {@link #resumeTaskType}, {@link #pausedTaskTypes}</td></tr>
 * </table>
 *
 * <p><b>Jobs that run here.</b> The host registers one action per job type, typically a {@link
 * WarmJobs} call. {@link #trigger} runs a type's action on the control's executor and returns the
 * id of the job record it created. Actions given to {@link #runHere} (a schedule's fire action,
 * say) run on the calling thread. Every {@link WarmJobs} job started inside either is a job of
 * this control: {@link #runningHere()} lists it, {@link #cancel} cancels its engine run directly,
 * and a cancel requested from another JVM reaches it (below). Jobs run outside both, on plain
 * {@code WarmJobs} calls, are not.
 *
 * <p><b>Cancel across JVMs.</b> {@link #cancel} always also records the request in the shared
 * {@link JobStore} ({@link JobStore#requestCancel}). Each control checks, every {@linkplain
 * Builder#pollInterval poll interval} (default 1 s), whether a cancel was requested for any of
 * its own running jobs ({@link JobStore#cancelRequested}) and cancels those it finds; the job's
 * record then ends {@code cancelled}. So a cancel asked for on any node sharing the store stops
 * the job within about one poll interval, wherever it runs. A record whose JVM died stays {@code
 * running}: no control owns it, and the request only stands in the store.
 *
 * <p><b>Paused task types, across JVMs.</b> {@link #pauseTaskType} records the type in the
 * shared store ({@link JobStore#pauseTaskType}) and holds it back at once in this control's
 * running jobs: their workers claim no more tasks of that type (those running finish) until
 * {@link #resumeTaskType}. Every other control sharing the store applies the change to its own
 * running jobs within its poll interval, and every job starts with the types paused when it
 * starts. Queues given to {@link Builder#followingQueue} follow the same set (for engines that
 * run outside jobs, such as a worker on a cluster's shared queue). Pausing {@value
 * WarmProcessor#TASK_TYPE}, say, stops all fetching from the source while the source is down,
 * without cancelling anything.
 *
 * <pre>{@code
 * try (JobControl control = JobControl.builder()
 *     .jobs(jobStore)
 *     .scheduler(scheduler)                                  // optional
 *     .register(WarmJobs.WATCHLIST_WARM, () -> warmJobs.watchlistWarm(WarmJobs.MANUAL))
 *     .register(WarmJobs.CACHE_CLEAN, () -> warmJobs.cacheClean())
 *     .build()) {
 *   long id = control.trigger(WarmJobs.WATCHLIST_WARM);   // returns once the record exists
 *   control.cancel(id);                                    // here, or on any node of the store
 *   control.awaitFinished(id, Duration.ofSeconds(10));     // the record, now cancelled
 *   scheduler.register(nightly, fire -> control.runHere(() -> warmJobs.watchlistWarm()));
 *   control.pauseAllSchedules();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class JobControl implements AutoCloseable {

  /** The default interval of the checks for cancel requests: 1 second. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  /** The shortest poll interval: 10 ms. */
  public static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);
  /** The longest poll interval: 1 hour. */
  public static final Duration MAX_POLL_INTERVAL = Duration.ofHours(1);
  /** The longest job type name, {@value}, as in {@link JobRecord#jobType()}. */
  public static final int MAX_JOB_TYPE_LENGTH = 50;

  private static final Logger LOG = LoggerFactory.getLogger(JobControl.class);
  private static final Duration AWAIT_STEP = Duration.ofMillis(50);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final JobStore jobs;
  private final Optional<Scheduler> scheduler;
  private final Map<String, Runnable> actions;
  private final Executor executor;
  private final Optional<ExecutorService> ownedExecutor;
  private final Duration pollInterval;
  private final ScheduledExecutorService poller;
  private final Map<Long, LocalJob> here = new ConcurrentHashMap<>();
  private final List<TaskQueue> followingQueues;
  /** The paused task types last read from the store; stands in when the store cannot be read. */
  private volatile Set<String> pausedTypes = Set.of();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean pollFailing;

  private JobControl(Builder b) {
    this.jobs = b.jobs;
    this.scheduler = Optional.ofNullable(b.scheduler);
    this.actions = Collections.unmodifiableMap(new LinkedHashMap<>(b.actions));
    this.pollInterval = b.pollInterval;
    this.followingQueues = List.copyOf(b.followingQueues);
    int instance = INSTANCES.incrementAndGet();
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = Optional.empty();
    } else {
      AtomicInteger n = new AtomicInteger();
      ExecutorService own = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "prism-job-control-" + instance + "-job-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.executor = own;
      this.ownedExecutor = Optional.of(own);
    }
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "prism-job-control-" + instance + "-poll");
      t.setDaemon(true);
      return t;
    });
    long every = pollInterval.toNanos();
    poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---- jobs ----

  /**
   * Lists the newest job records, of every JVM sharing the store.
   *
   * @param jobType one type, or empty for all
   * @param limit the most records, at least 1
   * @return newest first
   * @throws InvalidInputException naming {@code limit} if below 1
   */
  public List<JobRecord> list(Optional<String> jobType, int limit) {
    Objects.requireNonNull(jobType, "jobType");
    if (limit < 1) {
      throw new InvalidInputException("limit", limit, "must be at least 1");
    }
    return jobs.recent(jobType, limit);
  }

  /**
   * Reads one job record.
   *
   * @param jobId the id
   * @return the record, or empty if none has this id
   */
  public Optional<JobRecord> get(long jobId) {
    return jobs.get(jobId);
  }

  /**
   * Lists the job types {@link #trigger} accepts.
   *
   * @return the registered types, in registration order
   */
  public List<String> jobTypes() {
    return List.copyOf(actions.keySet());
  }

  /**
   * Runs a job type's registered action in this JVM, on the control's executor, and returns as
   * soon as the record of the first job it starts exists. The job then runs on; its record
   * tells how it went. If the action fails before any record exists, its exception is thrown
   * here. With a direct executor ({@code Runnable::run}) this returns only after the action.
   *
   * @param jobType a registered type, e.g. {@value WarmJobs#WATCHLIST_WARM}
   * @return the id of the first job record the action created
   * @throws InvalidInputException naming {@code jobType} if it is not registered (the message
   *     lists those that are), or the action's own when it rejects its input
   * @throws BatchException if the control is closed, the executor refuses the action, or the
   *     action ends without starting a {@link WarmJobs} job
   */
  public long trigger(String jobType) {
    Runnable action = actions.get(jobType);
    if (action == null) {
      throw new InvalidInputException("jobType", jobType,
          "is not registered; registered job types: " + actions.keySet());
    }
    ensureOpen();
    CompletableFuture<Long> firstJob = new CompletableFuture<>();
    try {
      executor.execute(() -> runTriggered(jobType, action, firstJob));
    } catch (RejectedExecutionException e) {
      throw new BatchException("cannot trigger " + jobType + ": the executor refused it", e);
    }
    try {
      return firstJob.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchException("interrupted while triggering " + jobType, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BatchException be) {
        throw be;
      }
      throw new BatchException("job type " + jobType + " failed before it created a job record: "
          + cause, cause);
    }
  }

  /**
   * Runs an action on the calling thread, making the {@link WarmJobs} jobs it starts jobs of this
   * control (see the class comment): {@link #cancel} cancels them directly and cancel requests
   * from other JVMs reach them. Use it for schedules' fire actions: {@code fire ->
   * control.runHere(() -> warmJobs.cacheClean())}.
   *
   * @param action the action; its exceptions pass through
   * @throws BatchException if the control is closed
   */
  public void runHere(Runnable action) {
    Objects.requireNonNull(action, "action");
    ensureOpen();
    runScoped(action, job -> { });
  }

  /**
   * Lists the jobs of this control that are running now (see the class comment).
   *
   * @return their ids, ascending
   */
  public List<Long> runningHere() {
    List<Long> ids = new ArrayList<>(here.keySet());
    Collections.sort(ids);
    return ids;
  }

  /**
   * Cancels a job wherever it runs. The request is recorded in the store ({@link
   * JobStore#requestCancel}), where the JVM running the job finds it within its poll interval;
   * if the job runs here, its engine run is also cancelled now, and this returns once its tasks
   * stopped. Either way its record ends {@code cancelled}, written by the JVM that ran it; {@link
   * #awaitFinished} waits for that. Idempotent.
   *
   * @param jobId the job
   * @return true if the job was pending or running, so the cancel stands; false if it had
   *     already finished (its record is left as it is)
   * @throws InvalidInputException naming {@code jobId} if no record has this id
   */
  public boolean cancel(long jobId) {
    if (jobs.get(jobId).isEmpty()) {
      throw new InvalidInputException("jobId", jobId, "no job record has this id");
    }
    boolean standing = jobs.requestCancel(jobId);
    LocalJob local = here.get(jobId);
    if (local != null && standing) {
      LOG.info("job {} ({}): cancelling it here", jobId, local.jobType);
      local.cancelling.set(true);
      local.handle.cancel();
    }
    return standing;
  }

  /**
   * Deletes a finished job's record ({@link JobStore#delete}), for every JVM sharing the store.
   *
   * @param jobId the job
   * @return true if deleted, false if no record has this id
   * @throws InvalidInputException naming {@code jobId} if the job is pending or running (cancel
   *     it, then delete it once it ended)
   */
  public boolean delete(long jobId) {
    boolean deleted = jobs.delete(jobId);
    if (deleted) {
      LOG.info("job {}: record deleted", jobId);
    }
    return deleted;
  }

  /**
   * Waits for a job's record to show that it finished ({@code success}, {@code failed} or {@code
   * cancelled}), reading the store every 50 ms.
   *
   * @param jobId the job
   * @param timeout the longest wait, zero or positive
   * @return the finished record, or empty if the job is still pending or running at the timeout
   * @throws InvalidInputException naming {@code jobId} if no record has this id, or {@code
   *     timeout} if negative
   * @throws BatchException if interrupted while waiting
   */
  public Optional<JobRecord> awaitFinished(long jobId, Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw new InvalidInputException("timeout", timeout, "must be zero or positive");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JobRecord job = jobs.get(jobId).orElseThrow(() ->
          new InvalidInputException("jobId", jobId, "no job record has this id"));
      if (job.status().isFinished()) {
        return Optional.of(job);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, AWAIT_STEP.toNanos()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BatchException("interrupted while waiting for job " + jobId, e);
      }
    }
  }

  /**
   * Checks now, as the poller does every poll interval, whether a cancel was requested for any
   * job running here, and cancels those. Returns once their tasks stopped.
   *
   * @return how many jobs it cancelled
   * @throws BatchException if the store cannot be read
   */
  public int checkCancelRequests() {
    int cancelled = 0;
    for (LocalJob job : here.values()) {
      if (job.cancelling.get() || !jobs.cancelRequested(job.jobId)) {
        continue;
      }
      if (job.cancelling.compareAndSet(false, true)) {
        LOG.info("job {} ({}): a cancel was requested in the job store; cancelling it here",
            job.jobId, job.jobType);
        job.handle.cancel();
        cancelled++;
      }
    }
    return cancelled;
  }

  /**
   * Returns the interval of the checks for cancel requests.
   *
   * @return the interval
   */
  public Duration pollInterval() {
    return pollInterval;
  }

  // ---- task types ----

  /**
   * Pauses a task type in every job sharing the store: records it ({@link
   * JobStore#pauseTaskType}) and holds it back in the jobs running here before returning; other
   * controls follow within their poll interval (see the class comment). Idempotent.
   *
   * @param taskType a task type, e.g. {@value WarmProcessor#TASK_TYPE}
   * @return true if this call paused it, false if it was paused already
   * @throws InvalidInputException naming {@code taskType} if it is not a valid task type
   */
  public boolean pauseTaskType(String taskType) {
    boolean changed = jobs.pauseTaskType(taskType);
    LOG.info("task type {}: {}", taskType, changed ? "paused" : "already paused");
    applyPausedTypes();
    return changed;
  }

  /**
   * Resumes a paused task type in every job sharing the store; its held-back tasks are claimed
   * again in their order. Idempotent.
   *
   * @param taskType a task type
   * @return true if this call resumed it, false if it was not paused
   * @throws InvalidInputException naming {@code taskType} if it is not a valid task type
   */
  public boolean resumeTaskType(String taskType) {
    boolean changed = jobs.resumeTaskType(taskType);
    LOG.info("task type {}: {}", taskType, changed ? "resumed" : "was not paused");
    applyPausedTypes();
    return changed;
  }

  /**
   * Returns the paused task types, as the store holds them.
   *
   * @return the types, sorted
   */
  public Set<String> pausedTaskTypes() {
    return jobs.pausedTaskTypes();
  }

  // ---- daily metrics ----

  /**
   * Computes a day's job metrics from the jobs that finished on it, in Shanghai's calendar
   * ({@link JobMetrics#DEFAULT_ZONE}), and stores them in the job store, replacing those of an
   * earlier roll-up of the day: running it twice over the same jobs leaves the same rows. See
   * {@link JobMetrics} for the metrics ({@value DailyMetric#JOB_COUNT}, {@value
   * DailyMetric#AVG_DURATION} and {@value DailyMetric#SUCCESS_RATE}, per job type and for all).
   *
   * @param day the day, typically yesterday
   * @return the metrics written, ordered by metric type, then category
   * @throws InvalidInputException naming {@code day} if it is not between {@link
   *     DailyMetric#MIN_DATE} and {@link DailyMetric#MAX_DATE}
   */
  public List<DailyMetric> rollUpDailyMetrics(LocalDate day) {
    List<DailyMetric> written = JobMetrics.rollUp(jobs, day, JobMetrics.DEFAULT_ZONE);
    LOG.info("daily metrics of {}: {} written", day, written.size());
    return written;
  }

  /**
   * Lists the stored daily metrics of a date range, of every JVM sharing the store (the seed's
   * {@code GET /api/v1/batch/metrics}).
   *
   * @param from the first day, inclusive
   * @param to the last day, inclusive
   * @param metricType one metric type, e.g. {@value DailyMetric#SUCCESS_RATE}, or empty for all
   * @return ordered by date, metric type and category
   * @throws InvalidInputException naming {@code from} if it is after {@code to}
   */
  public List<DailyMetric> dailyMetrics(
      LocalDate from, LocalDate to, Optional<String> metricType) {
    return jobs.dailyMetrics(from, to, metricType);
  }

  // ---- schedules ----

  /**
   * Lists the scheduler's schedules with their state (paused, running, next fire, counts).
   *
   * @return in registration order; empty without a scheduler
   */
  public List<ScheduleStatus> schedules() {
    return scheduler.map(Scheduler::list).orElse(List.of());
  }

  /**
   * Returns one schedule's state.
   *
   * @param scheduleName the schedule
   * @return its state, or empty if not registered (or without a scheduler)
   */
  public Optional<ScheduleStatus> schedule(String scheduleName) {
    return scheduler.flatMap(s -> s.status(scheduleName));
  }

  /**
   * Replaces a registered schedule's definition (trigger, zone, trading days, misfire policy)
   * in place, keeping its action, counts and pause ({@link Scheduler#reschedule}); slots of the
   * new definition fire from now on.
   *
   * @param schedule the new definition, named as the registered schedule
   * @return the previous definition
   * @throws InvalidInputException naming {@code scheduleName} if not registered (or without a
   *     scheduler), or the field of the definition that is not valid; the old one then stays
   */
  public Schedule reschedule(Schedule schedule) {
    if (schedule == null) {
      throw new InvalidInputException("schedule", null, "must not be null");
    }
    return requireScheduler(schedule.name()).reschedule(schedule);
  }

  /**
   * Pauses one schedule ({@link Scheduler#pause}); a running fire finishes. Idempotent.
   *
   * @param scheduleName the schedule
   * @throws InvalidInputException naming {@code scheduleName} if not registered
   */
  public void pauseSchedule(String scheduleName) {
    requireScheduler(scheduleName).pause(scheduleName);
  }

  /**
   * Resumes one schedule ({@link Scheduler#resume}); slots missed while paused follow its
   * misfire policy. Idempotent.
   *
   * @param scheduleName the schedule
   * @throws InvalidInputException naming {@code scheduleName} if not registered
   */
  public void resumeSchedule(String scheduleName) {
    requireScheduler(scheduleName).resume(scheduleName);
  }

  /** Pauses every registered schedule ({@link Scheduler#pauseAll}); no-op without a scheduler. */
  public void pauseAllSchedules() {
    scheduler.ifPresent(Scheduler::pauseAll);
  }

  /** Resumes every registered schedule ({@link Scheduler#resumeAll}); no-op without one. */
  public void resumeAllSchedules() {
    scheduler.ifPresent(Scheduler::resumeAll);
  }

  // ---- health ----

  /**
   * Checks job control: reads the newest job record and the paused task types from the store
   * (timing the read), and looks at the scheduler's schedules and at the cancel poll. Never
   * throws for what it checks: a failure is a problem in the answer.
   *
   * @return the finding; {@link JobControlHealth.Status#DOWN} if the store cannot be read
   */
  public JobControlHealth health() {
    List<String> down = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    Optional<Duration> latency = Optional.empty();
    Set<String> paused = Set.of();
    long start = System.nanoTime();
    try {
      jobs.recent(Optional.empty(), 1);
      latency = Optional.of(Duration.ofNanos(System.nanoTime() - start));
      paused = jobs.pausedTaskTypes();
    } catch (RuntimeException e) {
      down.add("the job store cannot be read: " + e.getMessage());
    }
    if (pollFailing) {
      degraded.add("cancel requests and paused task types cannot be read at the poll interval"
          + " (" + pollInterval + ")");
    }
    if (closed.get()) {
      down.add("the job control is closed");
    }
    List<ScheduleStatus> schedules = schedules();
    int pausedSchedules = 0;
    Optional<Instant> nextFire = Optional.empty();
    for (ScheduleStatus s : schedules) {
      if (s.paused()) {
        pausedSchedules++;
        continue;
      }
      Optional<Instant> next = s.nextFireTime().map(ZonedDateTime::toInstant);
      if (next.isPresent() && (nextFire.isEmpty() || next.get().isBefore(nextFire.get()))) {
        nextFire = next;
      }
    }
    JobControlHealth.Status status = !down.isEmpty() ? JobControlHealth.Status.DOWN
        : !degraded.isEmpty() ? JobControlHealth.Status.DEGRADED : JobControlHealth.Status.UP;
    List<String> problems = new ArrayList<>(down);
    problems.addAll(degraded);
    return new JobControlHealth(status, problems, Instant.now(), latency, runningHere(), paused,
        schedules.size(), pausedSchedules, nextFire);
  }

  // ---- lifecycle ----

  /**
   * Stops checking for cancel requests, cancels the jobs running here (their records end {@code
   * cancelled}, rather than {@code running} with nobody left to end them) and shuts down the
   * control's own executor. Does not close the store or the scheduler. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    poller.shutdownNow();
    for (LocalJob job : here.values()) {
      if (job.cancelling.compareAndSet(false, true)) {
        LOG.info("job {} ({}): cancelled as the job control closes", job.jobId, job.jobType);
        job.handle.cancel();
      }
    }
    ownedExecutor.ifPresent(ExecutorService::shutdown);
  }

  @Override
  public String toString() {
    return "JobControl{jobTypes=" + actions.keySet() + ", runningHere=" + runningHere()
        + ", pollInterval=" + pollInterval + "}";
  }

  private void runTriggered(String jobType, Runnable action, CompletableFuture<Long> firstJob) {
    try {
      runScoped(action, job -> firstJob.complete(job.id()));
    } catch (RuntimeException e) {
      if (!firstJob.completeExceptionally(e)) {
        LOG.warn("triggered job type {} failed after its job record was created: {}", jobType,
            e.toString());
      }
    } finally {
      firstJob.completeExceptionally(new BatchException("job type " + jobType
          + " ended without starting a job: its action must run a WarmJobs job"));
    }
  }

  private void runScoped(Runnable action, Consumer<JobRecord> onJob) {
    JobScope.run((job, handle) -> {
      LocalJob local = new LocalJob(job.id(), job.jobType(), handle);
      handle.holdBack(currentPausedTypes());
      here.put(job.id(), local);
      onJob.accept(job);
      return () -> here.remove(job.id(), local);
    }, action);
  }

  private void poll() {
    if (here.isEmpty() && followingQueues.isEmpty()) {
      return;
    }
    try {
      checkCancelRequests();
      applyPausedTypes();
      if (pollFailing) {
        pollFailing = false;
        LOG.info("cancel requests can be read from the job store again");
      }
    } catch (RuntimeException e) {
      if (!pollFailing) {
        pollFailing = true;
        LOG.warn("cannot read cancel requests or paused task types from the job store (will"
            + " retry every {}): {}",
            pollInterval, e.toString());
      }
    }
  }

  /**
   * Reads the paused types from the store and holds them back in every job running here and in
   * the following queues.
   */
  private void applyPausedTypes() {
    Set<String> types = jobs.pausedTaskTypes();
    pausedTypes = types;
    for (TaskQueue queue : followingQueues) {
      try {
        PausedTypes.apply(queue, types);
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot hold back the paused task types {}: {}", queue, types,
            e.toString());
      }
    }
    for (LocalJob job : here.values()) {
      try {
        job.handle.holdBack(types);
      } catch (RuntimeException e) {
        LOG.warn("job {} ({}): cannot hold back the paused task types {}: {}", job.jobId,
            job.jobType, types, e.toString());
      }
    }
  }

  /** The paused types for a job that starts now: read fresh, or the last known if unreadable. */
  private Set<String> currentPausedTypes() {
    try {
      Set<String> types = jobs.pausedTaskTypes();
      pausedTypes = types;
      return types;
    } catch (RuntimeException e) {
      Set<String> known = pausedTypes;
      LOG.warn("cannot read the paused task types from the job store; the job starts with the"
          + " last known ones, {}: {}", known, e.toString());
      return known;
    }
  }

  private Scheduler requireScheduler(String scheduleName) {
    return scheduler.orElseThrow(() -> new InvalidInputException("scheduleName", scheduleName,
        "is not registered: this job control has no scheduler"));
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new BatchException(this + " is closed");
    }
  }

  /** A job of this control that is running now. */
  private static final class LocalJob {
    final long jobId;
    final String jobType;
    final JobScope.JobHandle handle;
    final AtomicBoolean cancelling = new AtomicBoolean();

    LocalJob(long jobId, String jobType, JobScope.JobHandle handle) {
      this.jobId = jobId;
      this.jobType = jobType;
      this.handle = handle;
    }
  }

  /** Builds a {@link JobControl}. Each setter checks its value; not thread-safe. */
  public static final class Builder {
    private JobStore jobs;
    private Scheduler scheduler;
    private final Map<String, Runnable> actions = new LinkedHashMap<>();
    private Executor executor;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private final List<TaskQueue> followingQueues = new ArrayList<>();

    private Builder() {}

    /**
     * Makes a queue follow the task types paused through the control's store: at every poll,
     * and at once on {@link JobControl#pauseTaskType} or {@link JobControl#resumeTaskType} here,
     * the queue's paused types become the store's ({@link TaskQueue#pauseType}; types paused on
     * the queue by other means are resumed). For queues that engines work on outside jobs, such
     * as a worker on a cluster's shared queue. The control never closes the queue.
     *
     * @param queue a queue that can pause task types
     * @return this builder
     * @throws InvalidInputException naming {@code queue} if null
     */
    public Builder followingQueue(TaskQueue queue) {
      if (queue == null) {
        throw new InvalidInputException("queue", null, "must not be null");
      }
      followingQueues.add(queue);
      return this;
    }

    /**
     * Sets the job store (required): the same one the jobs' {@link WarmJobs} write to, shared
     * by every JVM whose cancels should reach one another.
     *
     * @param jobs the store
     * @return this builder
     * @throws InvalidInputException naming {@code jobs} if null
     */
    public Builder jobs(JobStore jobs) {
      if (jobs == null) {
        throw new InvalidInputException("jobs", null, "must not be null");
      }
      this.jobs = jobs;
      return this;
    }

    /**
     * Sets the scheduler whose schedules the control lists, pauses and resumes (optional).
     *
     * @param scheduler the scheduler; the control never closes it
     * @return this builder
     * @throws InvalidInputException naming {@code scheduler} if null
     */
    public Builder scheduler(Scheduler scheduler) {
      if (scheduler == null) {
        throw new InvalidInputException("scheduler", null, "must not be null");
      }
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Registers what {@link JobControl#trigger} runs for a job type: an action that starts a
     * {@link WarmJobs} job, e.g. {@code () -> warmJobs.watchlistWarm(WarmJobs.MANUAL)}. Its
     * result is ignored; the job record holds it.
     *
     * @param jobType 1 to {@value JobControl#MAX_JOB_TYPE_LENGTH} characters, not blank, not registered yet
     * @param action the action
     * @return this builder
     * @throws InvalidInputException naming {@code jobType} or {@code action}
     */
    public Builder register(String jobType, Runnable action) {
      if (jobType == null || jobType.isBlank() || jobType.length() > MAX_JOB_TYPE_LENGTH) {
        throw new InvalidInputException("jobType", jobType,
            "must be 1-" + MAX_JOB_TYPE_LENGTH + " characters, not blank");
      }
      if (action == null) {
        throw new InvalidInputException("action", null, "must not be null");
      }
      if (actions.containsKey(jobType)) {
        throw new InvalidInputException("jobType", jobType, "is already registered");
      }
      actions.put(jobType, action);
      return this;
    }

    /**
     * Sets where triggered actions run. The control does not shut down an executor given here.
     *
     * @param executor the executor; default a cached pool of daemon threads owned by the control
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
     * Sets how often the control checks the store for cancel requests of its running jobs; a
     * cancel asked for on another JVM takes effect within about this long.
     *
     * @param interval 10 ms to 1 hour; default 1 second
     * @return this builder
     * @throws InvalidInputException naming {@code pollInterval} if out of range
     */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.compareTo(MIN_POLL_INTERVAL) < 0
          || interval.compareTo(MAX_POLL_INTERVAL) > 0) {
        throw new InvalidInputException("pollInterval", interval,
            "must be between 10 ms and 1 hour");
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Builds the control and starts its poller (a daemon thread).
     *
     * @return the control
     * @throws InvalidInputException naming {@code jobs} if no store was set
     */
    public JobControl build() {
      if (jobs == null) {
        throw new InvalidInputException("jobs", null, "is required");
      }
      return new JobControl(this);
    }
  }
}
