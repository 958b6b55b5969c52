package io.prism.batch.core.queue;

import static io.prism.batch.core.queue.JournalCodec.CANCEL_PENDING;
import static io.prism.batch.core.queue.JournalCodec.CANCEL_RUNNING;
import static io.prism.batch.core.queue.JournalCodec.CLAIM;
import static io.prism.batch.core.queue.JournalCodec.COMPLETE;
import static io.prism.batch.core.queue.JournalCodec.ENQUEUE;
import static io.prism.batch.core.queue.JournalCodec.FAIL;
import static io.prism.batch.core.queue.JournalCodec.RELEASE;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.Lease;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.SignallingQueue;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskRecord;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.internal.AtomicFiles;
import io.prism.batch.core.queue.QueueCore.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TaskQueue} with the behaviour of {@link MemoryTaskQueue}, made durable in a directory by
 * an append-only journal and periodic snapshots. The embedded durable default.
 *
 * <h2>Durability</h2>
 *
 * <p>Every transition is appended to the journal as a small binary record framed with its length
 * and a CRC32. One writer thread writes records in batches and forces them to disk once per batch
 * (group commit), at most once per {@linkplain Builder#commitInterval commit interval} unless a
 * caller is waiting. {@link #enqueue} returns only after its records are forced. {@link #claim},
 * {@link #complete}, {@link #fail}, {@link #release} and the cancels do not wait: a crash may lose
 * their last few milliseconds, so a task may run again after a crash (at-least-once; a processor
 * makes side effects exactly-once with its own idempotency check). {@link #flush()} waits until
 * everything so far is on disk, and {@link #close()} flushes. Heartbeats are not journalled.
 *
 * <h2>Snapshots</h2>
 *
 * <p>After {@linkplain Builder#snapshotEvery N transitions} (default {@value
 * #DEFAULT_SNAPSHOT_EVERY}; never more often than one transition per task held, so a snapshot never
 * costs more than the journal it replaces) or {@linkplain Builder#snapshotInterval T time} (default
 * 5 minutes) the queue copies its state, starts a new journal segment, and writes the copy in the
 * background to {@code snapshot.tmp}, forces it, renames it atomically to {@code snapshot} and only
 * then deletes the older segments. (The original design checkpointed every 10 tasks or 5 minutes;
 * per-transition journalling makes a snapshot a compaction step, not the durability mechanism, so
 * it can be much rarer.) Opening the queue also writes a snapshot.
 *
 * <h2>Recovery</h2>
 *
 * <p>Opening an existing directory loads the snapshot and replays the journal segments after it.
 * Tasks that were running go back to pending, keeping their attempt count. A torn or corrupt record
 * at the very end of the journal (a crash during a write) is cut off: everything before it is kept,
 * the file is truncated there, a WARN is logged and {@link #recoveryReport()} describes it. A bad
 * record followed by good ones is not a crash artefact: opening throws {@link
 * JournalCorruptedException} naming the file and offset, and changes nothing.
 *
 * <p>Paused task types ({@link #pauseType}) are kept in the file {@code paused-types}, one type
 * a line, replaced atomically on every change, so a pause outlives a restart.
 *
 * <p>Thread-safe. One instance per directory: a lock file keeps a second one (in this or another
 * process) from opening it.
 *
 * <pre>{@code
 * try (JournaledTaskQueue queue = JournaledTaskQueue.builder(Path.of("/var/lib/prism/queue"))
 *     .snapshotEvery(10_000)
 *     .build()) {
 *   queue.recoveryReport().corruptTail().ifPresent(log::warn);
 *   queue.enqueue(tasks); // durable when it returns
 * }
 * }</pre>
 */
public final class JournaledTaskQueue implements TaskQueue, SignallingQueue {

  /** Default number of transitions between snapshots. */
  public static final long DEFAULT_SNAPSHOT_EVERY = 1000;

  /** Default longest time between snapshots while transitions happen. */
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMinutes(5);

  /** Default least time between two forces of the journal when nobody waits for one. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(2);

  /** Default size in bytes of the journal's write buffer (there are two). */
  public static final int DEFAULT_BUFFER_SIZE = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(JournaledTaskQueue.class);
  private static final String PAUSED_TYPES = "paused-types";

  private final Path dir;
  private final QueueCore core;
  private final JournalWriter journal;
  private final RecoveryReport report;
  private final long snapshotEvery;
  private final long snapshotIntervalMillis;
  private final int bufferSize;
  private final FileChannel lockChannel;
  private final ExecutorService snapshotter;
  private final Condition snapshotDone;
  private final Object pausedTypesWrites = new Object();

  // guarded by core.lock
  private long transitionsSinceSnapshot;
  private long lastSnapshotMillis;
  private boolean snapshotRunning;
  private boolean closed;

  private JournaledTaskQueue(Builder b) {
    this.dir = b.directory.toAbsolutePath();
    this.snapshotEvery = b.snapshotEvery;
    this.snapshotIntervalMillis = b.snapshotInterval.toMillis();
    this.bufferSize = b.bufferSize;
    this.core = new QueueCore(b.clock);
    this.snapshotDone = core.lock.newCondition();
    FileChannel lock = null;
    JournalWriter writer = null;
    try {
      Files.createDirectories(dir);
      lock = lockDirectory(dir);
      AtomicFiles.removeTemporaryFiles(dir);
      for (String type : readPausedTypes(dir.resolve(PAUSED_TYPES))) {
        core.pauseType(type);
      }
      JournalFiles.Recovered r = JournalFiles.recover(dir, core);
      r.corruptTail()
          .ifPresent(
              what ->
                  LOG.warn(
                      "Task queue journal in {} ended in a torn or corrupt record; recovered"
                          + " everything before it: {}",
                      dir,
                      what));
      QueueCore.Image image;
      core.lock.lock();
      try {
        image = core.image();
      } finally {
        core.lock.unlock();
      }
      JournalFiles.writeSnapshot(dir, image, r.nextSegment());
      JournalFiles.deleteSegmentsBelow(dir, r.nextSegment());
      writer =
          new JournalWriter(
              dir,
              r.nextSegment(),
              b.commitInterval.toNanos(),
              b.bufferSize,
              "prism-queue-journal-" + dir.getFileName());
      this.report =
          new RecoveryReport(
              r.snapshotLoaded(),
              r.recordsReplayed(),
              image.entries().length,
              r.runningRequeued(),
              r.corruptTail());
      if (r.snapshotLoaded() || r.recordsReplayed() > 0) {
        LOG.info(
            "Task queue in {} recovered {} tasks ({} journal records replayed, {} running tasks"
                + " requeued)",
            dir,
            report.tasksRecovered(),
            report.recordsReplayed(),
            report.runningRequeued());
      }
    } catch (IOException e) {
      closeQuietly(lock);
      throw new BatchException("cannot open the task queue in " + dir + ": " + e, e);
    } catch (RuntimeException e) {
      if (writer != null) {
        writer.close();
      }
      closeQuietly(lock);
      throw e;
    }
    this.lockChannel = lock;
    this.journal = writer;
    this.lastSnapshotMillis = b.clock.millis();
    this.snapshotter =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "prism-queue-snapshot-" + dir.getFileName());
              t.setDaemon(true);
              return t;
            });
    core.setLog(new JournalLog());
  }

  /**
   * Opens (or creates) a queue in a directory with default settings.
   *
   * @param directory the directory
   * @return the queue, recovered
   * @throws JournalCorruptedException if the directory holds damage recovery cannot skip
   */
  public static JournaledTaskQueue open(Path directory) {
    return builder(directory).build();
  }

  /**
   * Starts building a queue kept in a directory.
   *
   * @param directory the directory; created if missing
   * @return a builder
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Returns what opening the directory found.
   *
   * @return the report
   */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /**
   * Returns the directory holding the journal.
   *
   * @return the absolute path
   */
  public Path directory() {
    return dir;
  }

  /**
   * Waits until every transition made so far is forced to disk.
   *
   * @throws BatchException if the journal cannot be written
   */
  public void flush() {
    journal.awaitDurable(journal.position());
  }

  /**
   * Writes a snapshot now and waits for it, then deletes the journal segments it replaces. Waits
   * first for a background snapshot that is running.
   *
   * @throws BatchException if the snapshot cannot be written
   */
  public void snapshot() {
    PendingSnapshot pending;
    core.lock.lock();
    try {
      checkOpen();
      while (snapshotRunning) {
        snapshotDone.awaitUninterruptibly();
      }
      checkOpen();
      pending = beginSnapshot();
    } finally {
      core.lock.unlock();
    }
    try {
      runSnapshot(pending);
    } catch (IOException e) {
      throw new BatchException("cannot write a snapshot in " + dir + ": " + e, e);
    }
  }

  @Override
  public EnqueueResult enqueue(Collection<Task> tasks) {
    journal.checkHealthy();
    EnqueueResult result = core.enqueue(tasks);
    journal.awaitDurable(journal.position());
    return result;
  }

  @Override
  public List<Lease> claim(String workerId, int max, Duration leaseTime) {
    journal.checkHealthy();
    return core.claim(workerId, max, leaseTime);
  }

  @Override
  public Optional<Lease> heartbeat(Lease lease, Duration leaseTime) {
    return core.heartbeat(lease, leaseTime);
  }

  @Override
  public boolean complete(Lease lease, String output) {
    journal.checkHealthy();
    return core.complete(lease, output);
  }

  @Override
  public boolean fail(Lease lease, String error, Optional<Instant> retryAt) {
    journal.checkHealthy();
    return core.fail(lease, error, retryAt);
  }

  @Override
  public boolean release(Lease lease) {
    journal.checkHealthy();
    return core.release(lease);
  }

  @Override
  public int cancelPending() {
    journal.checkHealthy();
    return core.cancelPending();
  }

  @Override
  public boolean cancelRunning(Lease lease) {
    journal.checkHealthy();
    return core.cancelRunning(lease);
  }

  @Override
  public int releaseExpired(Instant now) {
    journal.checkHealthy();
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
    return changePausedTypes(taskType, true);
  }

  @Override
  public boolean resumeType(String taskType) {
    return changePausedTypes(taskType, false);
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

  /**
   * Flushes the journal, waits for a running snapshot, stops the writer threads and unlocks the
   * directory. Idempotent. Tasks stay in the directory for the next open.
   */
  @Override
  public void close() {
    core.lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      while (snapshotRunning) {
        snapshotDone.awaitUninterruptibly();
      }
    } finally {
      core.lock.unlock();
    }
    core.close();
    snapshotter.shutdown();
    try {
      journal.close();
    } finally {
      closeQuietly(lockChannel);
    }
  }

  // ---------------------------------------------------------------- snapshots

  private record PendingSnapshot(QueueCore.Image image, JournalWriter.Rotation rotation) {}

  /** Writes the new set of paused types first, so a failed write changes nothing. */
  private boolean changePausedTypes(String taskType, boolean pause) {
    Task.requireType("taskType", taskType);
    synchronized (pausedTypesWrites) {
      Set<String> types = new TreeSet<>(core.pausedTypes());
      if (!(pause ? types.add(taskType) : types.remove(taskType))) {
        return false;
      }
      StringBuilder text = new StringBuilder();
      types.forEach(t -> text.append(t).append('\n'));
      try {
        AtomicFiles.replace(dir.resolve(PAUSED_TYPES), text.toString().getBytes(UTF_8));
      } catch (IOException e) {
        throw new BatchException("cannot " + (pause ? "pause" : "resume") + " task type "
            + taskType + ": " + dir.resolve(PAUSED_TYPES) + " cannot be written: " + e, e);
      }
      return pause ? core.pauseType(taskType) : core.resumeType(taskType);
    }
  }

  private static List<String> readPausedTypes(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> types = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String type = lines.get(i);
      if (!Task.isValidType(type)) {
        throw new BatchException("cannot open the task queue: " + file + " line " + (i + 1)
            + " holds '" + type + "', which is not a task type (" + Task.TYPE_RULE + ")");
      }
      types.add(type);
    }
    return types;
  }

  /** Copies the state and rotates the journal at the same point. Core lock held. */
  private PendingSnapshot beginSnapshot() {
    snapshotRunning = true;
    try {
      QueueCore.Image image = core.image();
      JournalWriter.Rotation rotation = journal.rotate();
      transitionsSinceSnapshot = 0;
      lastSnapshotMillis = core.clock.millis();
      return new PendingSnapshot(image, rotation);
    } catch (RuntimeException e) {
      snapshotRunning = false;
      snapshotDone.signalAll();
      throw e;
    }
  }

  private void runSnapshot(PendingSnapshot p) throws IOException {
    try {
      try {
        JournalFiles.writeSnapshot(dir, p.image(), p.rotation().segment());
      } finally {
        // the next snapshot may rotate only once this rotation is done, written or not
        awaitRotation(p.rotation());
      }
      // the old segments are closed and the snapshot covers them
      JournalFiles.deleteSegmentsBelow(dir, p.rotation().segment());
    } finally {
      core.lock.lock();
      try {
        snapshotRunning = false;
        snapshotDone.signalAll();
      } finally {
        core.lock.unlock();
      }
    }
  }

  private void awaitRotation(JournalWriter.Rotation rotation) {
    try {
      rotation.done().join();
    } catch (CompletionException e) {
      throw new BatchException("the journal in " + dir + " failed: " + e.getCause(), e.getCause());
    }
  }

  private void runSnapshotInBackground(PendingSnapshot p) {
    try {
      runSnapshot(p);
    } catch (IOException | UncheckedIOException | BatchException e) {
      LOG.warn(
          "Task queue snapshot in {} failed; the journal still holds every transition: {}",
          dir,
          e.toString());
    }
  }

  /** Starts a background snapshot when one is due. Core lock held. */
  private void maybeSnapshot() {
    if (snapshotRunning || closed || transitionsSinceSnapshot == 0) {
      return;
    }
    boolean due =
        transitionsSinceSnapshot >= snapshotEvery && transitionsSinceSnapshot >= core.size();
    if (!due && core.clock.millis() - lastSnapshotMillis < snapshotIntervalMillis) {
      return;
    }
    try {
      journal.checkHealthy();
      PendingSnapshot p = beginSnapshot();
      snapshotter.execute(() -> runSnapshotInBackground(p));
    } catch (RuntimeException e) {
      LOG.warn("Cannot start a task queue snapshot in {}: {}", dir, e.toString());
    }
  }

  // ---------------------------------------------------------------- journal records

  /** Encodes transitions into the journal; called with the core lock held. */
  private final class JournalLog implements QueueCore.TransitionLog {
    private JournalCodec.Encoder enc;

    private JournalCodec.Encoder begin(byte type) {
      if (enc == null) {
        enc = journal.lockForAppend();
      }
      return enc.begin(type);
    }

    private void end() {
      enc.end();
      transitionsSinceSnapshot++;
      if (enc.pos >= bufferSize) {
        enc = null;
        journal.unlockAfterAppend(); // the next record waits for the writer to catch up
      }
    }

    @Override
    public void enqueued(Entry e) {
      begin(ENQUEUE)
          .putVarLong(e.ordinal)
          .putVarLong(e.seq)
          .putTask(e.task)
          .putInstant(e.updatedAt);
      end();
    }

    @Override
    public void claimed(Entry e) {
      begin(CLAIM)
          .putVarLong(e.ordinal)
          .putVarLong(e.token)
          .putVarLong(e.task.attempts())
          .putInstant(e.updatedAt);
      end();
    }

    @Override
    public void completed(Entry e) {
      begin(COMPLETE)
          .putVarLong(e.ordinal)
          .putVarLong(e.token)
          .putOptionalString(e.output)
          .putInstant(e.updatedAt);
      end();
    }

    @Override
    public void failed(Entry e) {
      JournalCodec.Encoder x = begin(FAIL).putVarLong(e.ordinal).putVarLong(e.token);
      if (e.state == TaskState.RETRYING) {
        x.putByte(1).putVarLong(e.seq).putInstant(e.task.notBefore());
      } else {
        x.putByte(0);
      }
      x.putString(e.lastError).putInstant(e.updatedAt);
      end();
    }

    @Override
    public void released(Entry e) {
      begin(RELEASE)
          .putVarLong(e.ordinal)
          .putVarLong(e.token)
          .putVarLong(e.task.attempts())
          .putInstant(e.updatedAt);
      end();
    }

    @Override
    public void cancelledRunning(Entry e) {
      begin(CANCEL_RUNNING).putVarLong(e.ordinal).putVarLong(e.token).putInstant(e.updatedAt);
      end();
    }

    @Override
    public void cancelledPending(Instant at) {
      begin(CANCEL_PENDING).putInstant(at);
      end();
    }

    @Override
    public void operationEnd() {
      if (enc != null) {
        enc = null;
        journal.unlockAfterAppend();
      }
      maybeSnapshot();
    }
  }

  // ---------------------------------------------------------------- helpers

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the task queue in " + dir + " is closed");
    }
  }

  private static FileChannel lockDirectory(Path dir) throws IOException {
    FileChannel ch =
        FileChannel.open(
            dir.resolve(JournalFiles.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        throw new BatchException("the task queue in " + dir + " is open in another process");
      }
      return ch;
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new BatchException("the task queue in " + dir + " is already open in this JVM", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
    }
  }

  /**
   * Builds a {@link JournaledTaskQueue}. Not thread-safe; {@link #build()} takes a snapshot of the
   * settings.
   */
  public static final class Builder {
    private final Path directory;
    private Clock clock = Clock.systemUTC();
    private long snapshotEvery = DEFAULT_SNAPSHOT_EVERY;
    private Duration snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private int bufferSize = DEFAULT_BUFFER_SIZE;

    private Builder(Path directory) {
      if (directory == null) {
        throw new InvalidInputException("directory", null, "must be given");
      }
      this.directory = directory;
    }

    /**
     * Sets the clock for not-before times, lease expiry, update times and the snapshot interval.
     *
     * @param clock the clock; the system UTC clock by default
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how many transitions (enqueues, claims, completions, failures, releases, cancels) lead
     * to a snapshot. A snapshot also waits for at least as many transitions as tasks held.
     *
     * @param transitions at least 1; 1000 by default
     * @return this builder
     */
    public Builder snapshotEvery(long transitions) {
      if (transitions < 1) {
        throw new InvalidInputException("snapshotEvery", transitions, "must be at least 1");
      }
      this.snapshotEvery = transitions;
      return this;
    }

    /**
     * Sets the longest time between snapshots while transitions happen.
     *
     * @param interval positive; 5 minutes by default
     * @return this builder
     */
    public Builder snapshotInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new InvalidInputException("snapshotInterval", interval, "must be positive");
      }
      this.snapshotInterval = interval;
      return this;
    }

    /**
     * Sets the least time between two forces of the journal while nobody waits for durability;
     * longer batches more records per force. Zero forces as soon as records arrive.
     *
     * @param interval zero to one second; 2 ms by default
     * @return this builder
     */
    public Builder commitInterval(Duration interval) {
      if (interval == null
          || interval.isNegative()
          || interval.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new InvalidInputException("commitInterval", interval, "must be 0 to 1 second");
      }
      this.commitInterval = interval;
      return this;
    }

    /**
     * Sets the size of the journal's write buffers; appends wait for the writer when one is full.
     *
     * @param bytes 4 KiB to 256 MiB; 1 MiB by default
     * @return this builder
     */
    public Builder bufferSize(int bytes) {
      if (bytes < 4096 || bytes > (256 << 20)) {
        throw new InvalidInputException("bufferSize", bytes, "must be 4096 to 268435456 bytes");
      }
      this.bufferSize = bytes;
      return this;
    }

    /**
     * Opens the directory, recovering what it holds.
     *
     * @return the queue
     * @throws JournalCorruptedException if the directory holds damage recovery cannot skip
     * @throws BatchException if the directory cannot be used
     */
    public JournaledTaskQueue build() {
      return new JournaledTaskQueue(this);
    }
  }
}
