package io.prism.batch.core.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.BatchListener;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskFailure;
import io.prism.batch.api.TaskState;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.core.data.DataPath;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.BatchEngineBuilder;
import io.prism.batch.core.engine.BatchRun;
import io.prism.batch.core.engine.EngineMetrics.TypeSnapshot;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.engine.RetryRules;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The data-path jobs of the seed's {@code batch_jobs}, each run on a fresh {@link BatchEngine}
 * and recorded in a {@link JobStore} (pending → running → success / failed / cancelled, with
 * processed, success and failed counts, the first error, a JSON result summary and the retry
 * count):
 *
 * <ul>
 *   <li>{@link #watchlistWarm()} — {@value #WATCHLIST_WARM}: every active auto-batch watchlist,
 *       priority 5 first. A (stock, data type) in several lists is warmed once, at the highest
 *       priority among its lists.
 *   <li>{@link #marketScan} — {@value #MARKET_SCAN}: a list of codes × data types, at priority 1
 *       so it never holds up watchlist work on a shared queue.
 *   <li>{@link #cacheClean()} — {@value #CACHE_CLEAN}: deletes from L2, and invalidates in L1,
 *       records past the retention age (expired) and stale records whose (stock, type) no active
 *       auto-batch watchlist holds (orphaned).
 * </ul>
 *
 * <p>Warm jobs run {@link WarmProcessor} groups of {@link Builder#batchSize} keys; records whose
 * content hash changed are announced by the read path to its change listeners (see {@link
 * ChangeFeed}) and listed in {@link JobResult#changed()}. A job ends {@code success} when at most
 * {@link Builder#maxFailureRate} of its tasks failed (the failures are still counted and the
 * first one is the record's error message), {@code failed} beyond that, on a batch timeout or
 * when every task failed, and {@code cancelled} after {@link #cancel()}.
 *
 * <pre>{@code
 * ChangeFeed changes = new ChangeFeed();
 * RateLimiters limits = RateLimiters.builder()
 *     .limit("akshare", RateLimit.builder().requestsPerMinute(60).maxConcurrent(2).build())
 *     .build();
 * TieredDataPath path = TieredDataPath.builder()
 *     .cache(l1).store(l2).source(akshare).rateLimiters(limits).onChange(changes).build();
 * WarmJobs jobs = WarmJobs.builder()
 *     .dataPath(path).cache(l1).store(l2)
 *     .watchlists(watchlistStore).jobs(jobStore)
 *     .parallelism(2)
 *     .journal(Path.of("state/journal"))
 *     .rateLimiters(limits, "akshare")
 *     .listener(event -> log(event))
 *     .build();
 * JobResult nightly = jobs.watchlistWarm();
 * JobResult clean = jobs.cacheClean();
 * }</pre>
 *
 * <p>Jobs may run at the same time from several threads; each has its own engine. A job run
 * inside a {@link JobControl} ({@link JobControl#trigger} or {@link JobControl#runHere}) is also
 * known to that control, which can cancel it alone, by id, and on request from another JVM.
 * Thread-safe.
 */
public final class WarmJobs {

  /** The job type of the watchlist warm, {@value}. */
  public static final String WATCHLIST_WARM = "watchlist_warm";
  /** The job type of the market scan, {@value}. */
  public static final String MARKET_SCAN = "market_scan";
  /** The job type of the cache clean, {@value}. */
  public static final String CACHE_CLEAN = "cache_clean";
  /** The job category of a run started by a schedule, {@value}. */
  public static final String SCHEDULED = "scheduled";
  /** The job category of a run started by a person, {@value}. */
  public static final String MANUAL = "manual";
  /** The job category of an urgent run, {@value}. */
  public static final String PRIORITY = "priority";
  /** The priority of market-scan tasks and job records, {@value}. */
  public static final int MARKET_SCAN_PRIORITY = 1;
  /** The priority of cache-clean job records, {@value}. */
  public static final int CACHE_CLEAN_PRIORITY = 3;
  /** The most codes × types one market scan takes, {@value}. */
  public static final int MAX_SCAN_KEYS = 1_000_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CLEAN_CHUNK = 500;
  private static final int READ_CHUNK = 1_000;
  private static final int SUMMARY_KEYS = 100;
  private static final int SUMMARY_FAILURES = 20;
  private static final int MAX_ERROR_LENGTH = 2_000;

  private final DataPath path;
  private final CacheTier cache;
  private final RecordStore store;
  private final WatchlistStore watchlists;
  private final JobStore jobs;
  private final DataTypes types;
  private final int parallelism;
  private final int batchSize;
  private final Optional<Path> journal;
  private final RetryRules retryRules;
  private final List<BatchListener> listeners;
  private final Duration progressInterval;
  private final boolean perTaskEvents;
  private final Optional<Duration> batchTimeout;
  private final double maxFailureRate;
  private final Duration retention;
  private final Optional<RateLimiters> limiters;
  private final String resource;
  private final Clock clock;
  private final Set<Running> running = ConcurrentHashMap.newKeySet();

  private WarmJobs(Builder b) {
    this.path = b.path;
    this.cache = b.cache;
    this.store = b.store;
    this.watchlists = b.watchlists;
    this.jobs = b.jobs;
    this.types = b.types;
    this.parallelism = b.parallelism;
    this.batchSize = b.batchSize;
    this.journal = Optional.ofNullable(b.journal);
    this.retryRules = b.retryRules;
    this.listeners = List.copyOf(b.listeners);
    this.progressInterval = b.progressInterval;
    this.perTaskEvents = b.perTaskEvents;
    this.batchTimeout = Optional.ofNullable(b.batchTimeout);
    this.maxFailureRate = b.maxFailureRate;
    this.retention = b.retention;
    this.limiters = Optional.ofNullable(b.limiters);
    this.resource = b.resource;
    this.clock = b.clock;
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---- watchlist_warm ----

  /**
   * Plans a watchlist warm without running it: one {@value WarmProcessor#TASK_TYPE} task per
   * (stock, data type) of the active auto-batch watchlists, each at the highest priority among
   * the lists holding it, highest priority first, then in list, stock and type order.
   *
   * @return the tasks
   */
  public List<Task> planWatchlistWarm() {
    return planWarm(watchlists.activeAutoBatch()).tasks();
  }

  /**
   * Runs a scheduled watchlist warm of every active auto-batch watchlist.
   *
   * @return the job's outcome
   * @throws BatchException if the watchlists cannot be read; the job record then says failed
   */
  public JobResult watchlistWarm() {
    return watchlistWarm(SCHEDULED);
  }

  /**
   * Runs a watchlist warm of every active auto-batch watchlist (see {@link #planWatchlistWarm()}
   * for its tasks); the job record's priority is the highest of the lists'.
   *
   * @param category {@value #SCHEDULED}, {@value #MANUAL} or {@value #PRIORITY}
   * @return the job's outcome
   */
  public JobResult watchlistWarm(String category) {
    requireCategory(category);
    JobRecord rec = createJob(WATCHLIST_WARM, category, Task.MAX_PRIORITY, Optional.empty());
    return runWarm(rec, () -> planWarm(watchlists.activeAutoBatch()));
  }

  /**
   * Warms one watchlist now, whether or not it takes part in automatic batches (the seed's
   * manual trigger of a list); its job record names the list.
   *
   * @param watchlistId the list
   * @return the job's outcome
   * @throws InvalidInputException naming {@code watchlistId} if there is no such list
   */
  public JobResult warmWatchlist(long watchlistId) {
    Watchlist w = watchlists.get(watchlistId).orElseThrow(() ->
        new InvalidInputException("watchlistId", watchlistId, "no watchlist has this id"));
    JobRecord rec = createJob(WATCHLIST_WARM, MANUAL, w.priority(), Optional.of(watchlistId));
    return runWarm(rec, () -> planWarm(List.of(w)));
  }

  // ---- market_scan ----

  /**
   * Runs a scheduled market scan of codes × data types at priority {@value
   * #MARKET_SCAN_PRIORITY}.
   *
   * @param codes stock codes ({@code 600519}, {@code 600519.SH}, …)
   * @param dataTypes data type names of the registry
   * @return the job's outcome
   * @throws InvalidInputException naming the bad code or type; no job is recorded then
   */
  public JobResult marketScan(Collection<String> codes, Collection<String> dataTypes) {
    return marketScan(codes, dataTypes, SCHEDULED);
  }

  /**
   * Runs a market scan of codes × data types at priority {@value #MARKET_SCAN_PRIORITY}.
   *
   * @param codes stock codes ({@code 600519}, {@code 600519.SH}, …)
   * @param dataTypes data type names of the registry
   * @param category {@value #SCHEDULED}, {@value #MANUAL} or {@value #PRIORITY}
   * @return the job's outcome
   * @throws InvalidInputException naming the bad code or type; no job is recorded then
   */
  public JobResult marketScan(
      Collection<String> codes, Collection<String> dataTypes, String category) {
    requireCategory(category);
    if (codes == null || codes.isEmpty()) {
      throw new InvalidInputException("codes", codes, "must name at least one stock");
    }
    if (dataTypes == null || dataTypes.isEmpty()) {
      throw new InvalidInputException("dataTypes", dataTypes, "must name at least one data type");
    }
    Set<String> stocks = new LinkedHashSet<>();
    for (String c : codes) {
      stocks.add(StockCode.parse(c).code());
    }
    Set<String> typeSet = new LinkedHashSet<>(dataTypes);
    types.requireAll("dataTypes", typeSet);
    if ((long) stocks.size() * typeSet.size() > MAX_SCAN_KEYS) {
      throw new InvalidInputException("codes", stocks.size() + " codes x " + typeSet.size()
          + " types", "a scan takes at most " + MAX_SCAN_KEYS + " keys");
    }
    JobRecord rec = createJob(MARKET_SCAN, category, MARKET_SCAN_PRIORITY, Optional.empty());
    return runWarm(rec, () -> {
      List<Task> tasks = new ArrayList<>(stocks.size() * typeSet.size());
      for (String s : stocks) {
        for (String t : typeSet) {
          tasks.add(WarmProcessor.task(new DataKey(s, t), MARKET_SCAN_PRIORITY));
        }
      }
      ObjectNode plan = JSON.createObjectNode();
      plan.put("stocks", stocks.size());
      plan.put("dataTypes", typeSet.size());
      plan.put("keys", tasks.size());
      return new Plan(tasks, plan, OptionalInt.empty());
    });
  }

  // ---- cache_clean ----

  /**
   * Runs a scheduled cache clean with the builder's retention age.
   *
   * @return the job's outcome
   */
  public JobResult cacheClean() {
    return cacheClean(retention, SCHEDULED);
  }

  /**
   * Runs a cache clean: deletes from L2, and invalidates in L1, every record fetched longer ago
   * than {@code retention} (expired) and every stale record (by its type's freshness) whose
   * (stock, type) no active auto-batch watchlist holds (orphaned). Each chunk is read again
   * right before it is deleted, so a record fetched again meanwhile is kept.
   *
   * @param retention the retention age, positive
   * @param category {@value #SCHEDULED}, {@value #MANUAL} or {@value #PRIORITY}
   * @return the job's outcome; counts {@value JobResult#EXPIRED}, {@value JobResult#ORPHANED},
   *     {@value JobResult#DELETED} and {@value JobResult#KEPT}
   */
  public JobResult cacheClean(Duration retention, String category) {
    requirePositive("retention", retention);
    requireCategory(category);
    JobRecord rec = createJob(CACHE_CLEAN, category, CACHE_CLEAN_PRIORITY, Optional.empty());
    CleanProcessor processor = new CleanProcessor(store, cache, types);
    Map<String, Long> planned = new LinkedHashMap<>();
    return run(rec, () -> planClean(retention, planned), processor, () -> {
      Map<String, Long> counts = new LinkedHashMap<>(planned);
      counts.put(JobResult.DELETED, processor.deleted());
      counts.put(JobResult.KEPT, processor.kept());
      return new Outcome(counts, List.of());
    });
  }

  // ---- control ----

  /**
   * Cancels every job running now, and any job being planned; their records end cancelled.
   * Returns once their tasks stopped.
   */
  public void cancel() {
    for (Running r : running) {
      r.cancel();
    }
  }

  // ---- planning ----

  private Plan planWarm(List<Watchlist> lists) {
    List<Watchlist> ordered = new ArrayList<>(lists);
    ordered.sort(Comparator.comparingInt(Watchlist::priority).reversed()); // stable
    Map<DataKey, Integer> best = new LinkedHashMap<>();
    long entries = 0;
    for (Watchlist w : ordered) {
      for (StockCode s : w.stocks()) {
        for (String t : w.dataTypes()) {
          entries++;
          best.merge(new DataKey(s.code(), t), w.priority(), Math::max);
        }
      }
    }
    List<Task> tasks = new ArrayList<>(best.size());
    Map<Integer, Long> byPriority = new TreeMap<>(Comparator.reverseOrder());
    for (int p = 5; p >= 1; p--) {
      for (Map.Entry<DataKey, Integer> e : best.entrySet()) {
        if (e.getValue() == p) {
          tasks.add(WarmProcessor.task(e.getKey(), p));
          byPriority.merge(p, 1L, Long::sum);
        }
      }
    }
    ObjectNode plan = JSON.createObjectNode();
    ArrayNode ids = plan.putArray("watchlists");
    ordered.forEach(w -> ids.add(w.id()));
    plan.put("listEntries", entries);
    plan.put("keys", tasks.size());
    plan.put("duplicates", entries - tasks.size());
    ObjectNode bp = plan.putObject("byPriority");
    byPriority.forEach((p, n) -> bp.put(String.valueOf(p), n));
    OptionalInt top = tasks.isEmpty() ? OptionalInt.empty() : OptionalInt.of(tasks.get(0).priority());
    return new Plan(tasks, plan, top);
  }

  private Plan planClean(Duration retentionAge, Map<String, Long> planned) {
    Instant now = clock.instant();
    Instant cutoff = now.minus(retentionAge);
    List<DataKey> expired = store.keysFetchedBefore(cutoff, Integer.MAX_VALUE);
    Set<DataKey> expiredSet = new HashSet<>(expired);
    Set<DataKey> watched = new HashSet<>();
    for (Watchlist w : watchlists.activeAutoBatch()) {
      for (StockCode s : w.stocks()) {
        for (String t : w.dataTypes()) {
          watched.add(new DataKey(s.code(), t));
        }
      }
    }
    List<DataKey> stored = store.keys();
    List<DataKey> candidates = new ArrayList<>();
    for (DataKey k : stored) {
      if (!watched.contains(k) && !expiredSet.contains(k)) {
        candidates.add(k);
      }
    }
    CleanProcessor check = new CleanProcessor(store, cache, types);
    List<DataKey> orphaned = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i += READ_CHUNK) {
      List<DataKey> chunk = candidates.subList(i, Math.min(candidates.size(), i + READ_CHUNK));
      Map<DataKey, DataRecord> recs = store.getAll(chunk);
      for (DataKey k : chunk) {
        DataRecord r = recs.get(k);
        if (r != null && check.qualifies(CleanProcessor.ORPHANED, r, now)) {
          orphaned.add(k);
        }
      }
    }
    List<Task> tasks = new ArrayList<>();
    chunk(expired, CleanProcessor.EXPIRED, cutoff, tasks);
    chunk(orphaned, CleanProcessor.ORPHANED, now, tasks);
    planned.put(JobResult.EXPIRED, (long) expired.size());
    planned.put(JobResult.ORPHANED, (long) orphaned.size());
    ObjectNode plan = JSON.createObjectNode();
    plan.put("retentionSeconds", retentionAge.toSeconds());
    plan.put("cutoff", cutoff.toString());
    plan.put("storedKeys", stored.size());
    plan.put("watchedKeys", watched.size());
    plan.put("expired", expired.size());
    plan.put("orphaned", orphaned.size());
    ArrayNode sample = plan.putArray("orphanedSample");
    orphaned.stream().limit(SUMMARY_KEYS).forEach(k -> sample.add(k.toString()));
    return new Plan(tasks, plan, OptionalInt.empty());
  }

  private static void chunk(List<DataKey> keys, String reason, Instant ref, List<Task> out) {
    for (int i = 0, n = 0; i < keys.size(); i += CLEAN_CHUNK, n++) {
      out.add(CleanProcessor.task(reason, n, ref, keys.subList(i, Math.min(keys.size(), i + CLEAN_CHUNK))));
    }
  }

  // ---- running ----

  private JobResult runWarm(JobRecord rec, Supplier<Plan> planner) {
    WarmProcessor processor = WarmProcessor.builder(path).batchSize(batchSize).build();
    return run(rec, planner, processor, () -> {
      WarmProcessor.Tally t = processor.tally();
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put(JobResult.FETCHED, t.fetched());
      counts.put(JobResult.FRESH_IN_L2, t.freshInL2());
      counts.put(JobResult.NOT_FOUND, t.notFound());
      counts.put(JobResult.CHANGED, (long) t.changed().size());
      counts.put(JobResult.FAILED_FETCHES, t.failedFetches());
      List<DataKey> changed = new ArrayList<>(t.changed());
      changed.sort(Comparator.comparing(DataKey::toString));
      return new Outcome(counts, changed);
    });
  }

  private JobResult run(JobRecord pending, Supplier<Plan> planner, Processor processor,
      Supplier<Outcome> outcome) {
    Running handle = new Running();
    running.add(handle);
    Runnable ended = () -> { };
    try {
      ended = JobScope.started(pending, handle);
      JobRecord rec = pending.started(clock.instant());
      jobs.update(rec);
      Plan plan;
      try {
        plan = planner.get();
      } catch (RuntimeException e) {
        throw failBeforeRun(rec, "planning failed", e);
      }
      if (plan.priority().isPresent() && plan.priority().getAsInt() != rec.priority()) {
        rec = withPriority(rec, plan.priority().getAsInt());
        jobs.update(rec);
      }
      String batchId = rec.jobType() + "-" + rec.id() + "-"
          + UUID.randomUUID().toString().substring(0, 8);
      BatchResult result;
      Map<String, TypeSnapshot> metrics;
      try (BatchEngine engine = engine(batchId, processor)) {
        try {
          result = handle.start(engine, plan.tasks()).await();
          metrics = engine.metrics().snapshot();
        } finally {
          handle.detach(); // before the engine closes its queue
        }
      } catch (RuntimeException e) {
        throw failBeforeRun(rec, "the engine failed", e);
      }
      Outcome o = outcome.get();
      JobRecord done = finish(rec, result, plan, o);
      jobs.update(done);
      return new JobResult(done, result, metrics, o.counts(), o.changed());
    } finally {
      running.remove(handle);
      ended.run();
    }
  }

  private BatchEngine engine(String batchId, Processor processor) {
    BatchEngineBuilder b = BatchEngine.builder()
        .batchId(batchId)
        .processor(processor)
        .parallelism(parallelism)
        .retryRules(retryRules)
        .progressInterval(progressInterval)
        .perTaskEvents(perTaskEvents);
    journal.ifPresent(b::journal);
    batchTimeout.ifPresent(b::batchTimeout);
    listeners.forEach(b::listener);
    return b.build();
  }

  private JobRecord createJob(String type, String category, int priority, Optional<Long> list) {
    Instant now = clock.instant();
    String name = type + " " + LocalDate.ofInstant(now, FreshnessPolicy.SHANGHAI)
        + list.map(id -> " list " + id).orElse("");
    JobRecord r = new JobRecord(0, name, type, category, Optional.empty(), Optional.empty(), list,
        JobStatus.PENDING, priority, Optional.empty(), Optional.empty(), Optional.empty(), 0, 0,
        0, Optional.empty(), "{}", 0, maxRetries(), now);
    return jobs.create(r);
  }

  private static JobRecord withPriority(JobRecord r, int priority) {
    return new JobRecord(r.id(), r.jobName(), r.jobType(), r.jobCategory(), r.stockCode(),
        r.dataType(), r.watchlistId(), r.status(), priority, r.scheduledTime(), r.startTime(),
        r.endTime(), r.processedCount(), r.successCount(), r.failedCount(), r.errorMessage(),
        r.resultSummary(), r.retryCount(), r.maxRetries(), r.createdAt());
  }

  private int maxRetries() {
    int max = retryRules.maxAttempts(ErrorClass.TRANSIENT);
    return max == Integer.MAX_VALUE ? Integer.MAX_VALUE : max - 1;
  }

  private BatchException failBeforeRun(JobRecord rec, String what, RuntimeException e) {
    String msg = what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
    try {
      jobs.update(rec.finished(JobStatus.FAILED, clock.instant(), 0, 0, 0,
          Optional.of(truncate(msg)), "{}"));
    } catch (RuntimeException second) {
      e.addSuppressed(second);
    }
    return new BatchException("job " + rec.id() + " (" + rec.jobType() + ") " + msg, e);
  }

  private JobRecord finish(JobRecord rec, BatchResult r, Plan plan, Outcome o) {
    long ok = r.count(TaskState.SUCCEEDED);
    long failed = r.count(TaskState.FAILED);
    long cancelled = r.count(TaskState.CANCELLED);
    JobStatus status;
    Optional<String> error = Optional.empty();
    if (r.status() == BatchStatus.CANCELLED) {
      status = JobStatus.CANCELLED;
      error = Optional.of("cancelled after " + (ok + failed) + " of " + r.total() + " tasks");
    } else if (r.status() == BatchStatus.TIMED_OUT) {
      status = JobStatus.FAILED;
      error = Optional.of("timed out after " + r.duration().toMillis() + " ms with "
          + (ok + failed) + " of " + r.total() + " tasks done");
    } else {
      boolean tooMany = failed > 0
          && (failed == r.total() || (double) failed / r.total() > maxFailureRate);
      status = tooMany ? JobStatus.FAILED : JobStatus.SUCCESS;
    }
    if (failed > 0) {
      TaskFailure f = r.failures().get(0);
      String first = failed + " of " + r.total() + " tasks failed; first " + f.taskId() + " ("
          + f.errorClass() + ", " + f.attempts() + " attempts): " + f.message();
      error = Optional.of(error.map(e -> e + "; ").orElse("") + first);
    }
    ObjectNode s = JSON.createObjectNode();
    s.put("batchId", r.batchId());
    s.put("batchStatus", r.status().name());
    s.put("durationMillis", r.duration().toMillis());
    s.put("tasks", r.total());
    s.put("succeeded", ok);
    s.put("failed", failed);
    s.put("cancelled", cancelled);
    s.put("skipped", r.skipped());
    s.put("retries", r.retries());
    double hours = Math.max(1e-9, r.duration().toNanos() / 3.6e12);
    s.put("tasksPerHour", Math.round((ok + failed) / hours));
    s.set("plan", plan.summary());
    ObjectNode counts = s.putObject("counts");
    o.counts().forEach(counts::put);
    if (!o.changed().isEmpty()) {
      ArrayNode ch = s.putArray("changedKeys");
      o.changed().stream().limit(SUMMARY_KEYS).forEach(k -> ch.add(k.toString()));
    }
    if (!r.failures().isEmpty()) {
      ArrayNode fs = s.putArray("failures");
      r.failures().stream().limit(SUMMARY_FAILURES).forEach(f -> fs.addObject()
          .put("task", f.taskId()).put("class", f.errorClass().name())
          .put("attempts", f.attempts()).put("message", truncate(f.message())));
    }
    limiters.ifPresent(l -> {
      ObjectNode src = s.putObject("source");
      src.put("resource", resource);
      l.rateFactor(resource).ifPresent(f -> src.put("rateFactor", f));
      src.put("quotaUsedToday", l.quotaUsedToday(resource));
    });
    int retries = (int) Math.min(Integer.MAX_VALUE, r.retries());
    return new JobRecord(rec.id(), rec.jobName(), rec.jobType(), rec.jobCategory(),
        rec.stockCode(), rec.dataType(), rec.watchlistId(), status, rec.priority(),
        rec.scheduledTime(), rec.startTime(), Optional.of(clock.instant()), ok + failed, ok,
        failed, error.map(WarmJobs::truncate), s.toString(), retries, rec.maxRetries(),
        rec.createdAt());
  }

  private static String truncate(String s) {
    return s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH - 1) + "…";
  }

  private static void requireCategory(String category) {
    if (!SCHEDULED.equals(category) && !MANUAL.equals(category) && !PRIORITY.equals(category)) {
      throw new InvalidInputException(
          "category", category, "must be " + SCHEDULED + ", " + MANUAL + " or " + PRIORITY);
    }
  }

  private static void requirePositive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidInputException(field, d, "must be a positive duration");
    }
  }

  /** The tasks of a job, what the plan found (for the summary) and the job's priority. */
  private record Plan(List<Task> tasks, ObjectNode summary, OptionalInt priority) {}

  /** A job's engine run as job control sees it: cancellable, with task types held back. */
  private static final class Running implements JobScope.JobHandle {
    private BatchRun run;
    private TaskQueue queue;
    private boolean cancelled;
    private Set<String> paused = Set.of();

    BatchRun start(BatchEngine engine, List<Task> tasks) {
      synchronized (this) {
        queue = engine.queue();
        applyPauses();
      }
      BatchRun r = engine.start(tasks);
      boolean cancelNow;
      synchronized (this) {
        run = r;
        cancelNow = cancelled;
      }
      if (cancelNow) {
        r.cancel();
      }
      return r;
    }

    @Override
    public void cancel() {
      BatchRun r;
      synchronized (this) {
        cancelled = true;
        r = run;
      }
      if (r != null) {
        r.cancel();
      }
    }

    @Override
    public synchronized void holdBack(Set<String> pausedTypes) {
      paused = Set.copyOf(pausedTypes);
      if (queue != null) {
        applyPauses();
      }
    }

    synchronized void detach() {
      queue = null;
    }

    private void applyPauses() {
      PausedTypes.apply(queue, paused);
    }
  }

  /** A processor's counts after the run. */
  private record Outcome(Map<String, Long> counts, List<DataKey> changed) {}

  /** Builds {@link WarmJobs}. Each setter checks its value; not thread-safe. */
  public static final class Builder {
    /** Default workers per job, {@value}. */
    public static final int DEFAULT_PARALLELISM = 2;
    /** Default share of failed tasks a successful job may have, {@value}. */
    public static final double DEFAULT_MAX_FAILURE_RATE = 0.05;
    /** Default retention age of {@code cache_clean}: 30 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    private DataPath path;
    private CacheTier cache;
    private RecordStore store;
    private WatchlistStore watchlists;
    private JobStore jobs;
    private DataTypes types = DataTypes.defaults();
    private int parallelism = DEFAULT_PARALLELISM;
    private int batchSize = WarmProcessor.DEFAULT_BATCH_SIZE;
    private Path journal;
    private RetryRules retryRules = RetryRules.defaults();
    private final List<BatchListener> listeners = new ArrayList<>();
    private Duration progressInterval = BatchEngineBuilder.DEFAULT_PROGRESS_INTERVAL;
    private boolean perTaskEvents;
    private Duration batchTimeout;
    private double maxFailureRate = DEFAULT_MAX_FAILURE_RATE;
    private Duration retention = DEFAULT_RETENTION;
    private RateLimiters limiters;
    private String resource;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the read path the warm jobs fill (required).
     *
     * @param path the read path, built over the same cache and store as given here
     * @return this builder
     */
    public Builder dataPath(DataPath path) {
      this.path = requireGiven("dataPath", path);
      return this;
    }

    /**
     * Sets the L1 tier that {@code cache_clean} invalidates (required).
     *
     * @param cache the read path's cache tier
     * @return this builder
     */
    public Builder cache(CacheTier cache) {
      this.cache = requireGiven("cache", cache);
      return this;
    }

    /**
     * Sets the L2 store that {@code cache_clean} cleans (required).
     *
     * @param store the read path's record store
     * @return this builder
     */
    public Builder store(RecordStore store) {
      this.store = requireGiven("store", store);
      return this;
    }

    /**
     * Sets the watchlists to warm (required).
     *
     * @param watchlists the store
     * @return this builder
     */
    public Builder watchlists(WatchlistStore watchlists) {
      this.watchlists = requireGiven("watchlists", watchlists);
      return this;
    }

    /**
     * Sets where job records go (required).
     *
     * @param jobs the store
     * @return this builder
     */
    public Builder jobs(JobStore jobs) {
      this.jobs = requireGiven("jobs", jobs);
      return this;
    }

    /**
     * Sets the data-type registry: the types a scan may name and their freshness, for {@code
     * cache_clean}; use the read path's.
     *
     * @param types the registry
     * @return this builder
     */
    public Builder dataTypes(DataTypes types) {
      this.types = requireGiven("dataTypes", types);
      return this;
    }

    /**
     * Sets the workers of each job's engine.
     *
     * @param workers 1 to 1024
     * @return this builder
     */
    public Builder parallelism(int workers) {
      if (workers < 1 || workers > 1024) {
        throw new InvalidInputException("parallelism", workers, "must be between 1 and 1024");
      }
      this.parallelism = workers;
      return this;
    }

    /**
     * Sets how many keys one {@code warm(keys)} call takes.
     *
     * @param size 1 to {@value WarmProcessor#MAX_BATCH_SIZE}
     * @return this builder
     */
    public Builder batchSize(int size) {
      if (size < 1 || size > WarmProcessor.MAX_BATCH_SIZE) {
        throw new InvalidInputException(
            "batchSize", size, "must be between 1 and " + WarmProcessor.MAX_BATCH_SIZE);
      }
      this.batchSize = size;
      return this;
    }

    /**
     * Makes each job's batch durable in a journal under this directory (one sub-directory per
     * batch id, which the job's result summary names); in memory otherwise.
     *
     * @param dir the journal root
     * @return this builder
     */
    public Builder journal(Path dir) {
      this.journal = requireGiven("journal", dir);
      return this;
    }

    /**
     * Sets the retry rules of the jobs' tasks.
     *
     * @param rules the rules
     * @return this builder
     */
    public Builder retryRules(RetryRules rules) {
      this.retryRules = requireGiven("retryRules", rules);
      return this;
    }

    /**
     * Adds a listener of every job's batch events (progress, errors, results, completion).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(BatchListener listener) {
      listeners.add(requireGiven("listener", listener));
      return this;
    }

    /**
     * Sets how often progress events are sent.
     *
     * @param interval at least 10 ms
     * @return this builder
     */
    public Builder progressInterval(Duration interval) {
      if (interval == null || interval.compareTo(Duration.ofMillis(10)) < 0) {
        throw new InvalidInputException("progressInterval", interval, "must be at least 10 ms");
      }
      this.progressInterval = interval;
      return this;
    }

    /**
     * Sets whether listeners get a result or error event per task (default false: progress,
     * status and completion only).
     *
     * @param enabled the flag
     * @return this builder
     */
    public Builder perTaskEvents(boolean enabled) {
      this.perTaskEvents = enabled;
      return this;
    }

    /**
     * Sets a time limit per job; a job past it ends failed.
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder batchTimeout(Duration timeout) {
      requirePositive("batchTimeout", timeout);
      this.batchTimeout = timeout;
      return this;
    }

    /**
     * Sets the share of failed tasks a job may have and still end {@code success}; a job whose
     * every task failed always ends {@code failed}.
     *
     * @param rate 0 (any failure fails the job) to 1; default {@value #DEFAULT_MAX_FAILURE_RATE}
     * @return this builder
     */
    public Builder maxFailureRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new InvalidInputException("maxFailureRate", rate, "must be between 0 and 1");
      }
      this.maxFailureRate = rate;
      return this;
    }

    /**
     * Sets the retention age of {@link #cacheClean()}: older records are deleted.
     *
     * @param age a positive duration; default 30 days
     * @return this builder
     */
    public Builder retention(Duration age) {
      requirePositive("retention", age);
      this.retention = age;
      return this;
    }

    /**
     * Names the rate-limit registry the read path takes the source's permits from, and the
     * source's resource in it, so job summaries report the source's rate factor and the calls
     * used today against its quota. The jobs take no permits themselves (see {@link
     * WarmProcessor}).
     *
     * @param limiters the registry the read path was built with
     * @param resourceName the source's resource, e.g. {@code akshare}
     * @return this builder
     */
    public Builder rateLimiters(RateLimiters limiters, String resourceName) {
      if (resourceName == null || resourceName.isBlank()) {
        throw new InvalidInputException("resource", resourceName, "must not be empty");
      }
      this.limiters = requireGiven("rateLimiters", limiters);
      this.resource = resourceName;
      return this;
    }

    /**
     * Sets the clock of job-record times and of the clean's cut-offs; use the read path's.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = requireGiven("clock", clock);
      return this;
    }

    /**
     * Builds the jobs.
     *
     * @return the jobs
     * @throws InvalidInputException naming the first required part that is missing
     */
    public WarmJobs build() {
      requireGiven("dataPath", path);
      requireGiven("cache", cache);
      requireGiven("store", store);
      requireGiven("watchlists", watchlists);
      requireGiven("jobs", jobs);
      return new WarmJobs(this);
    }

    private static <T> T requireGiven(String field, T value) {
      if (value == null) {
        throw new InvalidInputException(field, null, "is required");
      }
      return value;
    }
  }
}
