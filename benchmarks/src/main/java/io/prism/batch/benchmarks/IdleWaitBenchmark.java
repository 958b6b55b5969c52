package io.prism.batch.benchmarks;

import io.prism.batch.api.Lease;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.BatchRun;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresTaskQueue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * What an idle {@link BatchEngine} on a {@link PostgresTaskQueue} costs the database, and how
 * soon it starts a task another JVM enqueues, for three ways of waiting:
 *
 * <ul>
 *   <li>{@code listen}: the queue as built by default; idle workers wait in {@code
 *       awaitClaimable}, woken by {@code LISTEN/NOTIFY} or the next not-before time;
 *   <li>{@code poll-20ms}: the same queue hidden behind a plain {@link TaskQueue}, so the engine
 *       claims every 20 ms, as before the queue signalled;
 *   <li>{@code no-listen}: {@code listen(false)}: waiters check every 250 ms (the fallback
 *       poll), for poolers where {@code LISTEN} does not work.
 * </ul>
 *
 * <p>Each mode gets a fresh schema. The engine (2 workers) runs a batch that stays open because
 * one task is held running by a second queue object on a pool of its own (the "other JVM"),
 * which heartbeats it. Idle load: the engine idles for {@code --seconds} (default 10) while the
 * statements its queue's {@link Jdbi} executes are counted (client side, the listener's {@code
 * LISTEN} aside), as are the database's commits ({@code pg_stat_database.xact_commit}, which
 * other sessions on the server also move) and the scans of the schema's {@code prism_tasks}.
 * Pick-up latency: {@code --tries} times (default 30), after a random pause of 50-300 ms, the
 * other JVM enqueues a task and the time until the engine's processor starts it is taken.
 *
 * <pre>{@code
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.prism.batch.benchmarks.IdleWaitBenchmark
 * }</pre>
 *
 * <p>Options: {@code --seconds N}, {@code --tries N}, {@code --modes listen,poll-20ms,no-listen},
 * {@code --url}, {@code --user}, {@code --password}.
 */
public final class IdleWaitBenchmark {
  static final int WORKERS = 2;
  static final Duration LEASE = Duration.ofSeconds(30);
  static final String TYPE = "probe";

  private final String url;
  private final String user;
  private final String password;
  private final int seconds;
  private final int tries;

  private IdleWaitBenchmark(Map<String, String> opts) {
    this.url = opts.getOrDefault("url", "jdbc:postgresql://127.0.0.1:5432/test");
    this.user = opts.getOrDefault("user", "postgres");
    this.password = opts.getOrDefault("password", "");
    this.seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    this.tries = Integer.parseInt(opts.getOrDefault("tries", "30"));
  }

  /**
   * Runs every mode and prints the table.
   *
   * @param args see the class comment
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    IdleWaitBenchmark bench = new IdleWaitBenchmark(opts);
    List<Result> results = new ArrayList<>();
    for (String mode : opts.getOrDefault("modes", "listen,poll-20ms,no-listen").split(",")) {
      results.add(bench.run(mode.trim()));
    }
    System.out.printf(Locale.ROOT, "%n%-10s %8s %10s %8s %26s %26s%n", "mode", "stmts/s",
        "commits/s", "scans/s", "pick-up from enqueue (ms)", "pick-up from commit (ms)");
    System.out.printf(Locale.ROOT, "%-10s %8s %10s %8s %10s %15s %10s %15s%n", "", "", "", "",
        "median", "min-max", "median", "min-max");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-10s %8.1f %10.1f %8.1f %10.1f %15s %10.1f %15s%n",
          r.mode, r.statementsPerSecond, r.commitsPerSecond, r.scansPerSecond,
          Result.median(r.latenciesMillis), Result.range(r.latenciesMillis),
          Result.median(r.fromCommitMillis), Result.range(r.fromCommitMillis));
    }
  }

  private Result run(String mode) throws Exception {
    String schema = "bench_idle_" + Long.toHexString(System.nanoTime());
    try (PostgresDataSource enginePool = pool(); PostgresDataSource otherPool = pool()) {
      PostgresMigrations.builder(otherPool.jdbi()).schema(schema).build().migrate();
      AtomicLong statements = new AtomicLong();
      Jdbi counted = Jdbi.create(enginePool.dataSource()).setSqlLogger(new SqlLogger() {
        @Override
        public void logAfterExecution(StatementContext context) {
          statements.incrementAndGet();
        }
      });
      String queueName = "idle";
      try (PostgresTaskQueue other = PostgresTaskQueue.builder(otherPool.jdbi()).schema(schema)
              .migrate(false).queue(queueName).build();
          PostgresTaskQueue queue = PostgresTaskQueue.builder(counted).schema(schema)
              .migrate(false).queue(queueName).listen(!mode.equals("no-listen")).build();
          HeldTask held = HeldTask.hold(other);
          BatchEngine engine = BatchEngine.builder().batchId("idle-" + mode)
              .queue(mode.equals("poll-20ms") ? pollingOnly(queue) : queue)
              .processor(new Probe()).parallelism(WORKERS).leaseTime(LEASE)
              .perTaskEvents(false).build()) {
        BatchRun run = engine.start(List.of());
        Thread.sleep(1000); // workers settle into their idle loop
        Result r = new Result(mode);
        measureIdle(r, enginePool, schema, statements);
        measurePickup(r, other);
        run.cancel();
        System.out.printf(Locale.ROOT, "%s: %.1f statements/s idle, pick-up median %.1f ms%n",
            mode, r.statementsPerSecond, Result.median(r.latenciesMillis));
        return r;
      } finally {
        enginePool.jdbi().useHandle(h -> h.execute("DROP SCHEMA \"" + schema + "\" CASCADE"));
      }
    }
  }

  private PostgresDataSource pool() {
    return PostgresDataSource.builder().url(url).user(user).password(password)
        .maximumPoolSize(WORKERS + 3).build();
  }

  private void measureIdle(Result r, PostgresDataSource db, String schema, AtomicLong statements)
      throws InterruptedException {
    long commits0 = commits(db);
    long scans0 = scans(db, schema);
    long stmts0 = statements.get();
    long t0 = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    double s = (System.nanoTime() - t0) / 1e9;
    r.statementsPerSecond = (statements.get() - stmts0) / s;
    r.commitsPerSecond = (commits(db) - commits0) / s;
    r.scansPerSecond = (scans(db, schema) - scans0) / s;
  }

  private void measurePickup(Result r, PostgresTaskQueue other) throws InterruptedException {
    for (int i = 0; i < tries; i++) {
      Thread.sleep(ThreadLocalRandom.current().nextLong(50, 300));
      String id = "p" + i;
      long t0 = System.nanoTime();
      other.enqueue(List.of(Task.builder(TYPE).id(id).build()));
      long committed = System.nanoTime();
      long started = Probe.STARTS.take();
      r.latenciesMillis.add((started - t0) / 1e6);
      r.fromCommitMillis.add((started - committed) / 1e6);
    }
    r.latenciesMillis.sort(Double::compare);
    r.fromCommitMillis.sort(Double::compare);
  }

  /** Commits of the whole database; statement counters need the stats views to be flushed. */
  private static long commits(PostgresDataSource db) {
    return db.jdbi().withHandle(h -> {
      h.execute("SELECT pg_stat_clear_snapshot()");
      return h.createQuery("SELECT xact_commit FROM pg_stat_database"
          + " WHERE datname = current_database()").mapTo(Long.class).one();
    });
  }

  private static long scans(PostgresDataSource db, String schema) {
    return db.jdbi().withHandle(h -> {
      h.execute("SELECT pg_stat_clear_snapshot()");
      return h.createQuery("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0)"
          + " FROM pg_stat_user_tables WHERE schemaname = :s AND relname = 'prism_tasks'")
          .bind("s", schema).mapTo(Long.class).one();
    });
  }

  /** One mode's figures. */
  private static final class Result {
    final String mode;
    final List<Double> latenciesMillis = new ArrayList<>();
    final List<Double> fromCommitMillis = new ArrayList<>();
    double statementsPerSecond;
    double commitsPerSecond;
    double scansPerSecond;

    Result(String mode) {
      this.mode = mode;
    }

    static double median(List<Double> sorted) {
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String range(List<Double> sorted) {
      return String.format(Locale.ROOT, "%.1f-%.1f", sorted.get(0), sorted.get(sorted.size() - 1));
    }
  }

  /** Reports when each task starts; the benchmark takes the times in order. */
  private static final class Probe implements Processor {
    static final SynchronousQueue<Long> STARTS = new SynchronousQueue<>();

    @Override
    public String taskType() {
      return TYPE;
    }

    @Override
    public String process(Task task, TaskContext context) throws InterruptedException {
      STARTS.put(System.nanoTime());
      return "";
    }
  }

  /** A task claimed by the other JVM and kept running by heartbeats, so the batch stays open. */
  private static final class HeldTask implements AutoCloseable {
    private final Thread beats;

    private HeldTask(Thread beats) {
      this.beats = beats;
    }

    static HeldTask hold(PostgresTaskQueue other) {
      other.enqueue(List.of(Task.builder(TYPE).id("held").build()));
      Lease lease = other.claim("other-jvm", 1, LEASE).get(0);
      Thread t = new Thread(() -> {
        try {
          while (true) {
            Thread.sleep(LEASE.toMillis() / 3);
            other.heartbeat(lease, LEASE);
          }
        } catch (InterruptedException e) {
          // closed
        }
      }, "held-task-heartbeat");
      t.setDaemon(true);
      t.start();
      return new HeldTask(t);
    }

    @Override
    public void close() {
      beats.interrupt();
    }
  }

  /** Hides that a queue signals, so the engine polls it as it did before queues signalled. */
  private static TaskQueue pollingOnly(TaskQueue queue) {
    return (TaskQueue) Proxy.newProxyInstance(TaskQueue.class.getClassLoader(),
        new Class<?>[] {TaskQueue.class}, (proxy, method, args) -> {
          try {
            return method.invoke(queue, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
