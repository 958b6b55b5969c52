package io.prism.batch.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.Lease;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskRecord;
import io.prism.batch.api.TaskState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournaledTaskQueueTest extends SignallingQueueContract {

  @TempDir Path tmp;

  private final AtomicInteger dirs = new AtomicInteger();
  private final List<TaskQueue> extra = new ArrayList<>();
  private Path dir;

  @Override
  protected TaskQueue newQueue(Clock clock) {
    dir = tmp.resolve("queue-" + dirs.incrementAndGet());
    return JournaledTaskQueue.builder(dir).clock(clock).build();
  }

  private JournaledTaskQueue journaled() {
    return (JournaledTaskQueue) queue;
  }

  /** Opens a queue on a directory; closed after the test. */
  private JournaledTaskQueue open(Path directory) {
    JournaledTaskQueue q = JournaledTaskQueue.builder(directory).clock(clock).build();
    extra.add(q);
    return q;
  }

  /** Closes the queue under test and opens its directory again as the queue under test. */
  private JournaledTaskQueue reopen() {
    queue.close();
    queue = JournaledTaskQueue.builder(dir).clock(clock).build();
    return journaled();
  }

  /** Copies the directory of a live queue, as a crash would leave it. */
  private Path crashCopy() throws IOException {
    // The background writer may rotate (rename, delete) files while we copy: a file that
    // vanished mid-copy means the listing is stale, so copy again from a fresh listing.
    for (int attempt = 1; ; attempt++) {
      Path copy = tmp.resolve("crash-" + dirs.incrementAndGet());
      Files.createDirectories(copy);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
        return copy;
      } catch (java.nio.file.NoSuchFileException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static Path onlySegment(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> segments =
          files.filter(f -> f.getFileName().toString().startsWith("journal-")).sorted().toList();
      assertThat(segments).as("journal segments in " + directory).hasSize(1);
      return segments.get(0);
    }
  }

  private static List<String> segmentNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("journal-"))
          .sorted()
          .toList();
    }
  }

  @AfterEach
  void closeExtraQueues() {
    extra.forEach(TaskQueue::close);
  }

  // ---------------------------------------------------------------- reopen

  @Test
  void shouldRestoreEveryStateAfterCloseAndReopen() {
    // Given tasks in every state
    enqueue(
        task("done", 5),
        task("failed", 5),
        task("retry", 5),
        task("running", 5),
        task("cancel", 5),
        task("pending", 3),
        task("later", 1));
    queue.complete(claimOne(), "{\"rows\":2}");
    queue.fail(claimOne(), "HTTP 404", Optional.empty());
    queue.fail(claimOne(), "HTTP 503", Optional.of(clock.instant().plusSeconds(60)));
    Lease running = claimOne();
    queue.cancelRunning(claimOne());
    List<TaskRecord> before = new ArrayList<>();
    for (String id : List.of("done", "failed", "retry", "running", "cancel", "pending", "later")) {
      before.add(record(id));
    }

    // When the queue is closed and opened again
    JournaledTaskQueue q = reopen();

    // Then every task is back as it was, except that the running one is pending again
    RecoveryReport report = q.recoveryReport();
    assertThat(report.snapshotLoaded()).isTrue();
    assertThat(report.tasksRecovered()).isEqualTo(7);
    assertThat(report.runningRequeued()).isEqualTo(1);
    assertThat(report.corruptTail()).isEmpty();
    for (TaskRecord b : before) {
      TaskRecord a = record(b.task().id());
      if (b.task().id().equals("running")) {
        assertThat(a.state()).isEqualTo(TaskState.PENDING);
        assertThat(a.task()).isEqualTo(b.task());
      } else {
        assertThat(a).isEqualTo(b);
      }
    }
    QueueStats stats = queue.stats();
    assertThat(stats.count(TaskState.PENDING)).isEqualTo(3);
    assertThat(stats.count(TaskState.RETRYING)).isEqualTo(1);

    // And the old lease is dead, and claims go on in order with newer tokens
    assertThat(queue.complete(running, "")).isFalse();
    List<Lease> leases = claim(10);
    assertThat(ids(leases)).containsExactly("running", "pending", "later");
    assertThat(leases.get(0).token()).isGreaterThan(running.token());
    assertThat(leases.get(0).task().attempts()).isEqualTo(2);
  }

  @Test
  void shouldKeepDedupeAndRetryOrderAcrossReopen() {
    // Given a retried task behind fresh work, and a completed task with a dedupe key
    enqueue(task("a"), task("b"), task("c"));
    queue.fail(claimOne(), "x", Optional.of(clock.instant()));
    Task keyed = Task.builder("test").id("k1").dedupeKey("600519:daily").build();
    enqueue(keyed);

    // When reopened
    reopen();

    // Then the key is still taken and the retry still comes after b and c
    Task again = Task.builder("test").id("k2").dedupeKey("600519:daily").build();
    assertThat(queue.enqueue(List.of(again)).duplicates()).containsExactly("k2");
    assertThat(ids(claim(10))).containsExactly("b", "c", "a", "k1");
  }

  @Test
  void shouldKeepPausedTaskTypesAcrossReopen() {
    // Given a paused type with a pending task, and a type paused and resumed again
    enqueue(typed("embed", "e1", 5), typed("warm", "w1", 3));
    queue.pauseType("embed");
    queue.pauseType("warm");
    queue.resumeType("warm");

    // When reopened / Then the pause holds and the task waits for the resume
    reopen();
    assertThat(queue.pausedTypes()).containsExactly("embed");
    Lease w1 = claimOne();
    assertThat(w1.task().id()).isEqualTo("w1");
    queue.complete(w1, "");
    assertThat(claim(10)).isEmpty();
    queue.resumeType("embed");
    reopen();
    assertThat(queue.pausedTypes()).isEmpty();
    assertThat(ids(claim(10))).containsExactly("e1");
  }

  @Test
  void shouldRefuseToOpenWithADamagedPausedTypesFile() throws IOException {
    // Given a paused-types file whose second line is not a task type
    queue.close();
    Files.writeString(dir.resolve("paused-types"), "embed\nrag sync\n");

    // When opened / Then it is refused, naming the file, the line and the value
    assertThatThrownBy(() -> JournaledTaskQueue.builder(dir).clock(clock).build())
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("paused-types line 2")
        .hasMessageContaining("'rag sync'");
    queue = null;
  }

  @Test
  void shouldRejectASecondOpenOfTheSameDirectory() {
    // When the directory of an open queue is opened again / Then it is refused
    assertThatThrownBy(() -> JournaledTaskQueue.builder(dir).clock(clock).build())
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("already open");
  }

  // ---------------------------------------------------------------- crash

  @Test
  void shouldRecoverFlushedStateFromADirectoryLeftByACrash() throws IOException {
    // Given transitions flushed to disk while the queue stays open
    for (int i = 0; i < 20; i++) {
      enqueue(task("t" + i, 1 + i % 5));
    }
    List<Lease> leases = claim(8);
    for (int i = 0; i < 5; i++) {
      queue.complete(leases.get(i), "out" + i);
    }
    queue.fail(leases.get(5), "x", Optional.of(clock.instant().plusSeconds(30)));
    journaled().flush();

    // When the directory is copied as it is (nothing closed) and opened
    JournaledTaskQueue recovered = open(crashCopy());

    // Then every flushed transition is there; the two running tasks are pending again
    RecoveryReport report = recovered.recoveryReport();
    assertThat(report.tasksRecovered()).isEqualTo(20);
    assertThat(report.runningRequeued()).isEqualTo(2);
    assertThat(report.recordsReplayed()).isEqualTo(20 + 8 + 5 + 1);
    assertThat(report.corruptTail()).isEmpty();
    QueueStats stats = recovered.stats();
    assertThat(stats.count(TaskState.SUCCEEDED)).isEqualTo(5);
    assertThat(stats.count(TaskState.RETRYING)).isEqualTo(1);
    assertThat(stats.count(TaskState.PENDING)).isEqualTo(14);
    assertThat(stats.count(TaskState.RUNNING)).isZero();
    for (int i = 0; i < 5; i++) {
      String id = leases.get(i).task().id();
      assertThat(recovered.get(id).orElseThrow().output()).contains("out" + i);
    }
    TaskRecord requeued = recovered.get(leases.get(6).task().id()).orElseThrow();
    assertThat(requeued.state()).isEqualTo(TaskState.PENDING);
    assertThat(requeued.task().attempts()).isEqualTo(1);
  }

  @Test
  void shouldRequeueRunningTasksWithTheirAttemptsAndNewerTokens() throws IOException {
    // Given three running tasks, flushed
    enqueue(task("a"), task("b"), task("c"), task("d"));
    List<Lease> leases = claim(3);
    journaled().flush();
    long lastToken = leases.get(2).token();

    // When the directory is recovered after a crash
    JournaledTaskQueue recovered = open(crashCopy());

    // Then they are pending, keep their attempt, and run again under newer tokens
    assertThat(recovered.recoveryReport().runningRequeued()).isEqualTo(3);
    List<Lease> again = recovered.claim("w2", 10, LEASE);
    assertThat(ids(again)).containsExactly("a", "b", "c", "d");
    for (Lease l : again) {
      assertThat(l.token()).isGreaterThan(lastToken);
    }
    assertThat(again.get(0).task().attempts()).isEqualTo(2);
    assertThat(again.get(3).task().attempts()).isEqualTo(1);
    assertThat(recovered.complete(leases.get(0), "")).isFalse();
  }

  @Test
  void shouldMakeEnqueueDurableWithoutFlush() throws IOException {
    // Given an enqueue that returned
    enqueue(task("a"), task("b"));

    // When the directory is recovered right away / Then the tasks are there
    JournaledTaskQueue recovered = open(crashCopy());
    assertThat(recovered.get("a")).isPresent();
    assertThat(recovered.get("b")).isPresent();
  }

  // ---------------------------------------------------------------- damage

  @Test
  void shouldDropAndReportATruncatedTailKeepingEverythingBeforeIt() throws IOException {
    // Given ten tasks, three completed, and the queue closed
    for (int i = 0; i < 10; i++) {
      enqueue(task("t" + i));
    }
    for (int i = 0; i < 3; i++) {
      queue.complete(claimOne(), "out" + i);
    }
    queue.close();
    Path segment = onlySegment(dir);
    long size = Files.size(segment);

    // When the last record loses its last five bytes (a torn write)
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(size - 5);
    }
    queue = JournaledTaskQueue.builder(dir).clock(clock).build();

    // Then the torn record is reported with file and offset, and only it is lost
    RecoveryReport report = journaled().recoveryReport();
    assertThat(report.corruptTail()).isPresent();
    assertThat(report.corruptTail().get())
        .contains(segment.getFileName().toString())
        .contains("offset")
        .contains("dropped");
    assertThat(report.lostData()).isTrue();
    assertThat(report.tasksRecovered()).isEqualTo(10);
    assertThat(state("t0")).isEqualTo(TaskState.SUCCEEDED);
    assertThat(state("t1")).isEqualTo(TaskState.SUCCEEDED);
    assertThat(record("t2").state()).isEqualTo(TaskState.PENDING); // its completion was torn
    assertThat(report.runningRequeued()).isEqualTo(1);
    assertThat(queue.stats().count(TaskState.PENDING)).isEqualTo(8);

    // And the next open finds a clean journal with the same state
    JournaledTaskQueue again = reopen();
    assertThat(again.recoveryReport().corruptTail()).isEmpty();
    assertThat(again.stats().count(TaskState.SUCCEEDED)).isEqualTo(2);
  }

  @Test
  void shouldTruncateTheFileToTheLastGoodRecord() throws IOException {
    // Given a journal with one good record and garbage after it, in a copy of a live queue
    enqueue(task("a"));
    journaled().flush();
    Path copy = crashCopy();
    Path segment = onlySegment(copy);
    long good = Files.size(segment);
    Files.write(segment, new byte[] {0, 0, 0, 0, 0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);

    // When it is opened
    JournaledTaskQueue recovered = open(copy);

    // Then the report names the good length as the offset and the garbage as dropped
    assertThat(recovered.recoveryReport().corruptTail())
        .hasValueSatisfying(
            what -> assertThat(what).contains("offset " + good).contains("dropped 7 bytes"));
    assertThat(recovered.get("a")).isPresent();
  }

  @Test
  void shouldRefuseToOpenWhenAGoodRecordFollowsABadOne() throws IOException {
    // Given twenty records and the queue closed
    for (int i = 0; i < 20; i++) {
      enqueue(task("t" + i));
    }
    queue.close();
    Path segment = onlySegment(dir);
    long size = Files.size(segment);

    // When bytes in the middle of the journal are overwritten
    long offset = size / 2;
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(offset);
      f.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
    }

    // Then opening throws, naming the file and the offset, and leaves the files alone
    assertThatThrownBy(() -> JournaledTaskQueue.builder(dir).clock(clock).build())
        .isInstanceOf(JournalCorruptedException.class)
        .hasMessageContaining(segment.getFileName().toString())
        .hasMessageContaining("offset");
    assertThat(Files.size(segment)).isEqualTo(size);
    // and the directory is not left locked
    assertThatThrownBy(() -> JournaledTaskQueue.builder(dir).clock(clock).build())
        .isInstanceOf(JournalCorruptedException.class);
    queue = null;
  }

  @Test
  void shouldRefuseToOpenADamagedSnapshot() throws IOException {
    // Given a closed queue whose snapshot has a flipped byte
    enqueue(task("a"), task("b"));
    queue.close();
    Path snapshot = dir.resolve("snapshot");
    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[bytes.length - 12] ^= 0x40;
    Files.write(snapshot, bytes);

    // When opened / Then it throws naming the snapshot
    assertThatThrownBy(() -> JournaledTaskQueue.builder(dir).clock(clock).build())
        .isInstanceOf(JournalCorruptedException.class)
        .hasMessageContaining("snapshot");
    queue = null;
  }

  // ---------------------------------------------------------------- snapshots

  @Test
  void shouldRecoverFromSnapshotAndTheSegmentAfterIt() throws IOException {
    // Given transitions, a snapshot, and more transitions
    for (int i = 0; i < 10; i++) {
      enqueue(task("t" + i));
    }
    queue.complete(claimOne(), "before");
    List<String> beforeSnapshot = segmentNames(dir);
    journaled().snapshot();
    List<String> afterSnapshot = segmentNames(dir);
    queue.complete(claimOne(), "after");
    enqueue(task("late"));
    journaled().flush();

    // Then the snapshot started a new segment and deleted the old one
    assertThat(afterSnapshot).hasSize(1);
    assertThat(afterSnapshot.get(0)).isGreaterThan(beforeSnapshot.get(beforeSnapshot.size() - 1));

    // When the directory is recovered after a crash
    JournaledTaskQueue recovered = open(crashCopy());

    // Then the snapshot was loaded and only the records after it replayed
    RecoveryReport report = recovered.recoveryReport();
    assertThat(report.snapshotLoaded()).isTrue();
    assertThat(report.recordsReplayed()).isEqualTo(3); // claim, complete, enqueue
    assertThat(report.tasksRecovered()).isEqualTo(11);
    assertThat(recovered.get("t0").orElseThrow().output()).contains("before");
    assertThat(recovered.get("t1").orElseThrow().output()).contains("after");
    assertThat(recovered.stats().count(TaskState.PENDING)).isEqualTo(9);
  }

  @Test
  void shouldSnapshotInTheBackgroundAfterEnoughTransitions() throws Exception {
    // Given a queue that snapshots every 20 transitions
    queue.close();
    dir = tmp.resolve("snap-every");
    queue = JournaledTaskQueue.builder(dir).clock(clock).snapshotEvery(20).build();
    String first = onlySegment(dir).getFileName().toString();

    // When 30 tasks are enqueued and completed (90 transitions)
    for (int i = 0; i < 30; i++) {
      enqueue(task("t" + i));
    }
    for (int i = 0; i < 30; i++) {
      queue.complete(claimOne(), "");
    }

    // Then snapshots rotated the journal (waiting for the background writer, not for time)
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (segmentNames(dir).contains(first) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(segmentNames(dir)).doesNotContain(first);

    // And a crash copy recovers everything
    journaled().flush();
    JournaledTaskQueue recovered = open(crashCopy());
    assertThat(recovered.stats().count(TaskState.SUCCEEDED)).isEqualTo(30);
  }

  @Test
  void shouldSnapshotWhenTheIntervalPasses() throws Exception {
    // Given a queue that snapshots every minute but practically never by count
    queue.close();
    dir = tmp.resolve("snap-interval");
    queue =
        JournaledTaskQueue.builder(dir)
            .clock(clock)
            .snapshotEvery(1_000_000)
            .snapshotInterval(Duration.ofMinutes(1))
            .build();
    String first = onlySegment(dir).getFileName().toString();
    enqueue(task("a"));
    assertThat(segmentNames(dir)).containsExactly(first);

    // When a minute passes and one more transition happens
    clock.advance(Duration.ofMinutes(1));
    enqueue(task("b"));

    // Then a snapshot rotates the journal
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (segmentNames(dir).contains(first) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(segmentNames(dir)).doesNotContain(first);
  }

  @Test
  void shouldSurviveManyTransitionsWithSnapshotsAndReopen() {
    // Given a queue snapshotting often, driven through 3,000 tasks with retries
    queue.close();
    dir = tmp.resolve("busy");
    queue = JournaledTaskQueue.builder(dir).clock(clock).snapshotEvery(100).build();
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      tasks.add(task("t" + i, 1 + i % 5));
    }
    queue.enqueue(tasks);
    int done = 0;
    while (true) {
      List<Lease> leases = claim(64);
      if (leases.isEmpty()) {
        break;
      }
      for (Lease l : leases) {
        if (l.task().attempts() == 1 && l.task().id().endsWith("7")) {
          queue.fail(l, "again", Optional.of(clock.instant()));
        } else {
          queue.complete(l, "");
          done++;
        }
      }
    }
    assertThat(done).isEqualTo(3000);

    // When reopened / Then everything is there
    JournaledTaskQueue q = reopen();
    assertThat(q.stats().count(TaskState.SUCCEEDED)).isEqualTo(3000);
    assertThat(q.get("t17").orElseThrow().task().attempts()).isEqualTo(2);
    assertThat(q.get("t17").orElseThrow().lastError()).contains("again");
  }

  @Test
  void shouldKeepUnicodeAndLargePayloadsThroughTheJournal() throws IOException {
    // Given a task with Chinese text and a 100 KB payload
    String big = "{\"text\":\"" + "贵州茅台".repeat(25_000) + "\"}";
    Task t = Task.builder("rag.embed").id("文档-1").dedupeKey("600519:公告").payload(big).build();
    enqueue(t);
    Lease l = claimOne();
    queue.fail(l, "错误: 超时", Optional.empty());
    journaled().flush();

    // When recovered from a crash copy / Then every character is back
    JournaledTaskQueue recovered = open(crashCopy());
    TaskRecord r = recovered.get("文档-1").orElseThrow();
    assertThat(r.task().payload()).isEqualTo(big);
    assertThat(r.task().dedupeKey()).isEqualTo("600519:公告");
    assertThat(r.lastError()).contains("错误: 超时");
  }
}
