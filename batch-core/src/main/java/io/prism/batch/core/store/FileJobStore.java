package io.prism.batch.core.store;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.Task;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.core.store.internal.Docs.DailyMetricsDoc;
import io.prism.batch.core.store.internal.Docs.JobDoc;
import io.prism.batch.core.store.internal.Docs.MetricEntry;
import io.prism.batch.core.store.internal.Docs.PausedTypesDoc;
import io.prism.batch.core.store.internal.StoreDirectory;
import io.prism.batch.core.store.internal.StoreJson;
import io.prism.batch.core.store.internal.Values;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The embedded {@link JobStore}: job records in memory, optionally persisted to a directory as
 * JSON, one file per record ({@code DIR/jobs/job-42.json}), each replaced atomically
 * (temporary file, fsync, rename). Ids are never reused.
 *
 * <p>Like PostgreSQL, the store keeps times to the microsecond and refuses a result summary
 * that is not JSON. {@link #recent} orders by creation time, newest first, then by id. A job's
 * cancel flag ({@link #requestCancel}) is kept in its file; a store directory belongs to one
 * process, so here the flag serves the JVM that holds the store. Paused task types ({@link
 * #pauseTaskType}) are kept in {@code DIR/jobs/paused-task-types.json}, and the daily metrics
 * ({@link #putDailyMetrics}) in {@code DIR/jobs/daily-metrics.json}, rewritten whole, atomically,
 * by each put.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * JobStore jobs = FileJobStore.builder().directory(Path.of("data")).build();
 * JobRecord job = jobs.create(JobRecord.pending("nightly", "watchlist_warm", "scheduled", 5, now));
 * jobs.update(job.started(Instant.now()));
 * }</pre>
 */
public final class FileJobStore implements JobStore {

  /** The sub-directory of the store's directory that holds its files, {@value}. */
  public static final String SUBDIRECTORY = "jobs";

  private static final String PREFIX = "job-";
  private static final String SUFFIX = ".json";
  private static final String PAUSED_TYPES = "paused-task-types.json";
  private static final String DAILY_METRICS = "daily-metrics.json";
  private static final Comparator<JobRecord> NEWEST_FIRST =
      Comparator.comparing(JobRecord::createdAt).thenComparingLong(JobRecord::id).reversed();

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<Long, JobRecord> jobs = new HashMap<>();
  private final Set<Long> cancelRequested = new HashSet<>();
  private final TreeSet<String> pausedTypes = new TreeSet<>();
  private final TreeMap<MetricKey, DailyMetric> metrics = new TreeMap<>();
  private final StoreDirectory dir;
  private long nextId = 1;
  private boolean closed;

  private FileJobStore(StoreDirectory dir) {
    this.dir = dir;
    if (dir != null) {
      load();
    }
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns an empty store that keeps records in memory only.
   *
   * @return the store
   */
  public static FileJobStore inMemory() {
    return new FileJobStore(null);
  }

  @Override
  public JobRecord create(JobRecord job) {
    JobRecord checked = Values.storable(Objects.requireNonNull(job, "job"));
    lock.writeLock().lock();
    try {
      ensureOpen();
      JobRecord stored = checked.withId(nextId);
      write(stored);
      jobs.put(stored.id(), stored);
      nextId++;
      return stored;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void update(JobRecord job) {
    JobRecord checked = Values.storable(Objects.requireNonNull(job, "job"));
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (!jobs.containsKey(checked.id())) {
        throw new InvalidInputException("id", checked.id(), "no job record has this id");
      }
      write(checked);
      jobs.put(checked.id(), checked);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<JobRecord> get(long id) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return Optional.ofNullable(jobs.get(id));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<JobRecord> recent(Optional<String> jobType, int limit) {
    Objects.requireNonNull(jobType, "jobType");
    Values.requireLimit(limit);
    lock.readLock().lock();
    try {
      ensureOpen();
      return jobs.values().stream()
          .filter(j -> jobType.isEmpty() || j.jobType().equals(jobType.get()))
          .sorted(NEWEST_FIRST)
          .limit(limit)
          .toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean delete(long jobId) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      JobRecord job = jobs.get(jobId);
      if (job == null) {
        return false;
      }
      if (!job.status().isFinished()) {
        throw new InvalidInputException("jobId", jobId, "job " + jobId + " is "
            + job.status().name().toLowerCase(Locale.ROOT)
            + ": only a finished job can be deleted; cancel it first");
      }
      if (dir != null) {
        dir.delete(PREFIX + jobId + SUFFIX);
      }
      jobs.remove(jobId);
      cancelRequested.remove(jobId);
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean requestCancel(long jobId) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      JobRecord job = jobs.get(jobId);
      if (job == null || job.status().isFinished()) {
        return false;
      }
      if (!cancelRequested.contains(jobId)) {
        writeFile(job, true);
        cancelRequested.add(jobId);
      }
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean cancelRequested(long jobId) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return cancelRequested.contains(jobId);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean pauseTaskType(String taskType) {
    return changePausedTypes(taskType, true);
  }

  @Override
  public boolean resumeTaskType(String taskType) {
    return changePausedTypes(taskType, false);
  }

  @Override
  public Set<String> pausedTaskTypes() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return Collections.unmodifiableSortedSet(new TreeSet<>(pausedTypes));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<JobRecord> finishedBetween(Instant from, Instant to) {
    JobStore.requireRange(from, to);
    lock.readLock().lock();
    try {
      ensureOpen();
      return jobs.values().stream()
          .filter(j -> j.endTime().filter(t -> !t.isBefore(from) && t.isBefore(to)).isPresent())
          .sorted(Comparator.comparing((JobRecord j) -> j.endTime().orElseThrow())
              .thenComparingLong(JobRecord::id))
          .toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Checks every metric and writes the new set first, so a failure changes nothing. */
  @Override
  public void putDailyMetrics(Collection<DailyMetric> put) {
    Objects.requireNonNull(put, "metrics");
    List<DailyMetric> checked = put.stream().map(Values::storable).toList();
    if (checked.isEmpty()) {
      return;
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      TreeMap<MetricKey, DailyMetric> next = new TreeMap<>(metrics);
      checked.forEach(m -> next.put(MetricKey.of(m), m));
      if (dir != null) {
        dir.write(DAILY_METRICS, StoreJson.write(new DailyMetricsDoc(StoreJson.FORMAT,
            next.values().stream().map(MetricEntry::of).toList())));
      }
      metrics.clear();
      metrics.putAll(next);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<DailyMetric> dailyMetrics(
      LocalDate from, LocalDate to, Optional<String> metricType) {
    JobStore.requireRange(from, to);
    Objects.requireNonNull(metricType, "metricType");
    lock.readLock().lock();
    try {
      ensureOpen();
      return metrics.tailMap(MetricKey.first(from), true).values().stream()
          .takeWhile(m -> !m.date().isAfter(to))
          .filter(m -> metricType.isEmpty() || m.metricType().equals(metricType.get()))
          .toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Writes the new set first, so a failed write changes nothing. */
  private boolean changePausedTypes(String taskType, boolean pause) {
    Task.requireType("taskType", taskType);
    lock.writeLock().lock();
    try {
      ensureOpen();
      TreeSet<String> next = new TreeSet<>(pausedTypes);
      if (!(pause ? next.add(taskType) : next.remove(taskType))) {
        return false;
      }
      if (dir != null) {
        dir.write(PAUSED_TYPES,
            StoreJson.write(new PausedTypesDoc(StoreJson.FORMAT, List.copyOf(next))));
      }
      pausedTypes.clear();
      pausedTypes.addAll(next);
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Releases the directory. Idempotent; the store refuses every call afterwards. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        if (dir != null) {
          dir.close();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "FileJobStore[" + (dir == null ? "memory" : dir.path().toString()) + "]";
  }

  private void write(JobRecord job) {
    writeFile(job, cancelRequested.contains(job.id()));
  }

  private void writeFile(JobRecord job, boolean cancelFlag) {
    if (dir != null) {
      dir.write(PREFIX + job.id() + SUFFIX, StoreJson.write(JobDoc.of(job, cancelFlag)));
    }
  }

  private void load() {
    byte[] daily = dir.readIfExists(DAILY_METRICS);
    if (daily != null) {
      Path file = dir.path().resolve(DAILY_METRICS);
      List<MetricEntry> entries = StoreJson.read(daily, DailyMetricsDoc.class, file).metrics();
      for (MetricEntry e : entries == null ? List.<MetricEntry>of() : entries) {
        DailyMetric m = valid(file, "daily metric", e::toMetric);
        metrics.put(MetricKey.of(m), m);
      }
    }
    byte[] paused = dir.readIfExists(PAUSED_TYPES);
    if (paused != null) {
      Path file = dir.path().resolve(PAUSED_TYPES);
      for (String type : StoreJson.read(paused, PausedTypesDoc.class, file).pausedTaskTypes()) {
        if (!Task.isValidType(type)) {
          throw new JournalCorruptedException("store file " + file + " holds '" + type
              + "', which is not a task type (" + Task.TYPE_RULE + ")");
        }
        pausedTypes.add(type);
      }
    }
    for (Path file : dir.list(SUFFIX)) {
      String name = file.getFileName().toString();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      JobDoc doc = StoreJson.read(dir.readIfExists(name), JobDoc.class, file);
      JobRecord job = valid(file, "job record", doc::toRecord);
      if (!name.equals(PREFIX + job.id() + SUFFIX)) {
        throw new JournalCorruptedException(
            "store file " + file + " holds job " + job.id() + ", not the one its name says");
      }
      jobs.put(job.id(), job);
      if (doc.hasCancelRequest()) {
        cancelRequested.add(job.id());
      }
      nextId = Math.max(nextId, job.id() + 1);
    }
  }

  /** Converts a document's entry, refusing the file if the entry is invalid. */
  private static <T> T valid(Path file, String what, Supplier<T> convert) {
    try {
      return convert.get();
    } catch (RuntimeException e) {
      throw new JournalCorruptedException(
          "store file " + file + " has an invalid " + what + ": " + e.getMessage());
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new BatchException(this + " is closed");
    }
  }

  /** A daily metric's identity, in the order {@link #dailyMetrics} returns. */
  private record MetricKey(LocalDate date, String metricType, String category)
      implements Comparable<MetricKey> {
    private static final Comparator<MetricKey> ORDER = Comparator.comparing(MetricKey::date)
        .thenComparing(MetricKey::metricType).thenComparing(MetricKey::category);

    static MetricKey of(DailyMetric m) {
      return new MetricKey(m.date(), m.metricType(), m.category());
    }

    /** Sorts before every metric of the day: no metric type is empty. */
    static MetricKey first(LocalDate day) {
      return new MetricKey(day, "", "");
    }

    @Override
    public int compareTo(MetricKey o) {
      return ORDER.compare(this, o);
    }
  }

  /** Builds a {@link FileJobStore}. Not thread-safe. */
  public static final class Builder {
    private Path directory;

    private Builder() {}

    /**
     * Sets the directory; the store writes under {@code directory/jobs}, creating it.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      if (directory == null) {
        throw new InvalidInputException("directory", null, "must be a directory path");
      }
      this.directory = directory;
      return this;
    }

    /**
     * Opens the store, reading what the directory holds.
     *
     * @return the store
     * @throws InvalidInputException if no directory was set
     * @throws BatchException if the directory cannot be used or is locked by another store
     * @throws JournalCorruptedException if a file cannot be read
     */
    public FileJobStore build() {
      if (directory == null) {
        throw new InvalidInputException(
            "directory", null, "must be set; use FileJobStore.inMemory() for no files");
      }
      return StoreDirectory.open(directory.resolve(SUBDIRECTORY), FileJobStore::new);
    }
  }
}
