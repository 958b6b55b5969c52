package io.prism.batch.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Lease;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskRecord;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link TaskQueue} must show, run against each implementation's real backend:
 * {@link MemoryTaskQueue} and {@link JournaledTaskQueue} here, PostgreSQL and Redis in their
 * adapters (published in batch-core's test-jar).
 *
 * <p>A subclass creates a fresh, empty queue per test on the {@link SettableClock} it is given, and
 * the queue must take every time (not-before, retry-at, lease expiry) from that clock. Nothing here
 * sleeps for time to pass: tests move the clock.
 */
public abstract class TaskQueueContract {

  /** How long leases last in these tests unless a test says otherwise. */
  protected static final Duration LEASE = Duration.ofSeconds(30);

  /** The clock the queue under test runs on. */
  protected SettableClock clock;

  /** The queue under test, created before each test and closed after it. */
  protected TaskQueue queue;

  /**
   * Creates a new, empty queue for one test.
   *
   * @param clock the clock the queue must take every time from; a {@link SettableClock}
   * @return the queue
   */
  protected abstract TaskQueue newQueue(Clock clock);

  @BeforeEach
  void createQueueUnderTest() {
    clock = new SettableClock();
    queue = newQueue(clock);
  }

  @AfterEach
  void closeQueueUnderTest() {
    if (queue != null) {
      queue.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A task with the given id (also its dedupe key) and priority. */
  protected static Task task(String id, int priority) {
    return Task.builder("test")
        .id(id)
        .priority(priority)
        .payload("{\"id\":\"" + id + "\"}")
        .build();
  }

  /** A task of the default priority. */
  protected static Task task(String id) {
    return task(id, Task.DEFAULT_PRIORITY);
  }

  /** Enqueues and checks that every task was accepted. */
  protected void enqueue(Task... tasks) {
    EnqueueResult r = queue.enqueue(List.of(tasks));
    assertThat(r.accepted()).hasSize(tasks.length);
  }

  /** Claims up to {@code max} tasks as worker "w1". */
  protected List<Lease> claim(int max) {
    return queue.claim("w1", max, LEASE);
  }

  /** Claims exactly one task. */
  protected Lease claimOne() {
    List<Lease> leases = claim(1);
    assertThat(leases).as("claimable tasks").hasSize(1);
    return leases.get(0);
  }

  /** The ids of the claimed tasks, in claim order. */
  protected static List<String> ids(List<Lease> leases) {
    return leases.stream().map(l -> l.task().id()).toList();
  }

  protected TaskRecord record(String id) {
    return queue.get(id).orElseThrow(() -> new AssertionError("no task " + id));
  }

  protected TaskState state(String id) {
    return record(id).state();
  }

  // ---------------------------------------------------------------- ordering

  @Test
  void shouldClaimHighestPriorityFirstThenInEnqueueOrder() {
    // Given tasks of mixed priorities, enqueued in two calls
    enqueue(task("a3", 3), task("b5", 5), task("c1", 1));
    enqueue(task("d5", 5), task("e3", 3), task("f4", 4), task("g1", 1));

    // When all are claimed one at a time and then in one batch
    Lease first = claimOne();
    List<Lease> rest = claim(100);

    // Then priority 5 comes first, and within a priority the task enqueued first
    assertThat(first.task().id()).isEqualTo("b5");
    assertThat(ids(rest)).containsExactly("d5", "f4", "a3", "e3", "c1", "g1");
  }

  @Test
  void shouldClaimAtMostMaxAndNothingWhenEmpty() {
    // Given an empty queue
    // When claiming / Then nothing is returned
    assertThat(claim(10)).isEmpty();

    // Given three tasks
    enqueue(task("a"), task("b"), task("c"));

    // When claiming two, then two more
    // Then the first claim returns two, the second the one left
    assertThat(ids(claim(2))).containsExactly("a", "b");
    assertThat(ids(claim(2))).containsExactly("c");
    assertThat(claim(2)).isEmpty();
  }

  @Test
  void shouldPutRetriedTaskBehindFreshWorkOfItsPriority() {
    // Given three tasks of one priority and one of a lower priority
    enqueue(task("a"), task("b"), task("c"), task("low", 1));

    // When the first fails with a retry time that has already come
    Lease a = claimOne();
    assertThat(queue.fail(a, "boom", Optional.of(clock.instant()))).isTrue();

    // Then it is claimed after the fresh work of its priority, before lower priorities
    assertThat(ids(claim(10))).containsExactly("b", "c", "a", "low");
  }

  @Test
  void shouldPutRetriedTaskBehindFreshWorkWhenItsRetryTimeComes() {
    // Given a task that failed with a retry in 10 s while two others wait
    enqueue(task("a"), task("b"), task("c"));
    Lease a = claimOne();
    queue.fail(a, "boom", Optional.of(clock.instant().plusSeconds(10)));

    // When the retry time passes before anything else is claimed
    clock.advance(Duration.ofSeconds(11));

    // Then fresh work still comes first
    assertThat(ids(claim(10))).containsExactly("b", "c", "a");
  }

  @Test
  void shouldKeepReleasedTaskAtItsPlace() {
    // Given two tasks, the first claimed
    enqueue(task("a"), task("b"));
    Lease a = claimOne();

    // When the worker gives it back
    assertThat(queue.release(a)).isTrue();

    // Then it is claimable again, first, and its attempt was not counted
    List<Lease> leases = claim(10);
    assertThat(ids(leases)).containsExactly("a", "b");
    assertThat(leases.get(0).task().attempts()).isEqualTo(1);
    assertThat(leases.get(0).token()).isGreaterThan(a.token());
  }

  // ---------------------------------------------------------------- time

  @Test
  void shouldNotClaimBeforeNotBefore() {
    // Given a task not to start for a minute and one to start now
    Task later =
        Task.builder("test")
            .id("later")
            .priority(5)
            .notBefore(clock.instant().plusSeconds(60))
            .build();
    enqueue(later, task("now", 1));

    // When claiming now / Then only the task due now comes, though of lower priority
    assertThat(ids(claim(10))).containsExactly("now");
    assertThat(claim(10)).isEmpty();
    assertThat(state("later")).isEqualTo(TaskState.PENDING);

    // When a minute passes / Then the other becomes claimable
    clock.advance(Duration.ofSeconds(59));
    assertThat(claim(10)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(ids(claim(10))).containsExactly("later");
  }

  @Test
  void shouldNotClaimRetryBeforeRetryAt() {
    // Given a task that failed with a retry in 30 s
    enqueue(task("a"));
    Lease a = claimOne();
    Instant retryAt = clock.instant().plusSeconds(30);
    assertThat(queue.fail(a, "timeout", Optional.of(retryAt))).isTrue();

    // Then it is retrying and not claimable yet
    TaskRecord r = record("a");
    assertThat(r.state()).isEqualTo(TaskState.RETRYING);
    assertThat(r.lastError()).contains("timeout");
    assertThat(r.task().notBefore()).isEqualTo(retryAt);
    assertThat(claim(10)).isEmpty();

    // When the retry time comes / Then it is claimed with its second attempt
    clock.set(retryAt);
    Lease again = claimOne();
    assertThat(again.task().attempts()).isEqualTo(2);
    assertThat(state("a")).isEqualTo(TaskState.RUNNING);
  }

  // ---------------------------------------------------------------- dedupe

  @Test
  void shouldSkipDuplicateDedupeKeyInEveryState() {
    // Given a task with a dedupe key
    Task first = Task.builder("test").id("t1").dedupeKey("600519:daily").build();
    EnqueueResult r1 = queue.enqueue(List.of(first));
    assertThat(r1.accepted()).containsExactly("t1");

    // When another task with the same key is enqueued while the first is pending, running and done
    Task second = Task.builder("test").id("t2").dedupeKey("600519:daily").build();
    EnqueueResult whilePending = queue.enqueue(List.of(second));
    Lease lease = claimOne();
    EnqueueResult whileRunning = queue.enqueue(List.of(second));
    queue.complete(lease, "");
    EnqueueResult whenDone = queue.enqueue(List.of(second));

    // Then it is skipped each time and nothing new is claimable
    for (EnqueueResult r : List.of(whilePending, whileRunning, whenDone)) {
      assertThat(r.accepted()).isEmpty();
      assertThat(r.duplicates()).containsExactly("t2");
    }
    assertThat(queue.get("t2")).isEmpty();
    assertThat(claim(10)).isEmpty();
    assertThat(queue.stats().total()).isEqualTo(1);
  }

  @Test
  void shouldSkipDuplicatesWithinOneEnqueue() {
    // Given one call with two tasks of the same key and one other
    Task a = Task.builder("test").id("a").dedupeKey("k").build();
    Task b = Task.builder("test").id("b").dedupeKey("k").build();
    Task c = Task.builder("test").id("c").dedupeKey("other").build();

    // When enqueued
    EnqueueResult r = queue.enqueue(List.of(a, b, c));

    // Then the first of the key and the other are accepted, in order
    assertThat(r.accepted()).containsExactly("a", "c");
    assertThat(r.duplicates()).containsExactly("b");
    assertThat(ids(claim(10))).containsExactly("a", "c");
  }

  // ---------------------------------------------------------------- leases and fencing

  @Test
  void shouldHandOutLeaseWithWorkerExpiryAttemptAndToken() {
    // Given a task
    enqueue(task("a"));

    // When claimed
    List<Lease> leases = queue.claim("worker-7", 5, Duration.ofSeconds(45));

    // Then the lease names the worker, expires after the lease time, and counts the attempt
    assertThat(leases).hasSize(1);
    Lease lease = leases.get(0);
    assertThat(lease.workerId()).isEqualTo("worker-7");
    assertThat(lease.expiresAt()).isEqualTo(clock.instant().plusSeconds(45));
    assertThat(lease.task().id()).isEqualTo("a");
    assertThat(lease.task().attempts()).isEqualTo(1);
    assertThat(lease.token()).isPositive();
    TaskRecord r = record("a");
    assertThat(r.state()).isEqualTo(TaskState.RUNNING);
    assertThat(r.task().attempts()).isEqualTo(1);
  }

  @Test
  void shouldRejectEveryOperationWithStaleLeaseAfterReleaseExpired() {
    // Given a task claimed by w1 whose lease expired and was taken over by w2
    enqueue(task("a"));
    Lease stale = queue.claim("w1", 1, LEASE).get(0);
    clock.advance(LEASE.plusSeconds(1));
    assertThat(queue.releaseExpired(clock.instant())).isEqualTo(1);
    assertThat(state("a")).isEqualTo(TaskState.PENDING);
    Lease current = queue.claim("w2", 1, LEASE).get(0);

    // Then the new claim has a newer token and counts a second attempt
    assertThat(current.token()).isGreaterThan(stale.token());
    assertThat(current.task().attempts()).isEqualTo(2);

    // When w1 tries to commit, fail, extend, release or cancel
    // Then each is refused and changes nothing
    assertThat(queue.complete(stale, "from w1")).isFalse();
    assertThat(queue.fail(stale, "w1 failed", Optional.empty())).isFalse();
    assertThat(queue.fail(stale, "w1 failed", Optional.of(clock.instant()))).isFalse();
    assertThat(queue.heartbeat(stale, LEASE)).isEmpty();
    assertThat(queue.release(stale)).isFalse();
    assertThat(queue.cancelRunning(stale)).isFalse();
    TaskRecord r = record("a");
    assertThat(r.state()).isEqualTo(TaskState.RUNNING);
    assertThat(r.lastError()).isEmpty();
    assertThat(r.task().attempts()).isEqualTo(2);

    // And w2 commits
    assertThat(queue.complete(current, "from w2")).isTrue();
    assertThat(record("a").output()).contains("from w2");
  }

  @Test
  void shouldRejectLeaseOfFinishedTask() {
    // Given a completed task
    enqueue(task("a"));
    Lease lease = claimOne();
    assertThat(queue.complete(lease, "done")).isTrue();

    // When the same lease is used again / Then it is refused
    assertThat(queue.complete(lease, "again")).isFalse();
    assertThat(queue.fail(lease, "late", Optional.empty())).isFalse();
    assertThat(queue.heartbeat(lease, LEASE)).isEmpty();
    assertThat(queue.release(lease)).isFalse();
    assertThat(record("a").output()).contains("done");
    assertThat(record("a").state()).isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void shouldGiveEveryClaimOfATaskANewerToken() {
    // Given a task that is claimed, failed with a retry, claimed, released and claimed
    enqueue(task("a"));
    List<Long> tokens = new ArrayList<>();
    Lease l1 = claimOne();
    tokens.add(l1.token());
    queue.fail(l1, "x", Optional.of(clock.instant()));
    Lease l2 = claimOne();
    tokens.add(l2.token());
    queue.release(l2);
    Lease l3 = claimOne();
    tokens.add(l3.token());

    // Then the tokens strictly increase
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void shouldExtendLeaseOnHeartbeat() {
    // Given a task claimed with a 30 s lease
    enqueue(task("a"));
    Lease lease = claimOne();

    // When the worker heartbeats after 20 s
    clock.advance(Duration.ofSeconds(20));
    Optional<Lease> extended = queue.heartbeat(lease, LEASE);

    // Then the lease runs 30 s from now, with the same token
    assertThat(extended).isPresent();
    assertThat(extended.get().expiresAt()).isEqualTo(clock.instant().plus(LEASE));
    assertThat(extended.get().token()).isEqualTo(lease.token());

    // And it is not released when the original expiry passes, only after the new one
    clock.advance(Duration.ofSeconds(20));
    assertThat(queue.releaseExpired(clock.instant())).isZero();
    clock.advance(Duration.ofSeconds(11));
    assertThat(queue.releaseExpired(clock.instant())).isEqualTo(1);
    assertThat(queue.complete(lease, "")).isFalse();
  }

  @Test
  void shouldReleaseOnlyLeasesExpiredBeforeNow() {
    // Given two tasks claimed at different times
    enqueue(task("a"), task("b"));
    Lease a = claimOne();
    clock.advance(Duration.ofSeconds(10));
    Lease b = claimOne();

    // When releasing at exactly a's expiry / Then nothing is released (expired means before now)
    assertThat(queue.releaseExpired(a.expiresAt())).isZero();

    // When a second later / Then only a
    assertThat(queue.releaseExpired(a.expiresAt().plusSeconds(1))).isEqualTo(1);
    assertThat(state("a")).isEqualTo(TaskState.PENDING);
    assertThat(state("b")).isEqualTo(TaskState.RUNNING);
    assertThat(queue.complete(b, "")).isTrue();
  }

  // ---------------------------------------------------------------- outcomes

  @Test
  void shouldRecordOutputErrorAndUpdateTime() {
    // Given three tasks
    enqueue(task("ok"), task("bad"), task("quiet"));
    Lease ok = claimOne();
    Lease bad = claimOne();
    Lease quiet = claimOne();

    // When one succeeds with output, one fails for good and one succeeds without output
    clock.advance(Duration.ofSeconds(5));
    assertThat(queue.complete(ok, "{\"rows\":3}")).isTrue();
    assertThat(queue.fail(bad, "HTTP 404", Optional.empty())).isTrue();
    assertThat(queue.complete(quiet, "")).isTrue();

    // Then their records say so
    TaskRecord okRecord = record("ok");
    assertThat(okRecord.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(okRecord.output()).contains("{\"rows\":3}");
    assertThat(okRecord.updatedAt()).isEqualTo(clock.instant());
    TaskRecord badRecord = record("bad");
    assertThat(badRecord.state()).isEqualTo(TaskState.FAILED);
    assertThat(badRecord.lastError()).contains("HTTP 404");
    assertThat(badRecord.output()).isEmpty();
    assertThat(record("quiet").output()).isEmpty();
    assertThat(queue.get("missing")).isEmpty();
    assertThat(claim(10)).isEmpty();
  }

  @Test
  void shouldKeepTaskFieldsInRecord() {
    // Given a task with every field set
    Task t =
        Task.builder("warm.daily")
            .id("id-1")
            .dedupeKey("600519:daily_quotes")
            .priority(4)
            .payload("{\"code\":\"600519\",\"name\":\"贵州茅台\"}")
            .attempts(2)
            .notBefore(clock.instant().minusSeconds(1))
            .build();

    // When enqueued
    enqueue(t);

    // Then the record holds the task as given
    TaskRecord r = record("id-1");
    assertThat(r.task()).isEqualTo(t);
    assertThat(r.state()).isEqualTo(TaskState.PENDING);
    assertThat(r.lastError()).isEmpty();

    // And a claim counts on from the attempts given
    assertThat(claimOne().task().attempts()).isEqualTo(3);
  }

  // ---------------------------------------------------------------- cancel

  @Test
  void shouldCancelPendingAndRetryingButNotRunning() {
    // Given a pending, a delayed, a retrying, a running and a succeeded task
    Task delayed =
        Task.builder("test").id("delayed").notBefore(clock.instant().plusSeconds(600)).build();
    enqueue(task("retrying", 5), task("running", 4), task("done", 3), task("pending", 2), delayed);
    Lease r = claimOne();
    queue.fail(r, "x", Optional.of(clock.instant().plusSeconds(60)));
    Lease running = claimOne();
    Lease done = claimOne();
    queue.complete(done, "");

    // When pending work is cancelled
    int cancelled = queue.cancelPending();

    // Then pending, delayed and retrying are cancelled; running and succeeded are not
    assertThat(cancelled).isEqualTo(3);
    assertThat(state("pending")).isEqualTo(TaskState.CANCELLED);
    assertThat(state("delayed")).isEqualTo(TaskState.CANCELLED);
    assertThat(state("retrying")).isEqualTo(TaskState.CANCELLED);
    assertThat(state("running")).isEqualTo(TaskState.RUNNING);
    assertThat(state("done")).isEqualTo(TaskState.SUCCEEDED);
    clock.advance(Duration.ofSeconds(700));
    assertThat(claim(10)).isEmpty();

    // When the running task's worker cancels it / Then it is cancelled
    assertThat(queue.cancelRunning(running)).isTrue();
    assertThat(state("running")).isEqualTo(TaskState.CANCELLED);
    assertThat(queue.cancelRunning(running)).isFalse();
    assertThat(queue.cancelPending()).isZero();
    assertThat(queue.stats().open()).isZero();
  }

  // ---------------------------------------------------------------- paused task types

  /** A task of the given type, id (also its dedupe key) and priority. */
  protected static Task typed(String type, String id, int priority) {
    return Task.builder(type).id(id).priority(priority).payload("{}").build();
  }

  @Test
  void shouldNotClaimTasksOfAPausedTypeUntilItIsResumed() {
    // Given tasks of two types
    enqueue(typed("embed", "e1", 5), typed("warm", "w1", 3), typed("embed", "e2", 3));

    // When one type is paused
    assertThat(queue.pauseType("embed")).isTrue();
    assertThat(queue.pauseType("embed")).as("second pause").isFalse();
    assertThat(queue.pausedTypes()).containsExactly("embed");

    // Then only the other type is claimed, though of lower priority; new tasks of the paused
    // type are accepted and wait
    assertThat(ids(claim(10))).containsExactly("w1");
    enqueue(typed("embed", "e3", 5));
    assertThat(claim(10)).isEmpty();
    assertThat(queue.stats().count(TaskState.PENDING)).isEqualTo(3);

    // When it is resumed / Then its tasks come in their order: priority, then enqueue order
    assertThat(queue.resumeType("embed")).isTrue();
    assertThat(queue.resumeType("embed")).as("second resume").isFalse();
    assertThat(queue.pausedTypes()).isEmpty();
    assertThat(ids(claim(10))).containsExactly("e1", "e3", "e2");
  }

  @Test
  void shouldLetRunningTasksOfAPausedTypeFinish() {
    // Given a running task
    enqueue(typed("embed", "e1", 3), typed("embed", "e2", 3));
    Lease running = claimOne();

    // When its type is paused / Then it still heartbeats and completes; the other waits
    queue.pauseType("embed");
    assertThat(queue.heartbeat(running, LEASE)).isPresent();
    assertThat(queue.complete(running, "")).isTrue();
    assertThat(state("e1")).isEqualTo(TaskState.SUCCEEDED);
    assertThat(claim(10)).isEmpty();
    assertThat(state("e2")).isEqualTo(TaskState.PENDING);
  }

  @Test
  void shouldHoldDelayedRetriedAndReclaimedTasksOfAPausedTypeWhenTheyComeDue() {
    // Given a delayed task, a retrying one and a running one whose lease will expire
    Task later = Task.builder("embed").id("later").notBefore(clock.instant().plusSeconds(60))
        .build();
    enqueue(typed("embed", "retry", 3), typed("embed", "lost", 3), later);
    Lease retry = claimOne();
    queue.fail(retry, "timeout", Optional.of(clock.instant().plusSeconds(30)));
    Lease lost = claimOne();

    // When the type is paused and all three come due
    queue.pauseType("embed");
    clock.advance(Duration.ofSeconds(61));
    assertThat(queue.releaseExpired(clock.instant())).isEqualTo(1);

    // Then none is claimed; the lost lease is refused
    assertThat(claim(10)).isEmpty();
    assertThat(queue.complete(lost, "")).isFalse();

    // When resumed / Then all three are claimed, the retried one behind the others
    queue.resumeType("embed");
    assertThat(ids(claim(10))).containsExactly("lost", "later", "retry");
  }

  @Test
  void shouldCancelPendingTasksOfAPausedType() {
    // Given pending tasks of a paused type
    enqueue(typed("embed", "e1", 3), typed("warm", "w1", 3));
    queue.pauseType("embed");

    // When pending work is cancelled / Then they are cancelled too, and stay so after resume
    assertThat(queue.cancelPending()).isEqualTo(2);
    assertThat(state("e1")).isEqualTo(TaskState.CANCELLED);
    queue.resumeType("embed");
    assertThat(claim(10)).isEmpty();
    assertThat(queue.stats().open()).isZero();
  }

  @Test
  void shouldPauseATypeThatHasNoTasksYet() {
    // Given a paused type with no tasks
    assertThat(queue.pauseType("report")).isTrue();

    // When its tasks arrive / Then they wait for the resume
    enqueue(typed("report", "r1", 3));
    assertThat(claim(10)).isEmpty();
    queue.resumeType("report");
    assertThat(ids(claim(10))).containsExactly("r1");
  }

  @Test
  void shouldRejectAnInvalidTaskTypeToPauseOrResume() {
    assertThatThrownBy(() -> queue.pauseType("rag sync"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType")
        .hasMessageContaining("rag sync");
    assertThatThrownBy(() -> queue.resumeType(""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType");
    assertThatThrownBy(() -> queue.pauseType(null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType");
    assertThat(queue.pausedTypes()).isEmpty();
  }

  // ---------------------------------------------------------------- stats

  @Test
  void shouldCountTasksByState() {
    // Given seven tasks moved to every state
    enqueue(
        task("s", 5),
        task("f", 5),
        task("r", 5),
        task("run", 5),
        task("c", 5),
        task("p1", 1),
        task("p2", 1));
    queue.complete(claimOne(), "");
    queue.fail(claimOne(), "x", Optional.empty());
    queue.fail(claimOne(), "x", Optional.of(clock.instant().plusSeconds(60)));
    claimOne();
    queue.cancelRunning(claimOne());

    // When counted
    QueueStats stats = queue.stats();

    // Then each state has its count
    assertThat(stats.count(TaskState.SUCCEEDED)).isEqualTo(1);
    assertThat(stats.count(TaskState.FAILED)).isEqualTo(1);
    assertThat(stats.count(TaskState.RETRYING)).isEqualTo(1);
    assertThat(stats.count(TaskState.RUNNING)).isEqualTo(1);
    assertThat(stats.count(TaskState.CANCELLED)).isEqualTo(1);
    assertThat(stats.count(TaskState.PENDING)).isEqualTo(2);
    assertThat(stats.total()).isEqualTo(7);
    assertThat(stats.open()).isEqualTo(4);
  }

  @Test
  void shouldTellWhetherAnyTaskIsOpen() {
    // Given an empty queue / Then nothing is open
    assertThat(queue.hasOpenTasks()).isFalse();

    // When tasks are pending, running and retrying / Then some are open
    Task later = Task.builder("test").id("later").notBefore(clock.instant().plusSeconds(60))
        .build();
    enqueue(task("a"), task("b"), later);
    assertThat(queue.hasOpenTasks()).as("pending").isTrue();
    Lease a = claimOne();
    Lease b = claimOne();
    queue.complete(b, "");
    queue.cancelPending();
    assertThat(queue.hasOpenTasks()).as("one running").isTrue();
    queue.fail(a, "timeout", Optional.of(clock.instant().plusSeconds(30)));
    assertThat(queue.hasOpenTasks()).as("one retrying").isTrue();

    // When the last one ends / Then nothing is open, though the history is kept
    clock.advance(Duration.ofSeconds(30));
    queue.fail(claimOne(), "timeout", Optional.empty());
    assertThat(queue.hasOpenTasks()).isFalse();
    assertThat(queue.stats().total()).isEqualTo(3);
  }

  // ---------------------------------------------------------------- arguments

  @Test
  void shouldRejectInvalidClaimArguments() {
    assertThatThrownBy(() -> queue.claim("w", -1, LEASE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("max");
    assertThatThrownBy(() -> queue.claim("w", 1, Duration.ZERO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("leaseTime");
    assertThatThrownBy(() -> queue.claim("", 1, LEASE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("workerId");
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldNeverHandOneTaskToTwoWorkersUnderConcurrentClaims() throws Exception {
    // Given 20,000 tasks of mixed priorities, enqueued in chunks
    int n = 20_000;
    List<Task> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(task("t" + i, 1 + i % 5));
    }
    for (int i = 0; i < n; i += 1000) {
      queue.enqueue(tasks.subList(i, i + 1000));
    }

    // When four workers claim batches of varying size and complete what they claim
    int workers = 4;
    ConcurrentHashMap<String, String> claimedBy = new ConcurrentHashMap<>();
    AtomicInteger doubleClaims = new AtomicInteger();
    AtomicInteger refusedCompletes = new AtomicInteger();
    AtomicLong completed = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        String worker = "w" + w;
        int batch = 1 + w * 10;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  while (true) {
                    List<Lease> leases = queue.claim(worker, batch, Duration.ofMinutes(10));
                    if (leases.isEmpty()) {
                      return null;
                    }
                    for (Lease l : leases) {
                      if (claimedBy.putIfAbsent(l.task().id(), worker) != null) {
                        doubleClaims.incrementAndGet();
                      }
                      if (queue.complete(l, "")) {
                        completed.incrementAndGet();
                      } else {
                        refusedCompletes.incrementAndGet();
                      }
                    }
                  }
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // Then every task was claimed exactly once and completed
    assertThat(doubleClaims.get()).isZero();
    assertThat(refusedCompletes.get()).isZero();
    assertThat(claimedBy).hasSize(n);
    assertThat(completed.get()).isEqualTo(n);
    assertThat(queue.stats().count(TaskState.SUCCEEDED)).isEqualTo(n);
    assertThat(queue.stats().open()).isZero();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldClaimEachTaskOnceWhileOthersEnqueueAndRetry() throws Exception {
    // Given producers enqueueing while workers claim, failing every third task once with a retry
    int producers = 2;
    int perProducer = 5_000;
    int workers = 3;
    ConcurrentHashMap<String, String> holders = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(producers + workers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int base = p * perProducer;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perProducer; i += 50) {
                    List<Task> chunk = new ArrayList<>(50);
                    for (int j = i; j < i + 50; j++) {
                      chunk.add(task("t" + (base + j), 1 + j % 5));
                    }
                    queue.enqueue(chunk);
                  }
                  return null;
                }));
      }
      for (int w = 0; w < workers; w++) {
        String worker = "w" + w;
        futures.add(
            pool.submit(
                () -> {
                  while (done.get() < (long) producers * perProducer) {
                    List<Lease> leases = queue.claim(worker, 16, Duration.ofMinutes(10));
                    for (Lease l : leases) {
                      String id = l.task().id();
                      if (holders.putIfAbsent(id, worker + "#" + l.token()) != null) {
                        overlaps.incrementAndGet();
                      }
                      boolean retry =
                          l.task().attempts() == 1 && Math.floorMod(id.hashCode(), 3) == 0;
                      holders.remove(id); // before the queue may hand it out again
                      if (retry) {
                        assertThat(queue.fail(l, "once", Optional.of(clock.instant()))).isTrue();
                      } else {
                        assertThat(queue.complete(l, "")).isTrue();
                        done.incrementAndGet();
                      }
                    }
                    if (leases.isEmpty()) {
                      Thread.yield();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // Then no task ran in two places at once and every task succeeded
    assertThat(overlaps.get()).isZero();
    QueueStats stats = queue.stats();
    assertThat(stats.count(TaskState.SUCCEEDED)).isEqualTo((long) producers * perProducer);
    assertThat(stats.total()).isEqualTo((long) producers * perProducer);
  }
}
