package io.prism.batch.benchmarks;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresTaskQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * Side-by-side throughput of three PostgreSQL-backed task queues on the same server, each with 2
 * worker threads: Prism's {@link PostgresTaskQueue} through the {@link BatchEngine}, db-scheduler
 * (one-time tasks, polling strategy lock-and-fetch) and JobRunr (background job server). Each run
 * enqueues {@code tasks} no-op tasks with the system's batch API while no worker runs, then starts
 * the workers and times until every task is recorded as done in the database. Every run uses a
 * fresh schema, so no run sees another's rows or bloat. The systems take turns in rotating order,
 * after one warm-up round; the report gives the median and the spread (min-max) of the measured
 * runs, and the ratio of Prism's median to the faster peer's.
 *
 * <p>A plain main rather than JMH: a run takes seconds, needs a fresh schema and a peer's own
 * thread pools, and what matters is the median of whole runs on a noisy machine.
 *
 * <p>Settings of each system (the same pool of 6 connections each):
 *
 * <ul>
 *   <li>Prism: {@code BatchEngine} parallelism 2, default claim of up to 256 (adaptive), lease 5
 *       min, completions handed over in batches ({@code completeAll}), idle workers wait for
 *       a {@code NOTIFY} (at most 500 ms), database time; enqueue with one {@code
 *       enqueue(List)} call (1,000 rows per INSERT).
 *   <li>db-scheduler: {@code threads(2)}, {@code pollUsingLockAndFetch(1.0, 10.0)}, polling
 *       interval {@value #DB_SCHEDULER_POLL_MILLIS} ms; enqueue with {@code scheduleBatch}.
 *   <li>JobRunr: {@code andWorkerCount(2)}, poll interval {@value #JOBRUNR_POLL_SECONDS} s (its
 *       smallest for SQL storage); enqueue with {@code enqueue(Stream, lambda)}.
 * </ul>
 *
 * <p>Run (PostgreSQL on 127.0.0.1:5432, database {@code test}, user {@code postgres}):
 *
 * <pre>{@code
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar \
 *     io.prism.batch.benchmarks.QueueComparisonBenchmark --runs 5 --tasks 10000
 * }</pre>
 *
 * <p>Options: {@code --runs N} (default 5), {@code --tasks N} (default 10000), {@code --url},
 * {@code --user}, {@code --password}, {@code --systems prism,db-scheduler,jobrunr}.
 */
public final class QueueComparisonBenchmark {
  static final int DEFAULT_RUNS = 5;
  static final int DEFAULT_TASKS = 10_000;
  static final int WORKERS = 2;
  static final int POOL_SIZE = 6;
  static final long DB_SCHEDULER_POLL_MILLIS = 100;
  static final double DB_SCHEDULER_LOWER = 1.0;
  static final double DB_SCHEDULER_UPPER = 10.0;
  static final int JOBRUNR_POLL_SECONDS = 5;

  /** Counts JobRunr job executions; JobRunr runs a static method. */
  static final AtomicLong JOBRUNR_RUNS = new AtomicLong();

  private final String url;
  private final String user;
  private final String password;
  private final Duration dbSchedulerPoll;
  private final double dbSchedulerLower;
  private final double dbSchedulerUpper;
  private final Duration jobRunrPoll;

  private QueueComparisonBenchmark(Map<String, String> opts) {
    this.url = opts.getOrDefault("url", "jdbc:postgresql://127.0.0.1:5432/test");
    this.user = opts.getOrDefault("user", "postgres");
    this.password = opts.getOrDefault("password", "");
    this.dbSchedulerPoll = Duration.ofMillis(Long.parseLong(
        opts.getOrDefault("dbs-poll-ms", String.valueOf(DB_SCHEDULER_POLL_MILLIS))));
    this.dbSchedulerLower = Double.parseDouble(
        opts.getOrDefault("dbs-lower", String.valueOf(DB_SCHEDULER_LOWER)));
    this.dbSchedulerUpper = Double.parseDouble(
        opts.getOrDefault("dbs-upper", String.valueOf(DB_SCHEDULER_UPPER)));
    this.jobRunrPoll = Duration.ofMillis(Long.parseLong(opts.getOrDefault("jobrunr-poll-ms",
        String.valueOf(JOBRUNR_POLL_SECONDS * 1000L))));
  }

  /**
   * Runs the comparison and prints the table.
   *
   * @param args see the class comment
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int runs = Integer.parseInt(opts.getOrDefault("runs", String.valueOf(DEFAULT_RUNS)));
    int tasks = Integer.parseInt(opts.getOrDefault("tasks", String.valueOf(DEFAULT_TASKS)));
    List<String> systems =
        Arrays.asList(opts.getOrDefault("systems", "prism,db-scheduler,jobrunr").split(","));
    QueueComparisonBenchmark b = new QueueComparisonBenchmark(opts);
    System.out.printf(Locale.ROOT, "settings: %d workers, pool %d; db-scheduler lock-and-fetch"
            + " (%.2f, %.2f) poll %d ms; jobrunr poll %d ms%n", WORKERS, POOL_SIZE,
        b.dbSchedulerLower, b.dbSchedulerUpper, b.dbSchedulerPoll.toMillis(),
        b.jobRunrPoll.toMillis());

    System.out.printf(Locale.ROOT, "warm-up: %d tasks per system%n", Math.min(tasks, 2_000));
    for (String s : systems) {
      b.run(s, Math.min(tasks, 2_000));
    }
    Map<String, List<Run>> results = new LinkedHashMap<>();
    systems.forEach(s -> results.put(s, new ArrayList<>()));
    for (int r = 0; r < runs; r++) {
      for (int k = 0; k < systems.size(); k++) {
        String s = systems.get((r + k) % systems.size());
        Run run = b.run(s, tasks);
        results.get(s).add(run);
        System.out.printf(Locale.ROOT, "run %d %-13s enqueue %6d ms  process %6d ms  %8.0f/s%n",
            r + 1, s, run.enqueueMillis(), run.processMillis(), run.processRate(tasks));
      }
    }
    report(results, tasks);
  }

  private static void report(Map<String, List<Run>> results, int tasks) {
    System.out.printf(Locale.ROOT, "%n%d tasks, %d workers, %d runs%n", tasks, WORKERS,
        results.values().iterator().next().size());
    System.out.printf(Locale.ROOT, "%-13s | %-28s | %-28s | %-18s%n", "system",
        "process tasks/s median (min-max)", "end-to-end tasks/s median (min-max)",
        "enqueue ms median");
    Map<String, Double> medians = new LinkedHashMap<>();
    Map<String, Double> e2eMedians = new LinkedHashMap<>();
    for (Map.Entry<String, List<Run>> e : results.entrySet()) {
      double[] p = e.getValue().stream().mapToDouble(r -> r.processRate(tasks)).sorted()
          .toArray();
      double[] t = e.getValue().stream().mapToDouble(r -> r.endToEndRate(tasks)).sorted()
          .toArray();
      double[] q = e.getValue().stream().mapToDouble(Run::enqueueMillis).sorted().toArray();
      medians.put(e.getKey(), median(p));
      e2eMedians.put(e.getKey(), median(t));
      System.out.printf(Locale.ROOT, "%-13s | %8.0f (%6.0f-%6.0f)          | %8.0f (%6.0f-%6.0f)"
              + "             | %8.0f%n", e.getKey(), median(p), p[0], p[p.length - 1],
          median(t), t[0], t[t.length - 1], median(q));
    }
    if (medians.containsKey("prism") && medians.size() > 1) {
      double bestPeer = medians.entrySet().stream().filter(e -> !e.getKey().equals("prism"))
          .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
      double bestPeerE2e = e2eMedians.entrySet().stream()
          .filter(e -> !e.getKey().equals("prism"))
          .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
      System.out.printf(Locale.ROOT, "prism / faster peer: process %.2fx, end-to-end %.2fx%n",
          medians.get("prism") / bestPeer, e2eMedians.get("prism") / bestPeerE2e);
      for (Map.Entry<String, Double> e : medians.entrySet()) {
        if (!e.getKey().equals("prism")) {
          System.out.printf(Locale.ROOT, "prism / %s: process %.2fx, end-to-end %.2fx%n",
              e.getKey(), medians.get("prism") / e.getValue(),
              e2eMedians.get("prism") / e2eMedians.get(e.getKey()));
        }
      }
      // the same ratio within each round, whose runs saw about the same load on the machine
      int rounds = results.get("prism").size();
      double[] perRound = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        int round = r;
        double peer = results.entrySet().stream().filter(e -> !e.getKey().equals("prism"))
            .mapToDouble(e -> e.getValue().get(round).processRate(tasks)).max()
            .orElse(Double.NaN);
        perRound[r] = results.get("prism").get(r).processRate(tasks) / peer;
      }
      double[] sortedRounds = perRound.clone();
      Arrays.sort(sortedRounds);
      System.out.printf(Locale.ROOT, "prism / faster peer of the same round: median %.2fx,"
              + " min %.2fx, max %.2fx; per round %s%n", median(sortedRounds), sortedRounds[0],
          sortedRounds[rounds - 1], Arrays.toString(Arrays.stream(perRound)
              .map(x -> Math.round(x * 100) / 100.0).toArray()));
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private Run run(String system, int tasks) throws Exception {
    String schema = "bench_" + system.replace('-', '_');
    try (PostgresDataSource admin = pool(url, 1)) {
      admin.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
      admin.jdbi().useHandle(h -> h.execute("CREATE SCHEMA " + schema));
    }
    String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    try (PostgresDataSource db = pool(schemaUrl, POOL_SIZE)) {
      return switch (system) {
        case "prism" -> prism(db, schema, tasks);
        case "db-scheduler" -> dbScheduler(db, tasks);
        case "jobrunr" -> jobRunr(db, tasks);
        default -> throw new IllegalArgumentException("unknown system " + system);
      };
    } finally {
      try (PostgresDataSource admin = pool(url, 1)) {
        admin.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
      }
    }
  }

  private PostgresDataSource pool(String jdbcUrl, int size) {
    return PostgresDataSource.builder().url(jdbcUrl).user(user).password(password)
        .maximumPoolSize(size).build();
  }

  // ---------------------------------------------------------------- Prism

  private static Run prism(PostgresDataSource db, String schema, int n) {
    List<Task> tasks = IntStream.range(0, n)
        .mapToObj(i -> Task.builder("noop").id("t" + i).build()).toList();
    try (PostgresTaskQueue queue = PostgresTaskQueue.builder(db.jdbi()).schema(schema).build()) {
      long t0 = System.nanoTime();
      if (queue.enqueue(tasks).accepted().size() != n) {
        throw new IllegalStateException("prism: not every task was accepted");
      }
      long t1 = System.nanoTime();
      try (BatchEngine engine = BatchEngine.builder().batchId("bench").queue(queue)
          .processor(new NoOp()).parallelism(WORKERS).build()) {
        BatchResult r = engine.run(List.of());
        long t2 = System.nanoTime();
        if (r.count(TaskState.SUCCEEDED) != n
            || queue.stats().count(TaskState.SUCCEEDED) != n) {
          throw new IllegalStateException("prism: expected " + n + " successes: " + r);
        }
        return new Run(t1 - t0, t2 - t1);
      }
    }
  }

  static final class NoOp implements Processor {
    @Override
    public String taskType() {
      return "noop";
    }

    @Override
    public String process(Task task, TaskContext context) {
      return "";
    }
  }

  // ---------------------------------------------------------------- db-scheduler

  private Run dbScheduler(PostgresDataSource db, int n) throws Exception {
    db.jdbi().useHandle(h -> h.execute("CREATE TABLE scheduled_tasks ("
        + " task_name TEXT NOT NULL, task_instance TEXT NOT NULL, task_data BYTEA,"
        + " execution_time TIMESTAMP WITH TIME ZONE NOT NULL, picked BOOLEAN NOT NULL,"
        + " picked_by TEXT, last_success TIMESTAMP WITH TIME ZONE,"
        + " last_failure TIMESTAMP WITH TIME ZONE, consecutive_failures INT,"
        + " last_heartbeat TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL,"
        + " priority SMALLINT, PRIMARY KEY (task_name, task_instance));"
        + " CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);"
        + " CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);"
        + " CREATE INDEX priority_execution_time_idx"
        + " ON scheduled_tasks (priority DESC, execution_time ASC)"));
    AtomicLong done = new AtomicLong();
    OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((inst, ctx) -> done.incrementAndGet());
    SchedulerClient client = SchedulerClient.Builder.create(db.dataSource(), noop).build();
    List<TaskInstance<?>> instances = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      instances.add(noop.instance("t" + i));
    }
    Instant now = Instant.now();
    long t0 = System.nanoTime();
    for (int from = 0; from < n; from += 1000) {
      client.scheduleBatch(instances.subList(from, Math.min(n, from + 1000)), now);
    }
    long t1 = System.nanoTime();
    Scheduler scheduler = Scheduler.create(db.dataSource(), noop)
        .threads(WORKERS)
        .pollUsingLockAndFetch(dbSchedulerLower, dbSchedulerUpper)
        .pollingInterval(dbSchedulerPoll)
        .build();
    scheduler.start();
    try {
      Jdbi jdbi = db.jdbi();
      awaitZero("db-scheduler", () -> done.get() < n ? n - done.get()
          : jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM scheduled_tasks")
              .mapTo(Long.class).one()));
      long t2 = System.nanoTime();
      return new Run(t1 - t0, t2 - t1);
    } finally {
      scheduler.stop();
    }
  }

  // ---------------------------------------------------------------- JobRunr

  /**
   * The JobRunr job: does nothing but count.
   *
   * @param i the task number
   */
  public static void jobRunrNoOp(int i) {
    JOBRUNR_RUNS.incrementAndGet();
  }

  private Run jobRunr(PostgresDataSource db, int n) {
    JacksonJsonMapper json = new JacksonJsonMapper();
    StorageProvider storage = SqlStorageProviderFactory.using(db.dataSource());
    storage.setJobMapper(new JobMapper(json));
    try {
      JobScheduler scheduler = new JobScheduler(storage);
      JOBRUNR_RUNS.set(0);
      long t0 = System.nanoTime();
      scheduler.enqueue(IntStream.range(0, n).boxed(), i -> jobRunrNoOp(i));
      long t1 = System.nanoTime();
      BackgroundJobServer server = new BackgroundJobServer(storage, json, new NoActivator(),
          BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
              .andWorkerCount(WORKERS)
              .andPollInterval(jobRunrPoll));
      server.start();
      try {
        awaitZero("jobrunr", () -> JOBRUNR_RUNS.get() < n ? n - JOBRUNR_RUNS.get()
            : n - storage.countJobs(StateName.SUCCEEDED));
        long t2 = System.nanoTime();
        return new Run(t1 - t0, t2 - t1);
      } finally {
        server.stop();
      }
    } finally {
      storage.close();
    }
  }

  /** JobRunr runs a static method here, so it needs no IoC container. */
  static final class NoActivator implements JobActivator {
    @Override
    public <T> T activateJob(Class<T> type) {
      return null;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void awaitZero(String system, LongSupplier remaining) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (remaining.getAsLong() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(system + " did not finish within 10 minutes");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** One run: how long the enqueue and the processing took. */
  record Run(long enqueueNanos, long processNanos) {
    long enqueueMillis() {
      return enqueueNanos / 1_000_000;
    }

    long processMillis() {
      return processNanos / 1_000_000;
    }

    double processRate(int tasks) {
      return tasks / (processNanos / 1e9);
    }

    double endToEndRate(int tasks) {
      return tasks / ((enqueueNanos + processNanos) / 1e9);
    }
  }
}
