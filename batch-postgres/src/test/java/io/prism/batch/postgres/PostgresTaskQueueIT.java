package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Lease;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.queue.SignallingQueueContract;
import io.prism.batch.core.queue.TaskQueueContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresTaskQueue} against the {@link TaskQueueContract} every queue passes and the
 * {@link SignallingQueueContract}, on a real PostgreSQL, plus what only this queue offers. Each
 * test works in a logical queue of its own in one schema, which also shows that queues sharing
 * the table do not see each other's tasks.
 */
class PostgresTaskQueueIT extends SignallingQueueContract {
  private static final AtomicInteger QUEUES = new AtomicInteger();
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = PostgresDataSource.builder().url(PgTestDatabase.URL).user(PgTestDatabase.USER)
        .password(PgTestDatabase.PASSWORD).maximumPoolSize(8).build();
    schema = PgTestDatabase.freshSchema(PostgresTaskQueueIT.class);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      PgTestDatabase.dropSchema(db.jdbi(), schema);
      db.close();
    }
  }

  private static PostgresTaskQueue.Builder builder() {
    return PostgresTaskQueue.builder(db.jdbi()).schema(schema).migrate(false)
        .queue("q" + QUEUES.incrementAndGet());
  }

  @Override
  protected TaskQueue newQueue(Clock clock) {
    return builder().clock(clock).build();
  }

  private PostgresTaskQueue pg() {
    return (PostgresTaskQueue) queue;
  }

  private static Instant dbNow() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT now()").mapTo(OffsetDateTime.class)
        .one()).toInstant();
  }

  private long effects(String table) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM \"" + schema + "\"."
        + table).mapTo(Long.class).one());
  }

  // ---------------------------------------------------------------- logical queues

  @Test
  void shouldKeepLogicalQueuesInOneTableApart() {
    // Given a second queue in the same table holding a task with the same id and key
    try (PostgresTaskQueue other = builder().clock(clock).build()) {
      enqueue(task("a"));
      assertThat(other.enqueue(List.of(task("a"))).accepted()).containsExactly("a");

      // When the first queue's task is claimed and completed
      queue.complete(claimOne(), "first");

      // Then the other queue's task is untouched, and each counts only its own
      assertThat(other.get("a").orElseThrow().state()).isEqualTo(TaskState.PENDING);
      assertThat(other.stats().total()).isEqualTo(1);
      assertThat(queue.stats().count(TaskState.SUCCEEDED)).isEqualTo(1);
      assertThat(other.claim("w", 10, LEASE)).hasSize(1);
    }
  }

  // ---------------------------------------------------------------- batch completion

  @Test
  void shouldCompleteManyLeasesInOneCallAndRefuseLostOnes() {
    // Given five claimed tasks, one of which was taken over by another worker
    enqueue(task("a"), task("b"), task("c"), task("d"), task("e"));
    List<Lease> leases = claim(4);
    clock.advance(LEASE.plusSeconds(1));
    queue.releaseExpired(clock.instant());
    List<Lease> again = queue.claim("w2", 10, LEASE);
    assertThat(ids(again)).containsExactly("a", "b", "c", "d", "e");
    Lease lostC = leases.get(2);
    List<Lease> current = new ArrayList<>(again.subList(0, 4));
    current.set(2, lostC);
    current.add(again.get(0)); // the same task twice in one call

    // When completing them together
    List<Boolean> recorded =
        queue.completeAll(current, List.of("{\"n\":1}", "", "stale", "", "twice"));

    // Then each current lease is recorded once, the stale and the repeated one are refused
    assertThat(queue.batchesCompletions()).isTrue();
    assertThat(recorded).containsExactly(true, true, false, true, false);
    assertThat(record("a").output()).contains("{\"n\":1}");
    assertThat(record("b").output()).isEmpty();
    assertThat(state("c")).isEqualTo(TaskState.RUNNING);
    assertThat(record("c").output()).isEmpty();
    assertThat(queue.completeAll(List.of(again.get(2), again.get(4)), List.of("c", "e")))
        .containsExactly(true, true);
    assertThat(queue.stats().count(TaskState.SUCCEEDED)).isEqualTo(5);
    assertThatThrownBy(() -> queue.completeAll(List.of(again.get(0)), List.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("outputs");
  }

  // ---------------------------------------------------------------- lease transaction

  @Test
  void shouldCommitLeaseTransactionOnlyWhileTheLeaseIsCurrent() {
    // Given a task claimed by w1, expired and taken over by w2
    db.jdbi().useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS \"" + schema
        + "\".lease_effects (task_id TEXT NOT NULL)"));
    enqueue(task("a"));
    Lease stale = claimOne();
    clock.advance(LEASE.plusSeconds(1));
    queue.releaseExpired(clock.instant());
    Lease current = queue.claim("w2", 1, LEASE).get(0);
    String insert = "INSERT INTO \"" + schema + "\".lease_effects VALUES (:id)";

    // When w1 writes its effect in a lease transaction / Then nothing is written
    assertThatThrownBy(() -> pg().inLeaseTransaction(stale, h ->
        h.createUpdate(insert).bind("id", "a").execute()))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("task a");
    assertThat(effects("lease_effects")).isZero();

    // When w2's work throws inside its transaction / Then nothing is written and it still runs
    assertThatThrownBy(() -> pg().inLeaseTransaction(current, h -> {
      h.createUpdate(insert).bind("id", "a").execute();
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(effects("lease_effects")).isZero();
    assertThat(state("a")).isEqualTo(TaskState.RUNNING);

    // When w2 writes its effect / Then the effect and the success commit together
    int rows = pg().inLeaseTransaction(current, h ->
        h.createUpdate(insert).bind("id", "a").execute());
    assertThat(rows).isEqualTo(1);
    assertThat(effects("lease_effects")).isEqualTo(1);
    assertThat(state("a")).isEqualTo(TaskState.SUCCEEDED);

    // And the engine's completion that follows is acknowledged once; nothing else gets in
    assertThat(queue.fail(current, "late", Optional.empty())).isFalse();
    assertThat(queue.heartbeat(current, LEASE)).isEmpty();
    assertThat(queue.complete(current, "{\"done\":true}")).isTrue();
    assertThat(queue.complete(current, "again")).isFalse();
    assertThat(record("a").output()).contains("{\"done\":true}");
    assertThatThrownBy(() -> pg().inLeaseTransaction(current, h -> 1))
        .isInstanceOf(LeaseLostException.class);
  }

  // ---------------------------------------------------------------- caps, expiry, history

  @Test
  void shouldNotClaimMoreRunningTasksOfACappedTypeThanItsCap() {
    // Given a queue that runs at most two "embed" tasks at once, with five of them and others
    try (PostgresTaskQueue capped = builder().clock(clock).concurrencyCap("embed", 2).build()) {
      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        tasks.add(Task.builder("embed").id("e" + i).priority(5).build());
      }
      for (int i = 0; i < 3; i++) {
        tasks.add(Task.builder("warm").id("w" + i).priority(1).build());
      }
      capped.enqueue(tasks);

      // When claiming as much as possible, twice
      List<Lease> first = capped.claim("w1", 100, LEASE);
      List<Lease> second = capped.claim("w2", 100, LEASE);

      // Then two embed tasks run, the others of lower priority are not held back by them
      assertThat(ids(first)).containsExactly("e0", "e1", "w0", "w1", "w2");
      assertThat(second).isEmpty();

      // When one embed task ends / Then exactly one more may start
      capped.complete(first.get(0), "");
      assertThat(ids(capped.claim("w2", 100, LEASE))).containsExactly("e2");
      capped.fail(first.get(1), "x", Optional.empty());
      assertThat(ids(capped.claim("w2", 100, LEASE))).containsExactly("e3");
      assertThat(capped.claim("w2", 100, LEASE)).isEmpty();
    }
    assertThatThrownBy(() -> builder().concurrencyCap("embed", 2).concurrencyCap("embed", 3))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already set to 2");
  }

  @Test
  void shouldPauseATaskTypeForEveryJvmOfTheQueueAndNoOtherQueue() {
    // Given a second node on the same logical queue, and another logical queue
    try (PostgresTaskQueue node2 = PostgresTaskQueue.builder(db.jdbi()).schema(schema)
            .migrate(false).queue(pg().queueName()).clock(clock).build();
        PostgresTaskQueue other = builder().clock(clock).build()) {
      enqueue(typed("embed", "e1", 5), typed("warm", "w1", 3));
      other.enqueue(List.of(typed("embed", "o1", 5)));

      // When this node pauses "embed"
      assertThat(queue.pauseType("embed")).isTrue();

      // Then the other node sees the pause and claims only "warm"; the other queue is not paused
      assertThat(node2.pausedTypes()).containsExactly("embed");
      assertThat(node2.pauseType("embed")).as("already paused").isFalse();
      assertThat(ids(node2.claim("n2", 10, LEASE))).containsExactly("w1");
      assertThat(other.pausedTypes()).isEmpty();
      assertThat(ids(other.claim("o", 10, LEASE))).containsExactly("o1");

      // When the other node resumes it / Then this node claims the task
      assertThat(node2.resumeType("embed")).isTrue();
      assertThat(queue.pausedTypes()).isEmpty();
      assertThat(ids(claim(10))).containsExactly("e1");
    }
  }

  @Test
  void shouldPauseATypeOfAQueueWithConcurrencyCaps() {
    // Given a capped queue with tasks of the capped type and another
    try (PostgresTaskQueue capped = builder().clock(clock).concurrencyCap("embed", 2).build()) {
      capped.enqueue(List.of(typed("embed", "e1", 5), typed("warm", "w1", 3),
          typed("warm", "w2", 1)));

      // When "warm" is paused / Then only the capped type is claimed
      capped.pauseType("warm");
      assertThat(ids(capped.claim("w", 10, LEASE))).containsExactly("e1");

      // When resumed / Then the paused tasks come in their order
      capped.resumeType("warm");
      assertThat(ids(capped.claim("w", 10, LEASE))).containsExactly("w1", "w2");
    }
  }

  @Test
  void shouldFailATaskForGoodWhenItsLeaseKeepsExpiring() {
    // Given a queue that gives up after the second start whose lease expired
    try (PostgresTaskQueue q = builder().clock(clock).maxAttemptsOnLeaseExpiry(2).build()) {
      q.enqueue(List.of(task("poison")));

      // When its worker dies twice
      q.claim("w1", 1, LEASE);
      clock.advance(LEASE.plusSeconds(1));
      assertThat(q.releaseExpired(clock.instant())).isEqualTo(1);
      assertThat(q.get("poison").orElseThrow().state()).isEqualTo(TaskState.PENDING);
      q.claim("w2", 1, LEASE);
      clock.advance(LEASE.plusSeconds(1));
      assertThat(q.releaseExpired(clock.instant())).isEqualTo(1);

      // Then it failed for good, saying why
      var r = q.get("poison").orElseThrow();
      assertThat(r.state()).isEqualTo(TaskState.FAILED);
      assertThat(r.lastError()).hasValueSatisfying(e -> assertThat(e).contains("w2", "expired"));
      assertThat(q.claim("w3", 1, LEASE)).isEmpty();
    }
  }

  @Test
  void shouldPurgeOnlyFinishedTasksOlderThanTheRetention() {
    // Given a queue keeping history for an hour, with old and new finished tasks and open ones
    try (PostgresTaskQueue q =
        builder().clock(clock).historyRetention(Duration.ofHours(1)).build()) {
      q.enqueue(List.of(task("old-ok"), task("old-failed"), task("old-cancelled"),
          task("old-running"), task("old-pending"), task("new-ok")));
      q.complete(q.claim("w", 1, LEASE).get(0), "");
      q.fail(q.claim("w", 1, LEASE).get(0), "x", Optional.empty());
      q.cancelRunning(q.claim("w", 1, LEASE).get(0));
      q.claim("w", 1, LEASE);
      clock.advance(Duration.ofMinutes(61));
      Lease fresh = q.claim("w", 10, LEASE).stream()
          .filter(l -> l.task().id().equals("new-ok")).findFirst().orElseThrow();
      q.complete(fresh, "");

      // When purged
      int purged = q.purgeHistory();

      // Then the three old finished tasks are gone; their keys can be enqueued again
      assertThat(purged).isEqualTo(3);
      assertThat(q.get("old-ok")).isEmpty();
      assertThat(q.get("old-running")).isPresent();
      assertThat(q.get("new-ok")).isPresent();
      assertThat(q.enqueue(List.of(task("old-ok"))).accepted()).containsExactly("old-ok");
      assertThat(q.purgeHistory()).isZero();
    }
  }

  @Test
  void shouldReleaseExpiredLeasesAndPurgeHistoryInTheBackgroundWhenAsked() {
    // Given a queue that reclaims and purges on its own, with a running and a finished task
    try (PostgresTaskQueue q = builder().clock(clock).historyRetention(Duration.ofMinutes(1))
        .reclaimEvery(Duration.ofMillis(20)).purgeEvery(Duration.ofMillis(20)).build()) {
      q.enqueue(List.of(task("crashed"), task("done")));
      List<Lease> leases = q.claim("w1", 2, LEASE);
      q.complete(leases.get(1), "");

      // When the lease and the retention pass, with no one calling releaseExpired or purge
      clock.advance(LEASE.plusMinutes(1));

      // Then the crashed task is claimable again and the finished one is gone
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while ((q.get("crashed").orElseThrow().state() != TaskState.PENDING
          || q.get("done").isPresent()) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(5_000_000);
      }
      assertThat(q.get("crashed").orElseThrow().state()).isEqualTo(TaskState.PENDING);
      assertThat(q.get("done")).isEmpty();
      assertThat(ids(q.claim("w2", 5, LEASE))).containsExactly("crashed");
    }
  }

  // ---------------------------------------------------------------- database time

  @Test
  void shouldTakeLeaseTimesFromTheDatabaseWhenNoClockIsGiven() {
    // Given a queue on the database's time
    try (PostgresTaskQueue q = builder().build()) {
      q.enqueue(List.of(task("a")));

      // When a task is claimed with a 30 s lease
      Instant before = dbNow();
      Lease lease = q.claim("w", 1, Duration.ofSeconds(30)).get(0);
      Instant after = dbNow();

      // Then the lease runs 30 s from the database's now
      assertThat(lease.expiresAt()).isBetween(before.plusSeconds(30), after.plusSeconds(30));

      // And a caller whose clock runs an hour ahead cannot release it early
      assertThat(q.releaseExpired(Instant.now().plus(Duration.ofHours(1)))).isZero();
      assertThat(q.heartbeat(lease, Duration.ofMillis(1))).isPresent();
      Instant expired = dbNow().plusMillis(1);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (dbNow().compareTo(expired) <= 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(q.releaseExpired(Instant.now().plus(Duration.ofHours(1)))).isEqualTo(1);
      assertThat(q.complete(lease, "")).isFalse();
    }
  }

  // ---------------------------------------------------------------- waiting for work

  @Test
  void shouldWakeAWaiterWhenAnotherJvmEnqueuesAndNoWaiterOfAnotherQueue() throws Exception {
    // Given a waiter on this queue and one on another logical queue, both blocked, and a
    // second "JVM": the same logical queue on a pool of its own
    try (PostgresTaskQueue here = builder().build();
        PostgresTaskQueue elsewhere = builder().build();
        PostgresDataSource otherPool = PgTestDatabase.open();
        PostgresTaskQueue otherJvm = PostgresTaskQueue.builder(otherPool.jdbi()).schema(schema)
            .migrate(false).queue(here.queueName()).build()) {
      Waiter waiter = Waiter.start(here, 30);
      Waiter otherQueue = Waiter.start(elsewhere, 3);
      waiter.awaitBlocked();
      otherQueue.awaitBlocked();

      // When the other JVM enqueues
      otherJvm.enqueue(List.of(task("a")));

      // Then this queue's waiter wakes with work long before its timeout; the other does not
      assertThat(waiter.result(10)).as("woken by the other JVM's enqueue").isTrue();
      assertThat(waiter.seconds()).as("seconds until woken (timeout 30)").isLessThan(10);
      assertThat(otherQueue.result(10)).as("a waiter of another logical queue").isFalse();
    }
  }

  @Test
  void shouldWakeAWaiterAtARetryTime() throws Exception {
    // Given a task failed with a retry a second from now, on the database's time
    try (PostgresTaskQueue q = builder().build()) {
      q.enqueue(List.of(task("a")));
      Instant retryAt = dbNow().plusSeconds(1);
      q.fail(q.claim("w", 1, LEASE).get(0), "x", Optional.of(retryAt));
      assertThat(q.nextNotBefore()).contains(retryAt.truncatedTo(ChronoUnit.MICROS));

      // When a thread waits with a long timeout / Then it wakes with work at the retry time
      Waiter waiter = Waiter.start(q, 30);
      assertThat(waiter.result(10)).as("woken at the retry time").isTrue();
      assertThat(dbNow()).isAfterOrEqualTo(retryAt);
      assertThat(ids(q.claim("w", 1, LEASE))).containsExactly("a");
    }
  }

  @Test
  void shouldReturnFalseAtTheTimeoutOnAnEmptyQueue() throws Exception {
    try (PostgresTaskQueue q = builder().build()) {
      long t0 = System.nanoTime();
      assertThat(q.awaitClaimable(300, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .as("returns at its timeout, not before").isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
  }

  @Test
  void shouldWakeWaitersOfAFailedListenerByPollingAndListenAgain() throws Exception {
    // Given a listening queue whose listening connection is killed
    try (PostgresTaskQueue q = builder().listenerFallbackPoll(Duration.ofMillis(100)).build();
        PostgresDataSource otherPool = PgTestDatabase.open();
        PostgresTaskQueue otherJvm = PostgresTaskQueue.builder(otherPool.jdbi()).schema(schema)
            .migrate(false).queue(q.queueName()).build()) {
      assertThat(q.awaitClaimable(0, TimeUnit.MILLISECONDS)).isFalse();
      int first = listenerPid(q);
      killBackend(first);

      // When the other JVM enqueues while the listener is down or reconnecting
      Waiter waiter = Waiter.start(q, 30);
      otherJvm.enqueue(List.of(task("a")));

      // Then the waiter still wakes with work
      assertThat(waiter.result(10)).as("woken while the listener was down").isTrue();
      assertThat(ids(q.claim("w", 1, LEASE))).containsExactly("a");

      // And the listener comes back on a new connection
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!(q.isListening() && listenerPidOrZero(q) != 0)
          && System.nanoTime() < deadline) {
        LockSupport.parkNanos(10_000_000);
      }
      assertThat(q.isListening()).as("listening again within 20 s").isTrue();
      assertThat(listenerPid(q)).isNotEqualTo(first);

      // And a blocked waiter is woken by the next enqueue of the other JVM
      Waiter later = Waiter.start(q, 30);
      later.awaitBlocked();
      otherJvm.enqueue(List.of(task("b")));
      assertThat(later.result(10)).as("woken by a notification after reconnecting").isTrue();
    }
  }

  @Test
  void shouldWaitByPollingWhenListeningIsOff() throws Exception {
    // Given a queue that does not listen, and a blocked waiter
    try (PostgresTaskQueue q = builder().listen(false)
            .listenerFallbackPoll(Duration.ofMillis(50)).build();
        PostgresTaskQueue otherJvm = builder().queue(q.queueName()).build()) {
      Waiter waiter = Waiter.start(q, 30);
      waiter.awaitBlocked();

      // When another queue object enqueues / Then the waiter finds it at its next poll
      otherJvm.enqueue(List.of(task("a")));
      assertThat(waiter.result(10)).isTrue();
      assertThat(q.isListening()).isFalse();
      assertThat(listenerPidOrZero(q)).as("no listening connection").isZero();
    }
    assertThatThrownBy(() -> builder().listenerFallbackPoll(Duration.ofMillis(5)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("listenerFallbackPoll");
  }

  @Test
  void shouldNotCountTasksOfAFullCapAsClaimable() throws Exception {
    // Given a queue capping "embed" at one running task, with one running and one pending
    try (PostgresTaskQueue capped = builder().clock(clock).concurrencyCap("embed", 1).build()) {
      capped.enqueue(List.of(typed("embed", "e1", 3), typed("embed", "e2", 3)));
      Lease running = capped.claim("w", 10, LEASE).get(0);

      // Then nothing is claimable until the running one ends
      assertThat(capped.awaitClaimable(0, TimeUnit.MILLISECONDS)).isFalse();
      capped.complete(running, "");
      assertThat(capped.awaitClaimable(0, TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  @Test
  void shouldNameChannelsByQueueWithinPostgresLimits() {
    String longQueue = "q".repeat(100);
    assertThat(PostgresTaskQueue.channel("a_schema_with_a_rather_long_name_of_sixty_three_chars_"
        + "12345678", longQueue)).matches("[a-z0-9_]{1,63}");
    assertThat(PostgresTaskQueue.channel("s", "q1"))
        .isNotEqualTo(PostgresTaskQueue.channel("s", "q2"))
        .isNotEqualTo(PostgresTaskQueue.channel("t", "q1"));
  }

  private static int listenerPid(PostgresTaskQueue q) {
    int pid = listenerPidOrZero(q);
    assertThat(pid).as("the backend of the listening connection").isPositive();
    return pid;
  }

  private static int listenerPidOrZero(PostgresTaskQueue q) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT coalesce(max(pid), 0)"
        + " FROM pg_stat_activity WHERE application_name = :name")
        .bind("name", q.listenerApplicationName()).mapTo(Integer.class).one());
  }

  private static void killBackend(int pid) {
    boolean killed = db.jdbi().withHandle(h -> h.createQuery("SELECT pg_terminate_backend(:pid)")
        .bind("pid", pid).mapTo(Boolean.class).one());
    assertThat(killed).as("backend %d terminated", pid).isTrue();
  }

  /** A thread in {@link PostgresTaskQueue#awaitClaimable}. */
  private static final class Waiter {
    private final CompletableFuture<Boolean> result = new CompletableFuture<>();
    private final long start = System.nanoTime();
    private volatile long end;
    private final Thread thread;

    private Waiter(PostgresTaskQueue q, long timeoutSeconds) {
      thread = new Thread(() -> {
        try {
          boolean woken = q.awaitClaimable(timeoutSeconds, TimeUnit.SECONDS);
          end = System.nanoTime();
          result.complete(woken);
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      }, "it-waiter");
      thread.setDaemon(true);
    }

    static Waiter start(PostgresTaskQueue q, long timeoutSeconds) {
      Waiter w = new Waiter(q, timeoutSeconds);
      w.thread.start();
      return w;
    }

    /** Returns once the thread waits (for a signal, not the database), within 10 s. */
    void awaitBlocked() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (thread.getState() != Thread.State.TIMED_WAITING && !result.isDone()
          && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      assertThat(thread.getState()).as("waiter blocked").isEqualTo(Thread.State.TIMED_WAITING);
    }

    boolean result(long seconds) throws Exception {
      return result.get(seconds, TimeUnit.SECONDS);
    }

    double seconds() {
      return (end - start) / 1e9;
    }
  }

  // ---------------------------------------------------------------- input and plugin

  @Test
  void shouldRejectTimesPostgresCannotHold() {
    Task never = Task.builder("test").id("x").notBefore(Instant.MAX).build();
    assertThatThrownBy(() -> queue.enqueue(List.of(never)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("notBefore");
    assertThatThrownBy(() -> builder().queue("bad name"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("queue");
  }

  @Test
  void shouldCreateTheQueueByNameWithItsSettings() {
    Map<String, String> settings = Map.of("url", PgTestDatabase.URL, "user", PgTestDatabase.USER,
        "password", PgTestDatabase.PASSWORD, "schema", schema, "queue", "from-plugin",
        "maximumPoolSize", "2");
    try (TaskQueue q = Plugins.create(TaskQueue.class, "postgres", settings)) {
      assertThat(q).isInstanceOf(PostgresTaskQueue.class);
      assertThat(((PostgresTaskQueue) q).queueName()).isEqualTo("from-plugin");
      q.enqueue(List.of(task("p")));
      assertThat(q.claim("w", 5, LEASE)).hasSize(1);
    }
    assertThatThrownBy(() -> Plugins.create(TaskQueue.class, "postgres",
        Map.of("url", PgTestDatabase.URL, "queues", "x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("queues");
  }
}
