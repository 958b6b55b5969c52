package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.BatchRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several worker JVMs ({@link ClusterWorkerMain}) sharing one {@link PostgresTaskQueue}: every
 * task's side effect happens once, the work of a killed JVM is taken over within about a lease
 * time, a JVM paused past its lease cannot commit when it comes back, and a per-type concurrency
 * cap holds across engines.
 */
class ClusterWorkersIT {
  private static final int TASKS = 10_000;
  private static final Duration SHORT_LEASE = Duration.ofSeconds(2);

  private static PostgresDataSource db;
  private static String schema;
  private final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void createSchema() {
    db = PostgresDataSource.builder().url(PgTestDatabase.URL).user(PgTestDatabase.USER)
        .password(PgTestDatabase.PASSWORD).maximumPoolSize(4).build();
    schema = PgTestDatabase.freshSchema(ClusterWorkersIT.class);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
    db.jdbi().useHandle(h -> {
      // no unique constraint: a task whose effect happened twice shows up twice
      h.execute("CREATE TABLE \"" + schema + "\".effects (task_id TEXT NOT NULL,"
          + " node TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())");
      h.execute("CREATE TABLE \"" + schema + "\".rejections (task_id TEXT NOT NULL,"
          + " node TEXT NOT NULL, token BIGINT NOT NULL)");
    });
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      PgTestDatabase.dropSchema(db.jdbi(), schema);
      db.close();
    }
  }

  @BeforeEach
  void clearEffects() {
    PgTestDatabase.truncate(db.jdbi(), schema, "effects", "rejections");
  }

  @AfterEach
  void stopChildren() throws Exception {
    for (Process p : children) {
      if (p.isAlive()) {
        signal(p, "CONT");
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  // ---------------------------------------------------------------- tests

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldRunEachTaskExactlyOnceAcrossTwoWorkerJvms() throws Exception {
    // Given 10,000 tasks and two worker JVMs with plain (at-least-once) processors
    String queue = "once";
    enqueue(queue, TASKS);
    Process a = startWorker("node-a", queue, "plain", Duration.ofSeconds(30), 200, 2);
    Process b = startWorker("node-b", queue, "plain", Duration.ofSeconds(30), 200, 2);

    // When both run until the queue is drained
    awaitExit(a, Duration.ofSeconds(90));
    awaitExit(b, Duration.ofSeconds(90));

    // Then every task ran exactly once, and both JVMs did part of the work
    assertThat(a.exitValue()).isZero();
    assertThat(b.exitValue()).isZero();
    assertEffectsExactlyOnce();
    Map<String, Long> byNode = effectsByNode();
    assertThat(byNode.get("node-a")).isPositive();
    assertThat(byNode.get("node-b")).isPositive();
    assertThat(stats(queue, TaskState.SUCCEEDED)).isEqualTo(TASKS);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldReclaimTheTasksOfAKilledJvmWithinTheLeaseTime() throws Exception {
    // Given two worker JVMs of 4 workers with 2 s leases, making their effects in lease
    // transactions
    String queue = "kill";
    enqueue(queue, TASKS);
    Process a = startWorker("node-a", queue, "fenced", SHORT_LEASE, 200, 4);
    Process b = startWorker("node-b", queue, "fenced", SHORT_LEASE, 200, 4);
    awaitMidway(queue, "node-a");

    // When node-a is killed (SIGKILL) while it holds leases
    a.destroyForcibly();
    assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Instant killedAt = dbNow();
    List<String> orphans = runningOf(queue, "node-a");

    // Then node-b completes everything, node-a's orphaned tasks within about a lease time
    awaitExit(b, Duration.ofSeconds(90));
    assertThat(b.exitValue()).isZero();
    assertThat(orphans).isNotEmpty();
    assertEffectsExactlyOnce();
    assertThat(stats(queue, TaskState.SUCCEEDED)).isEqualTo(TASKS);
    Instant lastOrphanDone = db.jdbi().withHandle(h -> h.createQuery("SELECT max(updated_at)"
            + " FROM " + table() + " WHERE queue_name = :q AND id IN (<ids>)")
        .bind("q", queue).bindList("ids", orphans).mapTo(OffsetDateTime.class).one())
        .toInstant();
    Duration takeover = Duration.between(killedAt, lastOrphanDone);
    System.out.println("kill: " + orphans.size() + " orphaned tasks done " + takeover.toMillis()
        + " ms after the kill (lease " + SHORT_LEASE.toMillis() + " ms)");
    assertThat(takeover).isLessThan(SHORT_LEASE.plusSeconds(4));
    assertThat(effectNodes(orphans)).containsOnly("node-b");
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void shouldRefuseTheLateCompletionsOfAJvmPausedPastItsLease() throws Exception {
    // Given two worker JVMs of 4 workers with 2 s leases, making their effects in lease
    // transactions
    String queue = "pause";
    enqueue(queue, TASKS);
    Process a = startWorker("node-a", queue, "fenced", SHORT_LEASE, 200, 4);
    Process b = startWorker("node-b", queue, "fenced", SHORT_LEASE, 200, 4);
    awaitMidway(queue, "node-a");

    // When node-a is frozen (SIGSTOP) while it holds leases, and node-b drains the queue
    signal(a, "STOP");
    awaitCondition("node-a's last statements to end", Duration.ofSeconds(30),
        () -> count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'node-a'"
            + " AND state = 'active'") == 0);
    List<String> held = runningOf(queue, "node-a");
    awaitExit(b, Duration.ofSeconds(90));
    assertThat(b.exitValue()).isZero();
    assertThat(stats(queue, TaskState.SUCCEEDED)).isEqualTo(TASKS);

    // And node-a comes back (SIGCONT) and finishes the tasks it still believes it holds
    signal(a, "CONT");
    awaitExit(a, Duration.ofSeconds(60));
    assertThat(a.exitValue()).isZero();

    // Then its late attempts were refused by the fencing token and no effect happened twice
    assertThat(held).isNotEmpty();
    assertEffectsExactlyOnce();
    assertThat(effectNodes(held)).containsOnly("node-b");
    List<String> refused = db.jdbi().withHandle(h -> h.createQuery("SELECT task_id FROM \""
        + schema + "\".rejections WHERE node = 'node-a'").mapTo(String.class).list());
    System.out.println("pause: node-a held " + held.size() + " leases when frozen; "
        + refused.size() + " of its late attempts were refused");
    assertThat(refused).isNotEmpty();
    assertThat(held).containsAll(refused);
    assertThat(stats(queue, TaskState.SUCCEEDED)).isEqualTo(TASKS);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldNeverRunMoreTasksOfACappedTypeThanItsCapAcrossEngines() throws Exception {
    // Given two engines with four workers each, on separate connection pools, sharing a queue
    // that runs at most 3 "capped" tasks at once
    String queue = "caps";
    int cap = 3;
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      tasks.add(i % 5 == 0
          ? Task.builder("capped").id("c" + i).priority(5).build()
          : Task.builder("free").id("f" + i).priority(3).build());
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger maxRows = new AtomicInteger();
    Processor capped = processor("capped", () -> {
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // simulated work
      running.decrementAndGet();
    });
    Processor free = processor("free", () -> LockSupport.parkNanos(200_000));
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table()
                + " WHERE queue_name = :q AND state = 'running' AND task_type = 'capped'")
            .bind("q", queue).mapTo(Integer.class).one());
        maxRows.accumulateAndGet(rows, Math::max);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
    }, "cap-sampler");
    try (PostgresDataSource db1 = pool(); PostgresDataSource db2 = pool();
        PostgresTaskQueue q1 = cappedQueue(db1, queue, cap);
        PostgresTaskQueue q2 = cappedQueue(db2, queue, cap);
        BatchEngine e1 = engine("caps-1", q1, capped, free);
        BatchEngine e2 = engine("caps-2", q2, capped, free)) {
      q1.enqueue(tasks);
      sampler.start();

      // When both run the batch
      BatchRun r1 = e1.start(List.of());
      BatchRun r2 = e2.start(List.of());
      BatchResult res1 = r1.await();
      BatchResult res2 = r2.await();
      sampling.set(false);
      sampler.join();

      // Then never more than 3 ran at once, in the processors or in the table, and all ended
      System.out.println("caps: at most " + maxRunning.get() + " capped tasks in processors, "
          + maxRows.get() + " running rows, cap " + cap);
      assertThat(res1.status()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(res2.status()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(maxRunning.get()).isBetween(1, cap);
      assertThat(maxRows.get()).isBetween(1, cap);
      assertThat(q1.stats().count(TaskState.SUCCEEDED)).isEqualTo(tasks.size());
    } finally {
      sampling.set(false);
    }
  }

  // ---------------------------------------------------------------- helpers

  private Process startWorker(String node, String queue, String mode, Duration lease,
      long workMicros, int workers) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Path.of("target", "cluster-" + queue + "-" + node + ".log");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        ClusterWorkerMain.class.getName(), urlNamed(node), PgTestDatabase.USER, schema,
        queue, node, mode, String.valueOf(lease.toMillis()), String.valueOf(workMicros),
        String.valueOf(workers));
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    children.add(p);
    return p;
  }

  /** The test database's URL with the node's name as application name, to spot its sessions. */
  private static String urlNamed(String node) {
    return PgTestDatabase.URL + (PgTestDatabase.URL.contains("?") ? "&" : "?")
        + "ApplicationName=" + node;
  }

  private static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -" + signal).isZero();
  }

  private static void enqueue(String queue, int n) {
    List<Task> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(Task.builder("effect").id(queue + "-" + i).build());
    }
    try (PostgresTaskQueue q = PostgresTaskQueue.builder(db.jdbi()).schema(schema)
        .migrate(false).queue(queue).build()) {
      assertThat(q.enqueue(tasks).accepted()).hasSize(n);
    }
  }

  /** Waits until a fair share of the work is done and the node holds leases. */
  private static void awaitMidway(String queue, String node) {
    awaitCondition("1,500 effects while " + node + " holds leases", Duration.ofSeconds(60),
        () -> count("SELECT count(*) FROM \"" + schema + "\".effects") >= 1_500
            && !runningOf(queue, node).isEmpty());
  }

  private static void awaitExit(Process p, Duration timeout) throws InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("worker " + p.pid() + " did not end within " + timeout);
    }
  }

  private static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static void assertEffectsExactlyOnce() {
    long total = count("SELECT count(*) FROM \"" + schema + "\".effects");
    long distinct = count("SELECT count(DISTINCT task_id) FROM \"" + schema + "\".effects");
    assertThat(distinct).as("tasks with an effect").isEqualTo(TASKS);
    assertThat(total).as("effects").isEqualTo(TASKS);
  }

  private static Map<String, Long> effectsByNode() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT node, count(*) FROM \"" + schema
            + "\".effects GROUP BY node")
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
        .collectToMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static List<String> effectNodes(List<String> taskIds) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT DISTINCT node FROM \"" + schema
        + "\".effects WHERE task_id IN (<ids>)").bindList("ids", taskIds)
        .mapTo(String.class).list());
  }

  private static List<String> runningOf(String queue, String node) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM " + table()
            + " WHERE queue_name = :q AND state = 'running' AND lease_owner LIKE :owner")
        .bind("q", queue).bind("owner", node + "-%").mapTo(String.class).list());
  }

  private static long stats(String queue, TaskState state) {
    try (PostgresTaskQueue q = PostgresTaskQueue.builder(db.jdbi()).schema(schema)
        .migrate(false).queue(queue).build()) {
      return q.stats().count(state);
    }
  }

  private static long count(String sql) {
    return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  private static Instant dbNow() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT clock_timestamp()")
        .mapTo(OffsetDateTime.class).one()).toInstant();
  }

  private static String table() {
    return "\"" + schema + "\".prism_tasks";
  }

  private static PostgresDataSource pool() {
    return PostgresDataSource.builder().url(PgTestDatabase.URL).user(PgTestDatabase.USER)
        .password(PgTestDatabase.PASSWORD).maximumPoolSize(6).build();
  }

  private static PostgresTaskQueue cappedQueue(PostgresDataSource ds, String queue, int cap) {
    return PostgresTaskQueue.builder(ds.jdbi()).schema(schema).migrate(false).queue(queue)
        .concurrencyCap("capped", cap).build();
  }

  private static BatchEngine engine(String id, PostgresTaskQueue q, Processor... processors) {
    var b = BatchEngine.builder().batchId(id).queue(q).parallelism(4)
        .leaseTime(Duration.ofSeconds(30)).perTaskEvents(false);
    for (Processor p : processors) {
      b.processor(p);
    }
    return b.build();
  }

  private static Processor processor(String type, Runnable work) {
    return new Processor() {
      @Override
      public String taskType() {
        return type;
      }

      @Override
      public String process(Task task, TaskContext context) {
        work.run();
        return "";
      }
    };
  }
}
