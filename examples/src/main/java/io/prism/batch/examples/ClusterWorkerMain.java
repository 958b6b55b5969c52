package io.prism.batch.examples;

import io.prism.batch.akshare.AkToolsSource;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.RateLimit;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.jobs.ChangeFeed;
import io.prism.batch.core.jobs.JobControl;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.schedule.LocalScheduler;
import io.prism.batch.core.schedule.ScheduleConfigLoader;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresFireGuard;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresTaskQueue;
import io.prism.batch.postgres.PostgresWatchlistStore;
import io.prism.batch.redis.RedisCacheTier;
import io.prism.batch.redis.RedisFireGuard;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One node of a schedule cluster: a {@link LocalScheduler} whose fires are claimed from a shared
 * {@link FireGuard} — a {@link PostgresFireGuard} (a unique fire row, the default) or a {@link
 * RedisFireGuard} ({@code SET NX}) — so that however many nodes run, each slot of each schedule
 * runs on exactly one of them. It registers the seed's schedules ({@link
 * ScheduleConfigLoader#example()}: priority batches from 00:30, maintenance, market tasks on
 * trading days, in Asia/Shanghai) with fire actions ({@code SeedScheduleJobs}) that run the
 * {@link WarmJobs} on Redis (L1) and PostgreSQL (L2, watchlists, job records), and a heartbeat
 * schedule (every 5 seconds by default) that only prints which node fired it, so that a cluster
 * can be watched at work.
 *
 * <ul>
 *   <li>{@code priority_batches.level_N} warms each active auto-batch watchlist of priority N
 *       ({@link WarmJobs#warmWatchlist}, one job record per list);
 *   <li>{@code maintenance_tasks.cache_cleanup} runs {@link WarmJobs#cacheClean()};
 *   <li>{@code market_tasks.*} run {@link WarmJobs#marketScan} over the stocks of the active
 *       auto-batch watchlists and every data type;
 *   <li>{@code maintenance_tasks.performance_report} rolls the job metrics of its day and the
 *       day before up into the job store ({@code batch_performance_metrics}) and prints them;
 *   <li>{@code maintenance_tasks.rag_optimization} prints what would run: it is not part of this
 *       example.
 * </ul>
 *
 * <p><b>The shared task queue.</b> Each node also joins the cluster's {@link PostgresTaskQueue}
 * ({@code --shared-queue}, in the same schema) with a worker ({@code SharedQueueWorker}) that
 * runs the warm tasks any node enqueues there: {@code spread-scan} typed on one node enqueues a
 * warm of every watched stock and data type, and every node takes its share. A node that stops
 * leaves the queue ({@code BatchRun.leave()}): its running tasks finish, the rest stay for the
 * others; a node that dies leaves leases the others reclaim within the lease time. The
 * shared queue follows the task types paused through job control ({@code pause-type warm}
 * holds back its warm tasks on every node).
 *
 * <p><b>Running two.</b> Needs PostgreSQL and Redis (on the development machines: {@code
 * pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start} and {@code
 * redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no}). Build
 * once from the repository root, then start one node per terminal:
 *
 * <pre>
 * mvn -q -pl examples -am install -DskipTests
 *
 * # terminal 1
 * mvn -q -pl examples exec:java -Dexec.mainClass=io.prism.batch.examples.ClusterWorkerMain \
 *     -Dexec.args="--node=worker-1"
 * # terminal 2
 * mvn -q -pl examples exec:java -Dexec.mainClass=io.prism.batch.examples.ClusterWorkerMain \
 *     -Dexec.args="--node=worker-2"
 * </pre>
 *
 * <p>Each heartbeat slot is printed by one node only ({@code fired} there, {@code claimed
 * elsewhere} on the other); stop one node and the other fires every slot; start it again and
 * they share. Add {@code --guard=redis} to both to claim in Redis instead, and {@code
 * --heartbeat="* * * * * *"} to fire every second. Run {@code RedisPostgresNightlyMain} once
 * first to create the seed's test watchlists in the same schema, so the warm jobs have lists to
 * warm. Ctrl-C stops a node; {@code --run-for=60} stops it after 60 seconds.
 *
 * <p><b>Job control.</b> Each node has a {@link JobControl} over the shared job store and its
 * scheduler, and types commands from standard input into it (the seed's {@code /api/v1/batch/*}
 * endpoints, as a console):
 *
 * <pre>
 * jobs [type] [limit]      list job records of the cluster, newest first
 * job ID                   one job record
 * trigger TYPE             run watchlist_warm, market_scan or cache_clean on this node now
 * cancel ID                cancel a job, on whichever node runs it
 * delete ID                delete a finished job's record
 * running                  the jobs this node runs
 * schedules                the schedules, paused or not, and their next fire
 * pause NAME|all           pause one schedule or all (on this node)
 * resume NAME|all          resume one schedule or all (on this node)
 * pause-type TYPE          hold back a task type (e.g. warm) in every node's jobs
 * resume-type TYPE         let it run again
 * paused-types             the task types paused on the job store
 * health                   job store latency, paused schedules and types, problems
 * metrics [YYYY-MM-DD]     roll up a day's job metrics (default today, Shanghai) and show them
 * spread-scan              enqueue a warm of every watched stock on the shared queue
 * </pre>
 *
 * <p>Scheduled fires run their jobs through {@link JobControl#runHere}, so every job a node runs,
 * scheduled or triggered, can be cancelled from any node: {@code cancel 42} typed on worker-2
 * stops job 42 running on worker-1 within about a second (worker-1 finds the request in {@code
 * batch_jobs.cancel_requested_at}), and its record ends {@code cancelled}. Without a console,
 * a one-shot run cancels a job and exits:
 *
 * <pre>
 * mvn -q -pl examples exec:java -Dexec.mainClass=io.prism.batch.examples.ClusterWorkerMain \
 *     -Dexec.args="--cancel=42"
 * </pre>
 *
 * <p>{@code --trigger=market_scan} triggers a job on the node as it starts. Stopping a node
 * cancels the jobs it runs, so their records end {@code cancelled} rather than {@code running}.
 *
 * <p>Options ({@code --name=value}; each falls back to the environment variable named, then to
 * the default):
 *
 * <table>
 *   <caption>options</caption>
 *   <tr><th>option</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code --node}</td><td>{@code PRISM_NODE_ID}</td><td>process id and host</td></tr>
 *   <tr><td>{@code --guard}</td><td>{@code PRISM_FIRE_GUARD}</td>
 *       <td>{@code postgres}; or {@code redis}</td></tr>
 *   <tr><td>{@code --heartbeat}</td><td>{@code PRISM_HEARTBEAT_CRON}</td>
 *       <td><code>*&#47;5 * * * * *</code>; {@code off} for none</td></tr>
 *   <tr><td>{@code --run-for}</td><td>{@code PRISM_RUN_FOR}</td>
 *       <td>{@code 0}: seconds to run, 0 until stopped</td></tr>
 *   <tr><td>{@code --redis}</td><td>{@code PRISM_REDIS_URI}</td>
 *       <td>{@code redis://127.0.0.1:6379/0}</td></tr>
 *   <tr><td>{@code --redis-prefix}</td><td>{@code PRISM_REDIS_PREFIX}</td>
 *       <td>{@code prism:nightly:} (L1 keys; fire claims go under {@code
 *       prism:cluster:fire:})</td></tr>
 *   <tr><td>{@code --pg-url}</td><td>{@code PRISM_PG_URL}</td>
 *       <td>{@code jdbc:postgresql://127.0.0.1:5432/test}</td></tr>
 *   <tr><td>{@code --pg-user}</td><td>{@code PRISM_PG_USER}</td><td>{@code postgres}</td></tr>
 *   <tr><td>{@code --pg-password}</td><td>{@code PRISM_PG_PASSWORD}</td><td>empty</td></tr>
 *   <tr><td>{@code --schema}</td><td>{@code PRISM_PG_SCHEMA}</td>
 *       <td>{@code prism_nightly}: the nightly example's lists and records, and the fire
 *       rows</td></tr>
 *   <tr><td>{@code --aktools}</td><td>{@code AKTOOLS_URL}</td>
 *       <td>none: the replayed data (as of 2025-05-23) is L3</td></tr>
 *   <tr><td>{@code --work}</td><td>{@code PRISM_WORK_DIR}</td>
 *       <td>{@code target/prism-cluster/<node>}: the node's engine journals</td></tr>
 *   <tr><td>{@code --shared-queue}</td><td>{@code PRISM_SHARED_QUEUE}</td>
 *       <td>{@code prism_warm}: the PostgreSQL task queue the node joins ({@code off} for
 *       none)</td></tr>
 *   <tr><td>{@code --trigger}</td><td>{@code PRISM_TRIGGER}</td>
 *       <td>none: a job type to trigger on this node once it runs</td></tr>
 *   <tr><td>{@code --cancel}</td><td>{@code PRISM_CANCEL_JOB}</td>
 *       <td>none: cancel this job id wherever it runs, wait for its record, and exit (no
 *       node is started)</td></tr>
 * </table>
 */
public final class ClusterWorkerMain {
  /** The name of the schedule that only prints which node fired it, {@value}. */
  public static final String HEARTBEAT = "cluster.heartbeat";

  private static final DateTimeFormatter TIME = SeedScheduleJobs.TIME;

  private ClusterWorkerMain() {}

  /**
   * Runs one node until stopped.
   *
   * @param args {@code --name=value} options, see the class comment
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    SeedScheduleJobs.quietSchedulerLog();
    MainArgs opts = MainArgs.optionsOnly(args);
    PrintStream out = System.out;
    String node = opts.opt("node", "PRISM_NODE_ID",
        ManagementFactory.getRuntimeMXBean().getName());
    String guardKind = opts.opt("guard", "PRISM_FIRE_GUARD", "postgres").toLowerCase(Locale.ROOT);
    if (!guardKind.equals("postgres") && !guardKind.equals("redis")) {
      throw new IllegalArgumentException("--guard must be postgres or redis, got " + guardKind);
    }
    String heartbeat = opts.opt("heartbeat", "PRISM_HEARTBEAT_CRON", "*/5 * * * * *");
    long runFor = Long.parseLong(opts.opt("run-for", "PRISM_RUN_FOR", "0"));
    String redisUri = opts.opt("redis", "PRISM_REDIS_URI", "redis://127.0.0.1:6379/0");
    String prefix = opts.opt("redis-prefix", "PRISM_REDIS_PREFIX", "prism:nightly:");
    String pgUrl = opts.opt("pg-url", "PRISM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String schema = opts.opt("schema", "PRISM_PG_SCHEMA", "prism_nightly");
    String aktools = opts.opt("aktools", "AKTOOLS_URL", "");
    Path work = Path.of(opts.opt("work", "PRISM_WORK_DIR",
        "target/prism-cluster/" + node.replaceAll("[^A-Za-z0-9._-]", "_")));
    String trigger = opts.opt("trigger", "PRISM_TRIGGER", "");
    String sharedQueue = opts.opt("shared-queue", "PRISM_SHARED_QUEUE", "prism_warm");
    String cancel = opts.opt("cancel", "PRISM_CANCEL_JOB", "");
    String pgUser = opts.opt("pg-user", "PRISM_PG_USER", "postgres");
    String pgPassword = opts.opt("pg-password", "PRISM_PG_PASSWORD", "");
    if (!cancel.isEmpty()) {
      cancelAndExit(Long.parseLong(cancel), pgUrl, pgUser, pgPassword, schema, out);
      return;
    }

    MarketDataSource source = aktools.isEmpty()
        ? ReplayMarketDataSource.builder().latency(Duration.ofMillis(50)).build()
        : AkToolsSource.builder().baseUrl(aktools).build();
    RateLimiters limits = RateLimiters.builder().limit(source.name(), aktools.isEmpty()
        ? RateLimit.builder().requestsPerMinute(1_200).maxConcurrent(2).build()
        : RateLimit.builder().requestsPerMinute(60).maxConcurrent(2).build()).build();

    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cluster-worker-stop"));

    try (PostgresDataSource db = PostgresDataSource.builder().url(pgUrl)
            .user(pgUser).password(pgPassword).build();
        RedisCacheTier l1 = RedisCacheTier.builder().uri(redisUri).keyPrefix(prefix).build();
        source) {
      int version = PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
      try (PostgresRecordStore l2 = PostgresRecordStore.builder(db.jdbi()).schema(schema)
              .migrate(false).build();
          PostgresWatchlistStore lists = PostgresWatchlistStore.builder(db.jdbi()).schema(schema)
              .dataTypes(DataTypes.defaults()).migrate(false).build();
          PostgresJobStore jobStore = PostgresJobStore.builder(db.jdbi()).schema(schema)
              .migrate(false).build();
          PostgresTaskQueue queue = PostgresTaskQueue.builder(db.jdbi()).schema(schema)
              .queue(sharedQueue.equalsIgnoreCase("off") ? "unused" : sharedQueue)
              .migrate(false).build();
          AutoCloseable guard = guardKind.equals("redis")
              ? RedisFireGuard.builder().uri(redisUri).keyPrefix("prism:cluster:fire:")
                  .nodeId(node).claimTtl(Duration.ofDays(1)).build()
              : PostgresFireGuard.builder(db.jdbi()).schema(schema).nodeId(node)
                  .migrate(false).build()) {
        TieredDataPath path = TieredDataPath.builder().cache(l1).store(l2).source(source)
            .rateLimiters(limits).onChange(new ChangeFeed()).build();
        WarmJobs jobs = WarmJobs.builder()
            .dataPath(path).cache(l1).store(l2).watchlists(lists).jobs(jobStore)
            .parallelism(2).batchSize(20).journal(work.resolve("journal"))
            .rateLimiters(limits, source.name())
            .build();
        out.printf("node %s: schema %s at version %d, fire guard %s%n", node, schema, version,
            guard);
        Optional<SharedQueueWorker> shared = sharedQueue.equalsIgnoreCase("off")
            ? Optional.empty()
            : Optional.of(new SharedQueueWorker(queue, path, limits, 2, node, out));

        SeedScheduleJobs seedJobs = new SeedScheduleJobs(jobs, lists, out, node, r -> { });
        try (LocalScheduler scheduler = LocalScheduler.builder()
            .fireGuard((FireGuard) guard)
            .listener(seedJobs.printer())
            .build();
            JobControl control = control(jobStore, scheduler, jobs, lists, shared, queue)) {
          for (Schedule s : ScheduleConfigLoader.example()) {
            scheduler.register(s, seedJobs.action(s.name(), control));
          }
          if (!heartbeat.equalsIgnoreCase("off")) {
            scheduler.register(Schedule.builder(HEARTBEAT).cron(heartbeat)
                .gracePeriod(Duration.ZERO).build(), fire -> out.printf(
                    "%s %s fired %s (slot %s)%n", TIME.format(Instant.now()), node,
                    HEARTBEAT, TIME.format(fire.scheduledTime())));
          }
          for (ScheduleStatus s : scheduler.list()) {
            out.printf("  %-42s next %s%n", s.name(), s.nextFireTime()
                .map(t -> t.toOffsetDateTime().toString()).orElse("never"));
          }
          scheduler.start();
          shared.ifPresent(SharedQueueWorker::start);
          out.printf("node %s running%s%s; Ctrl-C stops it; type help for job control%n", node,
              shared.isPresent() ? " on shared queue " + queue.queueName() : "",
              runFor > 0 ? " for " + runFor + " s" : "");
          Console console = new Console(control, shared, lists, out, node);
          console.start();
          if (!trigger.isEmpty()) {
            console.run("trigger " + trigger);
          }
          if (runFor > 0) {
            stop.await(runFor, TimeUnit.SECONDS);
          } else {
            stop.await();
          }
          out.printf("node %s stopping:%n", node);
          shared.ifPresent(w -> {
            w.close();
            out.printf("  shared queue %s: %d warm tasks done here%n", queue.queueName(),
                w.doneHere());
          });
          seedJobs.summary(scheduler.list());
        }
      } catch (Exception e) {
        throw new IllegalStateException("node " + node + " failed: " + e, e);
      }
    } finally {
      stopped.countDown();
    }
  }

  // ---- job control ----

  /** The node's job control; the shared queue, if any, follows its paused task types. */
  private static JobControl control(PostgresJobStore jobStore, LocalScheduler scheduler,
      WarmJobs jobs, WatchlistStore lists, Optional<SharedQueueWorker> shared,
      PostgresTaskQueue queue) {
    JobControl.Builder b = JobControl.builder().jobs(jobStore).scheduler(scheduler)
        .register(WarmJobs.WATCHLIST_WARM, () -> jobs.watchlistWarm(WarmJobs.MANUAL))
        .register(WarmJobs.MARKET_SCAN, () -> jobs.marketScan(
            SeedScheduleJobs.watchedStocks(lists), DataTypes.defaults().names(),
            WarmJobs.MANUAL))
        .register(WarmJobs.CACHE_CLEAN, () -> jobs.cacheClean(
            WarmJobs.Builder.DEFAULT_RETENTION, WarmJobs.MANUAL));
    if (shared.isPresent()) {
      b.followingQueue(queue);
    }
    return b.build();
  }

  /** {@code --cancel=ID}: cancels a job wherever it runs and waits for its record to end. */
  private static void cancelAndExit(long jobId, String pgUrl, String pgUser, String pgPassword,
      String schema, PrintStream out) {
    try (PostgresDataSource db = PostgresDataSource.builder().url(pgUrl).user(pgUser)
            .password(pgPassword).maximumPoolSize(2).build();
        PostgresJobStore jobStore = PostgresJobStore.builder(db.jdbi()).schema(schema).build();
        JobControl control = JobControl.builder().jobs(jobStore).build()) {
      if (!control.cancel(jobId)) {
        out.printf("job %d had already finished: %s%n", jobId,
            control.get(jobId).map(ClusterWorkerMain::describe).orElse("?"));
        return;
      }
      out.printf("cancel of job %d requested; waiting for the node that runs it%n", jobId);
      Optional<JobRecord> end = control.awaitFinished(jobId, Duration.ofSeconds(30));
      out.println(end.map(ClusterWorkerMain::describe).orElse("job " + jobId
          + " is still running after 30 s: is the node that ran it gone?"));
    }
  }

  /** The node's console: commands typed on standard input; see the class comment. */
  private record Console(JobControl control, Optional<SharedQueueWorker> shared,
      WatchlistStore lists, PrintStream out, String node) {

    /** Reads commands from standard input on a daemon thread until the input ends. */
    void start() {
      Thread t = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
              run(line.trim());
            }
          }
        } catch (IOException e) {
          out.printf("%s: console closed: %s%n", node, e);
        }
      }, "cluster-worker-console");
      t.setDaemon(true);
      t.start();
    }

    /** Runs one command. */
    void run(String line) {
      if (line.equals("spread-scan")) {
        spreadScan();
      } else {
        command(control, out, node, line);
      }
    }

    private void spreadScan() {
      if (shared.isEmpty()) {
        out.printf("%s: no shared queue (--shared-queue=off)%n", node);
        return;
      }
      List<DataKey> keys = new ArrayList<>();
      for (String stock : SeedScheduleJobs.watchedStocks(lists)) {
        for (String type : DataTypes.defaults().names()) {
          keys.add(new DataKey(stock, type));
        }
      }
      int n = shared.get().enqueueWarm(keys, 3, node + "-" + Instant.now().toEpochMilli());
      out.printf("%s enqueued %d warm tasks on the shared queue%n", node, n);
    }
  }

  /** Runs one job-control command; see the class comment. */
  private static void command(JobControl control, PrintStream out, String node, String line) {
    String[] w = line.split("\\s+");
    try {
      switch (w[0]) {
        case "jobs" -> {
          Optional<String> type = w.length > 1 ? Optional.of(w[1]) : Optional.empty();
          int limit = w.length > 2 ? Integer.parseInt(w[2]) : 20;
          for (JobRecord j : control.list(type, limit)) {
            out.println("  " + describe(j));
          }
        }
        case "job" -> out.println(control.get(Long.parseLong(arg(w)))
            .map(ClusterWorkerMain::describe).orElse("no job " + arg(w)));
        case "trigger" -> out.printf("%s triggered job %d (%s)%n", node,
            control.trigger(arg(w)), arg(w));
        case "cancel" -> {
          long id = Long.parseLong(arg(w));
          boolean here = control.runningHere().contains(id);
          if (!control.cancel(id)) {
            out.printf("job %d had already finished%n", id);
          } else {
            out.printf("cancel of job %d requested%s%n", id, here ? "; cancelled here"
                : "; the node that runs it stops it within its poll interval");
          }
        }
        case "delete" -> out.println(control.delete(Long.parseLong(arg(w)))
            ? "deleted job " + arg(w) : "no job " + arg(w));
        case "running" -> out.printf("%s runs jobs %s%n", node, control.runningHere());
        case "schedules" -> {
          for (ScheduleStatus s : control.schedules()) {
            out.printf("  %-42s %s, next %s%n", s.name(), s.paused() ? "paused" : "active",
                s.nextFireTime().map(t -> t.toOffsetDateTime().toString()).orElse("never"));
          }
        }
        case "pause" -> {
          if (arg(w).equals("all")) {
            control.pauseAllSchedules();
          } else {
            control.pauseSchedule(arg(w));
          }
          out.printf("%s paused %s%n", node, arg(w));
        }
        case "resume" -> {
          if (arg(w).equals("all")) {
            control.resumeAllSchedules();
          } else {
            control.resumeSchedule(arg(w));
          }
          out.printf("%s resumed %s%n", node, arg(w));
        }
        case "pause-type" -> out.printf("%s %s task type %s on every node%n", node,
            control.pauseTaskType(arg(w)) ? "paused" : "found already paused", arg(w));
        case "resume-type" -> out.printf("%s %s task type %s on every node%n", node,
            control.resumeTaskType(arg(w)) ? "resumed" : "found not paused", arg(w));
        case "paused-types" -> out.printf("paused task types: %s%n", control.pausedTaskTypes());
        case "health" -> out.println(control.health());
        case "metrics" -> {
          LocalDate day = w.length > 1 ? LocalDate.parse(w[1])
              : LocalDate.now(FreshnessPolicy.SHANGHAI);
          for (DailyMetric m : control.rollUpDailyMetrics(day)) {
            out.printf("  %s %-14s %-16s %s %s%n", m.date(), m.metricType(),
                m.category().isEmpty() ? "(all)" : m.category(), m.value().toPlainString(),
                m.additionalData());
          }
        }
        default -> out.println("commands: jobs [type] [limit] | job ID | trigger "
            + String.join("|", control.jobTypes()) + " | cancel ID | delete ID | running | schedules"
            + " | pause NAME|all | resume NAME|all | pause-type TYPE | resume-type TYPE"
            + " | paused-types | health | metrics [day] | spread-scan");
      }
    } catch (RuntimeException e) {
      out.printf("%s: %s failed: %s%n", node, line, e.getMessage());
    }
  }

  private static String arg(String[] words) {
    if (words.length < 2) {
      throw new IllegalArgumentException(words[0] + " needs an argument");
    }
    return words[1];
  }

  private static String describe(JobRecord j) {
    return String.format(Locale.ROOT, "job %d %s %s (%s, priority %d), processed %d, failed %d,"
            + " created %s%s", j.id(), j.jobType(), j.status(), j.jobCategory(), j.priority(),
        j.processedCount(), j.failedCount(), TIME.format(j.createdAt()),
        j.errorMessage().map(m -> ": " + m).orElse(""));
  }
}
