package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Lease;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.SignallingQueue;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskRecord;
import io.prism.batch.api.TaskState;
import io.prism.batch.postgres.internal.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TaskQueue} in one PostgreSQL table, {@code prism_tasks}, shared by any number of JVMs:
 * the queue that lets several engines work one batch. Several logical queues live in the table,
 * told apart by {@linkplain Builder#queue queue name}; a task is one row from enqueue to purge.
 *
 * <h2>What it guarantees</h2>
 *
 * <ul>
 *   <li><b>One holder at a time.</b> A claim is one statement, {@code UPDATE … WHERE id IN
 *       (SELECT … ORDER BY priority DESC, seq LIMIT n FOR UPDATE SKIP LOCKED) RETURNING …}:
 *       concurrent claimers skip each other's rows and never get the same task. Claims take the
 *       highest priority first and, within a priority, the task enqueued first; a task failed
 *       with a retry time gets a new place behind the work of its priority.
 *   <li><b>Fencing.</b> Every claim takes a new fencing token from a database sequence, so a
 *       task's tokens only grow and are never reused, even after a purge. {@link #complete},
 *       {@link #completeAll}, {@link #fail}, {@link #release}, {@link #cancelRunning} and {@link
 *       #heartbeat} change a task only while it is running under the lease's token: a worker that
 *       paused (GC, SIGSTOP, a frozen VM) past its lease and came back cannot commit after
 *       another worker took the task over; it gets false (or empty).
 *   <li><b>No task stuck "running".</b> {@link #releaseExpired} returns tasks whose lease expired
 *       to pending, keeping their place; the engine calls it every second and heartbeats its
 *       running task every third of the lease time, so the work of a crashed or paused JVM is
 *       claimable again about one lease time after its last heartbeat, not after minutes. It
 *       skips rows locked by a live transaction instead of waiting for them. {@link
 *       Builder#reclaimEvery} runs it in the background for hosts that use the queue without the
 *       engine, and {@link Builder#maxAttemptsOnLeaseExpiry} fails for good a task whose lease
 *       keeps expiring (one that kills its worker).
 *   <li><b>Concurrency caps per task type, cluster-wide.</b> With {@link
 *       Builder#concurrencyCap}, a claim takes an advisory transaction lock per queue, counts the
 *       running tasks of each capped type in the whole cluster, and claims no more than the room
 *       left. Every JVM of a queue must be given the same caps.
 *   <li><b>Pause per task type, cluster-wide.</b> {@link #pauseType} records the type in {@code
 *       prism_paused_task_types}; every claim of the queue, on every JVM, reads that table in the
 *       same statement and leaves the type's tasks where they are until {@link #resumeType}.
 *       Tasks running when the pause commits, or claimed by a statement that began before it,
 *       finish under their leases.
 *   <li><b>Idempotent, durable enqueue.</b> A unique index on {@code (queue_name, dedupe_key)}
 *       (and the key {@code (queue_name, id)}) with {@code INSERT … ON CONFLICT DO NOTHING}, in
 *       chunks of {@value #ENQUEUE_CHUNK} rows, in one transaction; it returns after the commit.
 *       Dedupe covers terminal tasks as long as they are kept: {@link #purgeHistory} deletes
 *       succeeded, failed and cancelled tasks older than the {@linkplain
 *       Builder#historyRetention retention}.
 * </ul>
 *
 * <h2>At-least-once, and exactly-once effects</h2>
 *
 * <p>A processor whose side effects go elsewhere gets <b>at-least-once</b>: if its JVM dies or
 * pauses past the lease after the effect and before the completion commits, the task runs again
 * elsewhere, and the first worker's late completion is refused. (The engine holds the successes
 * of a claim batch for up to about 50 ms and completes them in one statement, {@link
 * #completeAll}; a crash in that window is such a case.) A processor whose effects are
 * writes to this database gets them <b>exactly once</b> by making them in {@link
 * #inLeaseTransaction}: one transaction that locks the task row, checks that the lease's token
 * is still current, runs the processor's SQL and marks the task succeeded; the engine's {@link
 * #complete} that follows only acknowledges it. If the token moved, nothing is written and
 * {@link LeaseLostException} is thrown.
 *
 * <h2>Time</h2>
 *
 * <p>By default every time is the database's ({@code now()}): lease expiry, not-before checks,
 * update times. JVM clock skew then cannot shorten or stretch a lease; {@link #releaseExpired}
 * releases only leases expired both before the time it is given and before the database's time,
 * so a JVM whose clock runs ahead cannot take work early. Not-before and retry times come from
 * the caller (the engine's clock) and are compared with the database's time. With {@link
 * Builder#clock}, every time is taken from that clock instead (tests, single-JVM hosts). Times
 * are kept to the microsecond. Either way, safety rests on the fencing token, not on clocks:
 * skew can only make a task run again, never let two holders commit.
 *
 * <h2>Waiting for work</h2>
 *
 * <p>The queue is a {@link SignallingQueue}: the engine's idle workers wait in {@link
 * #awaitClaimable} instead of claiming every few milliseconds. Every statement that makes a task
 * claimable ({@link #enqueue}, {@link #fail} with a retry time, {@link #release}, {@link
 * #releaseExpired}, {@link #resumeType}) sends one {@code NOTIFY} on a channel of its schema
 * and logical queue, committed with it; a waiter wakes on it, at the next not-before or retry
 * time, or at its timeout. Notifications arrive, on any JVM, through one connection per queue
 * object that {@code LISTEN}s, taken from the pool on the first wait and held until {@link
 * #close} (size the pool one larger). They are hints only: a lost one delays a waiter to at
 * most the {@linkplain Builder#listenerFallbackPoll fallback poll} or its own timeout. If the
 * listening connection breaks, waiters poll at the fallback interval while it reconnects.
 * Behind a pooler that does not keep a session, such as PgBouncer in transaction mode, {@code
 * LISTEN} does not work: turn it off with {@link Builder#listen listen(false)}, and waiters
 * poll.
 *
 * <p>{@link #cancelPending} and {@link #stats} cover the whole logical queue, whichever JVM
 * enqueued the tasks: an engine's {@code cancel()} cancels the pending work of every JVM on the
 * queue, and an engine's workers stop when no task of the queue is open anywhere. Give each
 * independent batch its own queue name.
 *
 * <p>Thread-safe. Tables are created by {@link PostgresMigrations} (run by {@code build()}
 * unless turned off).
 *
 * <pre>{@code
 * PostgresTaskQueue queue = PostgresTaskQueue.builder(jdbi)
 *     .schema("prism")
 *     .queue("nightly")
 *     .concurrencyCap("embed", 2)
 *     .build();
 * try (BatchEngine engine = BatchEngine.builder()
 *     .queue(queue)
 *     .leaseTime(Duration.ofSeconds(30))
 *     .processor(new WarmProcessor(...))
 *     .build()) {
 *   engine.run(tasks);
 * }
 * }</pre>
 */
public final class PostgresTaskQueue extends StoreSupport implements TaskQueue, SignallingQueue {

  /** The provider name, {@value}. */
  public static final String NAME = "postgres";
  /** The queue name used when none is set, {@value}. */
  public static final String DEFAULT_QUEUE = "default";
  /** How long terminal tasks are kept by default: 7 days. */
  public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(7);
  /** The default idle limit of a lease transaction: 30 seconds. */
  public static final Duration DEFAULT_LEASE_TRANSACTION_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Rows per INSERT statement of an enqueue, {@value}. */
  public static final int ENQUEUE_CHUNK = 1000;
  /** Rows per DELETE statement of a purge, {@value}. */
  public static final int PURGE_CHUNK = 10_000;
  /** How long a waiter waits at most while notifications do not arrive: 250 ms. */
  public static final Duration DEFAULT_LISTENER_FALLBACK_POLL = Duration.ofMillis(250);

  private static final Logger LOG = LoggerFactory.getLogger(PostgresTaskQueue.class);
  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final String LOCK_NAMESPACE = "io.prism.batch.postgres.PostgresTaskQueue";
  /** The latest time PostgreSQL's timestamptz holds comfortably. */
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final String TASK_COLUMNS =
      "id, task_type, dedupe_key, priority, payload, attempts, not_before";
  private static final TaskState[] STATES = TaskState.values();

  private final String queueName;
  private final Optional<Clock> clock;
  private final Duration historyRetention;
  private final Map<String, Integer> caps;
  private final int maxAttemptsOnExpiry;
  private final Duration leaseTxIdleTimeout;
  private final ScheduledExecutorService maintenance;
  private final String channel;
  private final NotificationListener listener;

  private final String reserveSeqSql;
  private final String insertSql;
  private final String claimSql;
  private final String cappedClaimSql;
  private final String capLockSql;
  private final String heartbeatSql;
  private final String completeSql;
  private final String completeAllSql;
  private final String retrySql;
  private final String failSql;
  private final String releaseSql;
  private final String cancelRunningSql;
  private final String cancelPendingSql;
  private final String releaseExpiredSql;
  private final String getSql;
  private final String statsSql;
  private final String openSql;
  private final String purgeSql;
  private final String lockLeaseSql;
  private final String settleSql;
  private final String pauseSql;
  private final String resumeSql;
  private final String pausedSql;
  private final String readySql;
  private final String nextSql;

  private PostgresTaskQueue(Builder b) {
    super(b);
    this.queueName = b.queueName;
    this.clock = Optional.ofNullable(b.clock);
    this.historyRetention = b.historyRetention;
    this.caps = Collections.unmodifiableMap(new LinkedHashMap<>(b.caps));
    this.maxAttemptsOnExpiry = b.maxAttemptsOnExpiry;
    this.leaseTxIdleTimeout = b.leaseTxIdleTimeout;
    this.channel = channel(schema, queueName);
    this.listener = new NotificationListener(jdbi, channel, b.listen, b.listenerFallbackPoll,
        "queue " + schema + "." + queueName);

    String t = "${schema}.prism_tasks";
    boolean db = clock.isEmpty();
    // :now is bound only on a clock; on the database's time now() stands in
    String now = db ? "now()" : "CAST(:now AS timestamptz)";
    String expires = db ? "(now() + :leaseMicros * interval '1 microsecond')"
        : "CAST(:expires AS timestamptz)";
    String holds = " WHERE queue_name = :queue AND id = :id AND token = :token"
        + " AND state = 'running'";
    // an anti join, so the claim keeps walking its index in order and stops at :max rows
    // (a "<> ALL (ARRAY(...))" filter is estimated at one row and turns it into scan and sort)
    String notPaused = " AND NOT EXISTS (SELECT 1 FROM ${schema}.prism_paused_task_types p"
        + " WHERE p.queue_name = :queue AND p.task_type = x.task_type)";
    String returning = " RETURNING t." + TASK_COLUMNS.replace(", ", ", t.")
        + ", t.token, t.lease_expires, t.seq";

    reserveSeqSql = sql("SELECT nextval('${schema}.prism_task_seq')"
        + " FROM generate_series(1, :n)");
    insertSql = sql("INSERT INTO " + t + " (queue_name, id, dedupe_key, task_type, priority,"
        + " payload, attempts, not_before, seq, created_at, updated_at)"
        + " SELECT :queue, u.id, u.dedupe_key, u.task_type, u.priority, u.payload, u.attempts,"
        + " CAST(u.not_before AS timestamptz), u.seq, " + now + ", " + now
        + " FROM unnest(:ids, :keys, :types, :priorities, :payloads, :attempts, :notBefores,"
        + " :seqs) AS u(id, dedupe_key, task_type, priority, payload, attempts, not_before, seq)"
        + " ON CONFLICT DO NOTHING RETURNING id");
    String claimSet = "UPDATE " + t + " t SET state = 'running',"
        + " token = nextval('${schema}.prism_task_token'), attempts = t.attempts + 1,"
        + " lease_owner = :worker, lease_expires = " + expires + ", settled_in_lease = false,"
        + " updated_at = " + now;
    claimSql = sql(claimSet
        + " FROM (SELECT x.queue_name, x.id FROM " + t + " x"
        + " WHERE x.queue_name = :queue AND x.state IN ('pending', 'retrying')"
        + " AND x.not_before <= " + now + notPaused
        + " ORDER BY x.priority DESC, x.seq LIMIT :max FOR UPDATE OF x SKIP LOCKED) c"
        + " WHERE t.queue_name = c.queue_name AND t.id = c.id" + returning);
    // Caps: count the running tasks of each capped type (a fresh snapshot, taken after the
    // advisory lock), leave out types with no room, and cut each type at its room.
    cappedClaimSql = sql("WITH cap AS (SELECT c.task_type, c.cap - (SELECT count(*) FROM " + t
        + " r WHERE r.queue_name = :queue AND r.state = 'running'"
        + " AND r.task_type = c.task_type) AS room"
        + " FROM unnest(:capTypes, :capLimits) AS c(task_type, cap)),"
        + " pick AS (SELECT x.queue_name, x.id, x.task_type, x.priority, x.seq FROM " + t + " x"
        + " WHERE x.queue_name = :queue AND x.state IN ('pending', 'retrying')"
        + " AND x.not_before <= " + now + notPaused
        + " AND NOT EXISTS (SELECT 1 FROM cap WHERE cap.task_type = x.task_type"
        + " AND cap.room <= 0)"
        + " ORDER BY x.priority DESC, x.seq LIMIT :max FOR UPDATE OF x SKIP LOCKED),"
        + " ranked AS (SELECT p.queue_name, p.id, cap.room, row_number() OVER"
        + " (PARTITION BY p.task_type ORDER BY p.priority DESC, p.seq) AS rn"
        + " FROM pick p LEFT JOIN cap ON cap.task_type = p.task_type)"
        + " " + claimSet + " FROM ranked c WHERE (c.room IS NULL OR c.rn <= c.room)"
        + " AND t.queue_name = c.queue_name AND t.id = c.id" + returning);
    capLockSql = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(:ns),"
        + " hashtext(:key))) l";
    heartbeatSql = sql("UPDATE " + t + " SET lease_expires = " + expires + holds
        + " RETURNING lease_expires");
    completeSql = sql("UPDATE " + t + " SET state = 'succeeded', output = NULLIF(:output, ''),"
        + " lease_expires = NULL, settled_in_lease = false, updated_at = " + now
        + " WHERE queue_name = :queue AND id = :id AND token = :token"
        + " AND (state = 'running' OR settled_in_lease)");
    completeAllSql = sql("UPDATE " + t + " t SET state = 'succeeded',"
        + " output = NULLIF(u.output, ''), lease_expires = NULL, settled_in_lease = false,"
        + " updated_at = " + now
        + " FROM unnest(:ids, :tokens, :outputs) AS u(id, token, output)"
        + " WHERE t.queue_name = :queue AND t.id = u.id AND t.token = u.token"
        + " AND (t.state = 'running' OR t.settled_in_lease) RETURNING t.id");
    retrySql = sql(notifying("UPDATE " + t + " SET state = 'retrying', last_error = :error,"
        + " not_before = CAST(:retryAt AS timestamptz),"
        + " seq = nextval('${schema}.prism_task_seq'), lease_expires = NULL,"
        + " updated_at = " + now + holds));
    failSql = sql("UPDATE " + t + " SET state = 'failed', last_error = :error,"
        + " lease_expires = NULL, updated_at = " + now + holds);
    releaseSql = sql(notifying("UPDATE " + t + " SET state = 'pending',"
        + " attempts = greatest(attempts - 1, 0), lease_expires = NULL, updated_at = " + now
        + holds));
    cancelRunningSql = sql("UPDATE " + t + " SET state = 'cancelled', lease_expires = NULL,"
        + " updated_at = " + now + holds);
    cancelPendingSql = sql("UPDATE " + t + " SET state = 'cancelled', updated_at = " + now
        + " WHERE queue_name = :queue AND state IN ('pending', 'retrying')");
    String bound = db ? "least(CAST(:bound AS timestamptz), now())" : "CAST(:bound AS timestamptz)";
    releaseExpiredSql = sql(notifying("UPDATE " + t + " t SET"
        + " state = CASE WHEN t.attempts >= :maxAttempts THEN 'failed' ELSE 'pending' END,"
        + " last_error = CASE WHEN t.attempts >= :maxAttempts THEN 'the lease of worker '"
        + " || coalesce(t.lease_owner, '?') || ' expired at start ' || t.attempts"
        + " || '; given up' ELSE t.last_error END,"
        + " lease_expires = NULL, updated_at = " + now
        + " FROM (SELECT queue_name, id FROM " + t + " WHERE queue_name = :queue"
        + " AND state = 'running' AND lease_expires < " + bound
        + " FOR UPDATE SKIP LOCKED) e WHERE t.queue_name = e.queue_name AND t.id = e.id"));
    getSql = sql("SELECT " + TASK_COLUMNS + ", state, last_error, output, updated_at FROM " + t
        + " WHERE queue_name = :queue AND id = :id");
    statsSql = sql("SELECT state, count(*) FROM " + t + " WHERE queue_name = :queue"
        + " GROUP BY state");
    openSql = sql("SELECT EXISTS (SELECT 1 FROM " + t + " WHERE queue_name = :queue"
        + " AND state IN ('pending', 'retrying', 'running'))");
    String cutoff = db ? "(now() - :retentionMicros * interval '1 microsecond')"
        : "CAST(:cutoff AS timestamptz)";
    purgeSql = sql("DELETE FROM " + t + " WHERE (queue_name, id) IN (SELECT queue_name, id"
        + " FROM " + t + " WHERE queue_name = :queue"
        + " AND state IN ('succeeded', 'failed', 'cancelled') AND updated_at < " + cutoff
        + " LIMIT " + PURGE_CHUNK + " FOR UPDATE SKIP LOCKED)");
    // one round trip: bound how long the transaction may sit idle, and lock the row if the
    // lease is current
    lockLeaseSql = sql("SELECT 1 FROM " + t + " x CROSS JOIN (SELECT set_config("
        + "'idle_in_transaction_session_timeout', :idleMillis, true)) s" + holds
        + " FOR UPDATE OF x");
    String paused = "${schema}.prism_paused_task_types";
    pauseSql = sql("INSERT INTO " + paused + " (queue_name, task_type, paused_at)"
        + " VALUES (:queue, :type, " + now + ") ON CONFLICT DO NOTHING");
    resumeSql = sql(notifying("DELETE FROM " + paused
        + " WHERE queue_name = :queue AND task_type = :type"));
    pausedSql = sql("SELECT task_type FROM " + paused + " WHERE queue_name = :queue"
        + " ORDER BY task_type");
    settleSql = sql("UPDATE " + t + " SET state = 'succeeded', lease_expires = NULL,"
        + " settled_in_lease = true, updated_at = " + now + holds);
    String waiting = " FROM " + t + " x WHERE x.queue_name = :queue"
        + " AND x.state IN ('pending', 'retrying')";
    // not min(): the anti join on paused types would keep it from walking the index in order
    nextSql = sql("SELECT x.not_before" + waiting + " AND x.not_before > " + now + notPaused
        + " ORDER BY x.not_before LIMIT 1");
    // like the claim, but one row is enough, and a type whose cap is full does not count
    String fullTypes = caps.isEmpty() ? "" : "WITH full_types AS MATERIALIZED"
        + " (SELECT c.task_type FROM unnest(:capTypes, :capLimits) AS c(task_type, cap)"
        + " WHERE c.cap <= (SELECT count(*) FROM " + t + " r WHERE r.queue_name = :queue"
        + " AND r.state = 'running' AND r.task_type = c.task_type)) ";
    String notFull = caps.isEmpty() ? ""
        : " AND x.task_type NOT IN (SELECT task_type FROM full_types)";
    readySql = sql(fullTypes + "SELECT EXISTS (SELECT 1" + waiting + " AND x.not_before <= "
        + now + notPaused + notFull + ") AS ready, (" + nextSql + ") AS next, " + now
        + " AS now");

    this.maintenance = startMaintenance(b);
  }

  /**
   * Starts a builder on a {@link Jdbi}.
   *
   * @param jdbi the database
   * @return a builder for queue {@value #DEFAULT_QUEUE} in schema {@value
   *     PostgresMigrations#DEFAULT_SCHEMA}
   */
  public static Builder builder(Jdbi jdbi) {
    return new Builder(jdbi);
  }

  /**
   * Starts a builder on a {@link DataSource}; the queue does not close it.
   *
   * @param dataSource the database
   * @return a builder for queue {@value #DEFAULT_QUEUE} in schema {@value
   *     PostgresMigrations#DEFAULT_SCHEMA}
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Jdbi.create(Objects.requireNonNull(dataSource, "dataSource")));
  }

  /**
   * Returns the name of the logical queue this object works on.
   *
   * @return the queue name
   */
  public String queueName() {
    return queueName;
  }

  // ---------------------------------------------------------------- TaskQueue

  @Override
  public EnqueueResult enqueue(Collection<Task> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    ensureOpen();
    List<Task> fresh = new ArrayList<>(tasks.size());
    Set<String> keys = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (Task task : tasks) {
      Objects.requireNonNull(task, "tasks must not contain null");
      checkTime("notBefore", task.notBefore());
      // the first task of a key (or id) in one call wins, as in a queue that takes them in turn
      if (!keys.contains(task.dedupeKey()) && !ids.contains(task.id())) {
        keys.add(task.dedupeKey());
        ids.add(task.id());
        fresh.add(task);
      }
    }
    Set<String> accepted = fresh.isEmpty() ? Set.of() : insert(fresh);
    List<String> acceptedIds = new ArrayList<>(accepted.size());
    List<String> duplicates = new ArrayList<>(0);
    Set<String> reported = new HashSet<>();
    for (Task task : tasks) {
      if (accepted.contains(task.id()) && reported.add(task.id())) {
        acceptedIds.add(task.id());
      } else {
        duplicates.add(task.id());
      }
    }
    return new EnqueueResult(acceptedIds, duplicates);
  }

  private Set<String> insert(List<Task> fresh) {
    int n = fresh.size();
    return call("enqueue " + n + " tasks", () -> jdbi.inTransaction(h -> {
      // sequence numbers in the caller's order (FIFO); rows inserted in dedupe-key order, so
      // that concurrent enqueues of overlapping keys wait for each other instead of deadlocking
      long[] seqs = h.createQuery(reserveSeqSql).bind("n", n).mapTo(Long.class).stream()
          .mapToLong(Long::longValue).sorted().toArray();
      Integer[] order = new Integer[n];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, Comparator.comparing((Integer i) -> fresh.get(i).dedupeKey())
          .thenComparing(i -> fresh.get(i).id()));
      Set<String> accepted = new HashSet<>(n * 2);
      for (int from = 0; from < n; from += ENQUEUE_CHUNK) {
        int to = Math.min(n, from + ENQUEUE_CHUNK);
        int size = to - from;
        String[] idArr = new String[size];
        String[] keyArr = new String[size];
        String[] typeArr = new String[size];
        Integer[] prioArr = new Integer[size];
        String[] payloadArr = new String[size];
        Integer[] attemptArr = new Integer[size];
        String[] notBeforeArr = new String[size];
        Long[] seqArr = new Long[size];
        for (int j = 0; j < size; j++) {
          int i = order[from + j];
          Task task = fresh.get(i);
          idArr[j] = task.id();
          keyArr[j] = task.dedupeKey();
          typeArr[j] = task.type();
          prioArr[j] = task.priority();
          payloadArr[j] = task.payload();
          attemptArr[j] = task.attempts();
          notBeforeArr[j] = Sql.text(task.notBefore());
          seqArr[j] = seqs[i];
        }
        bindNow(h.createQuery(insertSql))
            .bind("queue", queueName)
            .bindArray("ids", String.class, (Object[]) idArr)
            .bindArray("keys", String.class, (Object[]) keyArr)
            .bindArray("types", String.class, (Object[]) typeArr)
            .bindArray("priorities", Integer.class, (Object[]) prioArr)
            .bindArray("payloads", String.class, (Object[]) payloadArr)
            .bindArray("attempts", Integer.class, (Object[]) attemptArr)
            .bindArray("notBefores", String.class, (Object[]) notBeforeArr)
            .bindArray("seqs", Long.class, (Object[]) seqArr)
            .mapTo(String.class)
            .forEach(accepted::add);
      }
      if (!accepted.isEmpty()) {
        h.execute("SELECT pg_notify(?, '')", channel);
      }
      return accepted;
    }));
  }

  @Override
  public List<Lease> claim(String workerId, int max, Duration leaseTime) {
    if (workerId == null || workerId.isEmpty()) {
      throw new InvalidInputException("workerId", workerId, "must not be empty");
    }
    if (max < 0) {
      throw new InvalidInputException("max", max, "must not be negative");
    }
    requirePositive("leaseTime", leaseTime);
    ensureOpen();
    if (max == 0) {
      return List.of();
    }
    List<Claimed> rows = call("claim tasks", () -> {
      if (caps.isEmpty()) {
        return jdbi.withHandle(h -> bindLease(h.createQuery(claimSql), leaseTime, true)
            .bind("queue", queueName).bind("worker", workerId).bind("max", max)
            .map((rs, ctx) -> claimed(rs)).list());
      }
      return jdbi.inTransaction(h -> {
        h.createQuery(capLockSql).bind("ns", LOCK_NAMESPACE).bind("key", lockKey())
            .mapTo(Integer.class).one();
        return bindLease(h.createQuery(cappedClaimSql), leaseTime, true)
            .bind("queue", queueName).bind("worker", workerId).bind("max", max)
            .bindArray("capTypes", String.class, caps.keySet().toArray())
            .bindArray("capLimits", Integer.class, caps.values().toArray())
            .map((rs, ctx) -> claimed(rs)).list();
      });
    });
    if (rows.isEmpty()) {
      return List.of();
    }
    List<Claimed> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingInt((Claimed c) -> -c.task.priority())
        .thenComparingLong(c -> c.seq));
    Lease[] leases = new Lease[sorted.size()];
    for (int i = 0; i < leases.length; i++) {
      Claimed c = sorted.get(i);
      leases[i] = new Lease(c.task, workerId, c.token, c.expiresAt);
    }
    return List.of(leases);
  }

  @Override
  public Optional<Lease> heartbeat(Lease lease, Duration leaseTime) {
    Objects.requireNonNull(lease, "lease");
    requirePositive("leaseTime", leaseTime);
    ensureOpen();
    Optional<OffsetDateTime> expires = call("heartbeat task " + lease.task().id(), () ->
        jdbi.withHandle(h -> bindHolder(bindLease(h.createQuery(heartbeatSql), leaseTime, false), lease)
            .mapTo(OffsetDateTime.class).findOne()));
    return expires.map(e -> new Lease(lease.task(), lease.workerId(), lease.token(),
        e.toInstant()));
  }

  @Override
  public boolean complete(Lease lease, String output) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(output, "output");
    return update("complete task " + lease.task().id(), completeSql, lease,
        s -> s.bind("output", output));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here one {@code UPDATE … FROM unnest(…)} statement for all of them, one commit.
   */
  @Override
  public List<Boolean> completeAll(List<Lease> leases, List<String> outputs) {
    Objects.requireNonNull(leases, "leases");
    Objects.requireNonNull(outputs, "outputs");
    if (leases.size() != outputs.size()) {
      throw new InvalidInputException(
          "outputs", outputs.size(), "must hold one output per lease (" + leases.size() + ")");
    }
    ensureOpen();
    int n = leases.size();
    if (n == 0) {
      return List.of();
    }
    if (n == 1) {
      return List.of(complete(leases.get(0), outputs.get(0)));
    }
    // one row per task: a second lease of the same task in one call is refused, as a second
    // complete() of it would be
    Map<String, Integer> first = new HashMap<>(n * 2);
    List<String> ids = new ArrayList<>(n);
    List<Long> tokens = new ArrayList<>(n);
    List<String> outs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Lease l = Objects.requireNonNull(leases.get(i), "leases must not contain null");
      String out = Objects.requireNonNull(outputs.get(i), "outputs must not contain null");
      if (first.putIfAbsent(l.task().id(), i) == null) {
        ids.add(l.task().id());
        tokens.add(l.token());
        outs.add(out);
      }
    }
    Set<String> done = new HashSet<>(call("complete " + n + " tasks", () ->
        jdbi.withHandle(h -> bindNow(h.createQuery(completeAllSql))
            .bind("queue", queueName)
            .bindArray("ids", String.class, ids)
            .bindArray("tokens", Long.class, tokens)
            .bindArray("outputs", String.class, outs)
            .mapTo(String.class).list())));
    Boolean[] recorded = new Boolean[n];
    for (int i = 0; i < n; i++) {
      String id = leases.get(i).task().id();
      recorded[i] = first.get(id) == i && done.contains(id);
    }
    return List.of(recorded);
  }

  /**
   * {@inheritDoc}
   *
   * @return true: {@link #completeAll} costs one round trip and one commit however many leases
   */
  @Override
  public boolean batchesCompletions() {
    return true;
  }

  @Override
  public boolean fail(Lease lease, String error, Optional<Instant> retryAt) {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(retryAt, "retryAt");
    if (retryAt.isPresent()) {
      checkTime("retryAt", retryAt.get());
      return updateAndNotify("record the failure of task " + lease.task().id(), retrySql, lease,
          s -> s.bind("error", error).bind("retryAt", Sql.time(retryAt.get())));
    }
    return update("record the failure of task " + lease.task().id(), failSql, lease,
        s -> s.bind("error", error));
  }

  @Override
  public boolean release(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    return updateAndNotify("release task " + lease.task().id(), releaseSql, lease, s -> s);
  }

  @Override
  public int cancelPending() {
    ensureOpen();
    return call("cancel pending tasks", () -> jdbi.withHandle(h ->
        bindNow(h.createUpdate(cancelPendingSql)).bind("queue", queueName).execute()));
  }

  @Override
  public boolean cancelRunning(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    return update("cancel task " + lease.task().id(), cancelRunningSql, lease, s -> s);
  }

  @Override
  public int releaseExpired(Instant now) {
    Objects.requireNonNull(now, "now");
    ensureOpen();
    return releaseExpiredBefore(now.isAfter(LATEST) ? LATEST : now);
  }

  private int releaseExpiredBefore(Instant bound) {
    int n = call("release expired leases", () -> jdbi.withHandle(h ->
        bindNow(h.createQuery(releaseExpiredSql)).bind("queue", queueName)
            .bind("channel", channel).bind("bound", Sql.timeCeiling(bound))
            .bind("maxAttempts", maxAttemptsOnExpiry).mapTo(Integer.class).one()));
    if (n > 0) {
      LOG.info("queue {}: released {} tasks whose lease expired", queueName, n);
    }
    return n;
  }

  @Override
  public Optional<TaskRecord> get(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    ensureOpen();
    return call("read task " + taskId, () -> jdbi.withHandle(h -> h.createQuery(getSql)
        .bind("queue", queueName).bind("id", taskId)
        .map((rs, ctx) -> new TaskRecord(task(rs), state(rs.getString("state")),
            Optional.ofNullable(rs.getString("last_error")),
            Optional.ofNullable(rs.getString("output")),
            rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
        .findOne()));
  }

  @Override
  public QueueStats stats() {
    ensureOpen();
    EnumMap<TaskState, Long> counts = new EnumMap<>(TaskState.class);
    call("count tasks", () -> jdbi.withHandle(h -> {
      h.createQuery(statsSql).bind("queue", queueName)
          .map((rs, ctx) -> Map.entry(state(rs.getString(1)), rs.getLong(2)))
          .forEach(e -> counts.put(e.getKey(), e.getValue()));
      return null;
    }));
    return new QueueStats(counts);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Pauses the type for every JVM of this logical queue: the pause is a row in {@code
   * prism_paused_task_types} that every claim reads.
   */
  @Override
  public boolean pauseType(String taskType) {
    return changePause(taskType, true);
  }

  @Override
  public boolean resumeType(String taskType) {
    return changePause(taskType, false);
  }

  @Override
  public Set<String> pausedTypes() {
    ensureOpen();
    List<String> types = call("read paused task types", () -> jdbi.withHandle(h ->
        h.createQuery(pausedSql).bind("queue", queueName).mapTo(String.class).list()));
    return Collections.unmodifiableSortedSet(new TreeSet<>(types));
  }

  private boolean changePause(String taskType, boolean pause) {
    Task.requireType("taskType", taskType);
    ensureOpen();
    String what = (pause ? "pause" : "resume") + " task type " + taskType;
    int changed = call(what, () -> jdbi.withHandle(h -> pause
        ? bindNow(h.createUpdate(pauseSql)).bind("queue", queueName).bind("type", taskType)
            .execute()
        : h.createQuery(resumeSql).bind("queue", queueName).bind("type", taskType)
            .bind("channel", channel).mapTo(Integer.class).one()));
    if (changed > 0) {
      LOG.info("queue {}: task type {} {}", queueName, taskType, pause ? "paused" : "resumed");
    }
    return changed > 0;
  }

  // ---------------------------------------------------------------- SignallingQueue

  /**
   * {@inheritDoc}
   *
   * <p>Each check is one indexed query, on the database's time (or the {@linkplain Builder#clock
   * clock}); between checks the thread waits for a notification on this queue's channel, the
   * next not-before time, or the timeout. The first call opens the listening connection. A task
   * type whose {@linkplain Builder#concurrencyCap cap} is full counts as not claimable, and a
   * cap that frees up does not wake waiters: it is seen at their next check.
   *
   * @return true if a task may be claimable now; false if the time ran out or the queue is closed
   */
  @Override
  public boolean awaitClaimable(long timeout, TimeUnit unit) throws InterruptedException {
    Objects.requireNonNull(unit, "unit");
    long deadline = System.nanoTime() + Math.max(0, unit.toNanos(timeout));
    if (listener.isClosed()) {
      return false;
    }
    listener.start();
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      long seen = listener.signals();
      Readiness r = readiness();
      if (r.claimable) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || listener.isClosed()) {
        return false;
      }
      long untilNext = r.nanosUntilNext();
      listener.await(seen, Math.min(left, untilNext));
      if (listener.signals() == seen && untilNext > left && deadline - System.nanoTime() <= 0) {
        return false; // the time ran out and nothing happened that is worth a look
      }
    }
  }

  /** {@inheritDoc} One indexed query; paused task types do not count. */
  @Override
  public Optional<Instant> nextNotBefore() {
    ensureOpen();
    return call("find the next not-before time", () -> jdbi.withHandle(h ->
        bindNow(h.createQuery(nextSql)).bind("queue", queueName)
            .mapTo(OffsetDateTime.class).findOne().map(OffsetDateTime::toInstant)));
  }

  private Readiness readiness() {
    return call("look for claimable tasks", () -> jdbi.withHandle(h -> {
      Query q = bindNow(h.createQuery(readySql)).bind("queue", queueName);
      if (!caps.isEmpty()) {
        q.bindArray("capTypes", String.class, caps.keySet().toArray())
            .bindArray("capLimits", Integer.class, caps.values().toArray());
      }
      return q.map((rs, ctx) -> new Readiness(rs.getBoolean("ready"),
          Sql.instant(rs.getObject("next", OffsetDateTime.class)),
          rs.getObject("now", OffsetDateTime.class).toInstant())).one();
    }));
  }

  /** The channel's name for this queue, for tests. */
  String notifyChannel() {
    return channel;
  }

  /** Tells whether the listening connection is up, for tests. */
  boolean isListening() {
    return listener.isListening();
  }

  /** The {@code application_name} of the listening connection, for tests. */
  String listenerApplicationName() {
    return listener.applicationName();
  }

  /** {@inheritDoc} One indexed existence check, however much history the queue keeps. */
  @Override
  public boolean hasOpenTasks() {
    ensureOpen();
    return call("look for open tasks", () -> jdbi.withHandle(h ->
        h.createQuery(openSql).bind("queue", queueName).mapTo(Boolean.class).one()));
  }

  /**
   * Deletes succeeded, failed and cancelled tasks of this queue whose last change is older than
   * the {@linkplain Builder#historyRetention history retention}, in chunks of {@value
   * #PURGE_CHUNK}. A purged task's dedupe key can be enqueued again.
   *
   * @return how many tasks were deleted
   */
  public int purgeHistory() {
    ensureOpen();
    int total = 0;
    while (true) {
      int n = call("purge task history", () -> jdbi.withHandle(h -> {
        var u = h.createUpdate(purgeSql).bind("queue", queueName);
        if (clock.isPresent()) {
          u.bind("cutoff", Sql.time(clock.get().instant().minus(historyRetention)));
        } else {
          u.bind("retentionMicros", historyRetention.toNanos() / 1000);
        }
        return u.execute();
      }));
      total += n;
      if (n < PURGE_CHUNK) {
        break;
      }
    }
    if (total > 0) {
      LOG.info("queue {}: purged {} finished tasks older than {}", queueName, total,
          historyRetention);
    }
    return total;
  }

  /**
   * Runs the caller's SQL and the task's success in one transaction, if and only if the lease
   * is still the task's current one: the way to make a processor's database effects exactly
   * once. The transaction locks the task row and checks the token first, then runs {@code
   * work}, then marks the task succeeded; when {@code work} throws, nothing is committed. The
   * engine's {@link #complete} (or {@link #completeAll}) with the same lease afterwards returns
   * true once and records the output; a {@link #fail} afterwards returns false.
   *
   * <pre>{@code
   * public String process(Task task, TaskContext ctx) {
   *   Lease lease = ctx.lease(task).orElseThrow();
   *   return queue.inLeaseTransaction(lease, h -> {
   *     h.createUpdate("INSERT INTO effects(task_id) VALUES (:id)").bind("id", task.id()).execute();
   *     return "";
   *   });
   * }
   * }</pre>
   *
   * <p>Call it as the processor's last step, and keep it short: while it runs, the engine's
   * heartbeat of that task waits for it. A transaction left idle longer than the {@linkplain
   * Builder#leaseTransactionIdleTimeout idle timeout} (a frozen JVM) is ended by the server and
   * rolled back, so it cannot hold the row for ever. Do not commit or roll back the handle.
   *
   * @param lease the lease under which the task runs
   * @param work the caller's statements, on the transaction's handle
   * @param <R> what {@code work} returns
   * @param <X> what {@code work} may throw
   * @return what {@code work} returned
   * @throws LeaseLostException if the lease is no longer current; nothing was committed
   * @throws X what {@code work} threw; nothing was committed
   */
  public <R, X extends Exception> R inLeaseTransaction(Lease lease, HandleCallback<R, X> work)
      throws X {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(work, "work");
    ensureOpen();
    try {
      return jdbi.inTransaction(h -> {
        if (bindHolder(h.createQuery(lockLeaseSql), lease)
            .bind("idleMillis", String.valueOf(Math.max(1, leaseTxIdleTimeout.toMillis())))
            .mapTo(Integer.class).findOne().isEmpty()) {
          throw new LeaseLostException(lease);
        }
        R result = work.withHandle(h);
        if (bindHolder(bindNow(h.createUpdate(settleSql)), lease).execute() != 1) {
          throw new LeaseLostException(lease);
        }
        return result;
      });
    } catch (JdbiException e) {
      throw new BatchException("PostgreSQL: cannot run the lease transaction of task "
          + lease.task().id() + ": " + Sql.rootMessage(e), e);
    }
  }

  /**
   * Stops the background maintenance, if any, ends waits and returns the listening connection,
   * and closes what was handed over to close.
   */
  @Override
  public void close() {
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
    listener.close();
    super.close();
  }

  @Override
  public String toString() {
    return "PostgresTaskQueue[schema " + schema + ", queue " + queueName + "]";
  }

  // ---------------------------------------------------------------- internals

  private boolean update(String what, String sql, Lease lease,
      UnaryOperator<Update> extra) {
    ensureOpen();
    return call(what, () -> jdbi.withHandle(h ->
        extra.apply(bindHolder(bindNow(h.createUpdate(sql)), lease)).execute())) == 1;
  }

  /** Like {@link #update} for a statement made by {@link #notifying}. */
  private boolean updateAndNotify(String what, String sql, Lease lease,
      UnaryOperator<Query> extra) {
    ensureOpen();
    return call(what, () -> jdbi.withHandle(h ->
        extra.apply(bindHolder(bindNow(h.createQuery(sql)), lease)).bind("channel", channel)
            .mapTo(Integer.class).one())) == 1;
  }

  /**
   * Wraps a statement that may make tasks claimable so that it returns how many rows it
   * changed and, when any, notifies the queue's channel ({@code :channel}) once, in the same
   * transaction.
   */
  private static String notifying(String change) {
    return "WITH changed AS (" + change + " RETURNING 1)"
        + " SELECT count(*) AS n, CASE WHEN count(*) > 0 THEN pg_notify(:channel, '') END"
        + " FROM changed";
  }

  /**
   * The channel of a logical queue: an identifier no longer than PostgreSQL's 63 bytes, from a
   * hash of schema and queue name, which may be longer and hold characters an identifier
   * cannot.
   */
  static String channel(String schema, String queueName) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((schema + "." + queueName).getBytes(StandardCharsets.UTF_8));
      return "prism_q_" + HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private <S extends SqlStatement<S>> S bindHolder(S s, Lease lease) {
    return s.bind("queue", queueName).bind("id", lease.task().id()).bind("token", lease.token());
  }

  private <S extends SqlStatement<S>> S bindNow(S s) {
    clock.ifPresent(c -> s.bind("now", Sql.time(c.instant())));
    return s;
  }

  /** Binds the lease expiry, and the current time too when {@code withNow}. */
  private <S extends SqlStatement<S>> S bindLease(S s, Duration leaseTime, boolean withNow) {
    if (clock.isPresent()) {
      Instant now = clock.get().instant();
      if (withNow) {
        s.bind("now", Sql.time(now));
      }
      s.bind("expires", Sql.time(plusCapped(now, leaseTime)));
    } else {
      s.bind("leaseMicros", micros(leaseTime));
    }
    return s;
  }

  private String lockKey() {
    return schema + "." + queueName;
  }

  private static Claimed claimed(ResultSet rs) throws SQLException {
    return new Claimed(task(rs), rs.getLong("token"),
        rs.getObject("lease_expires", OffsetDateTime.class).toInstant(), rs.getLong("seq"));
  }

  private static Task task(ResultSet rs) throws SQLException {
    return new Task(rs.getString("id"), rs.getString("task_type"), rs.getString("dedupe_key"),
        rs.getInt("priority"), rs.getString("payload"), rs.getInt("attempts"),
        rs.getObject("not_before", OffsetDateTime.class).toInstant());
  }

  private static TaskState state(String s) {
    for (TaskState st : STATES) {
      if (st.name().toLowerCase(Locale.ROOT).equals(s)) {
        return st;
      }
    }
    throw new BatchException("unknown task state in the database: " + s);
  }

  private static <T> T call(String what, Supplier<T> c) {
    return Sql.call(what, c);
  }

  private static void requirePositive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidInputException(field, d, "must be positive");
    }
  }

  private static void checkTime(String field, Instant t) {
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw new InvalidInputException(field, t, "must be between " + EARLIEST + " and " + LATEST);
    }
  }

  private static Instant plusCapped(Instant t, Duration d) {
    Instant max = LATEST;
    return Duration.between(t, max).compareTo(d) <= 0 ? max : t.plus(d);
  }

  private static long micros(Duration d) {
    try {
      return Math.max(1, d.toNanos() / 1000);
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE / 2;
    }
  }

  private ScheduledExecutorService startMaintenance(Builder b) {
    if (b.reclaimEvery == null && b.purgeEvery == null) {
      return null;
    }
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread th = new Thread(r, "prism-pg-queue-" + queueName);
      th.setDaemon(true);
      return th;
    });
    if (b.reclaimEvery != null) {
      long ms = Math.max(1, b.reclaimEvery.toMillis());
      s.scheduleWithFixedDelay(() -> maintain("release expired leases",
          () -> releaseExpiredBefore(clock.map(Clock::instant).orElse(LATEST))),
          ms, ms, TimeUnit.MILLISECONDS);
    }
    if (b.purgeEvery != null) {
      long ms = Math.max(1, b.purgeEvery.toMillis());
      s.scheduleWithFixedDelay(() -> maintain("purge history", this::purgeHistory),
          ms, ms, TimeUnit.MILLISECONDS);
    }
    return s;
  }

  private static void maintain(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("task queue maintenance: cannot {}: {}", what, e.toString());
    }
  }

  /** A claimed row: the task, its token, lease expiry and place. */
  private record Claimed(Task task, long token, Instant expiresAt, long seq) {}

  /** Whether a task is claimable now, and when the next waiting one will be. */
  private record Readiness(boolean claimable, Optional<Instant> next, Instant now) {
    long nanosUntilNext() {
      if (next.isEmpty()) {
        return Long.MAX_VALUE;
      }
      try {
        return Math.max(0, Duration.between(now, next.get()).toNanos());
      } catch (ArithmeticException far) {
        return Long.MAX_VALUE;
      }
    }
  }

  /** Builds a {@link PostgresTaskQueue}. Not thread-safe. */
  public static final class Builder extends StoreBuilder<Builder> {
    private String queueName = DEFAULT_QUEUE;
    private Clock clock;
    private Duration historyRetention = DEFAULT_HISTORY_RETENTION;
    private final Map<String, Integer> caps = new LinkedHashMap<>();
    private int maxAttemptsOnExpiry = Integer.MAX_VALUE;
    private Duration leaseTxIdleTimeout = DEFAULT_LEASE_TRANSACTION_IDLE_TIMEOUT;
    private Duration reclaimEvery;
    private Duration purgeEvery;
    private boolean listen = true;
    private Duration listenerFallbackPoll = DEFAULT_LISTENER_FALLBACK_POLL;

    private Builder(Jdbi jdbi) {
      super(jdbi);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets the logical queue: tasks of other queue names in the same table are not seen.
     *
     * @param name 1-100 characters of letters, digits, '_', '.', ':' or '-'; default {@value
     *     #DEFAULT_QUEUE}
     * @return this builder
     */
    public Builder queue(String name) {
      if (name == null || !QUEUE_NAME.matcher(name).matches()) {
        throw new InvalidInputException(
            "queue", name, "must be 1-100 characters of letters, digits, '_', '.', ':' or '-'");
      }
      this.queueName = name;
      return this;
    }

    /**
     * Takes every time (lease expiry, not-before checks, update times) from this clock instead
     * of the database's {@code now()}; for tests on a settable clock, or a single JVM.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new InvalidInputException("clock", null, "must not be null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Sets how long succeeded, failed and cancelled tasks are kept before {@link
     * PostgresTaskQueue#purgeHistory} deletes them.
     *
     * @param retention zero or more; default 7 days
     * @return this builder
     */
    public Builder historyRetention(Duration retention) {
      if (retention == null || retention.isNegative()) {
        throw new InvalidInputException("historyRetention", retention, "must not be negative");
      }
      this.historyRetention = retention;
      return this;
    }

    /**
     * Caps how many tasks of a type run at once in the whole cluster. Give every JVM of the
     * queue the same caps.
     *
     * @param taskType the task type
     * @param maxRunning at least 1
     * @return this builder
     */
    public Builder concurrencyCap(String taskType, int maxRunning) {
      if (taskType == null || taskType.isEmpty() || taskType.length() > 100) {
        throw new InvalidInputException("taskType", taskType, "must be 1-100 characters");
      }
      if (maxRunning < 1) {
        throw new InvalidInputException("maxRunning", maxRunning, "must be at least 1");
      }
      Integer prior = caps.putIfAbsent(taskType, maxRunning);
      if (prior != null) {
        throw new InvalidInputException(
            "taskType", taskType, "a cap for this type was already set to " + prior);
      }
      return this;
    }

    /**
     * Fails a task for good, instead of returning it to pending, when its lease expires on its
     * {@code attempts}-th start or later: a task that kills or freezes every worker that runs it
     * stops after that many tries. Unlimited by default.
     *
     * @param attempts at least 1
     * @return this builder
     */
    public Builder maxAttemptsOnLeaseExpiry(int attempts) {
      if (attempts < 1) {
        throw new InvalidInputException("maxAttemptsOnLeaseExpiry", attempts,
            "must be at least 1");
      }
      this.maxAttemptsOnExpiry = attempts;
      return this;
    }

    /**
     * Sets how long a {@link PostgresTaskQueue#inLeaseTransaction} may sit idle (its JVM
     * frozen, say) before the server ends it and rolls it back.
     *
     * @param timeout at least 1 ms; default 30 s
     * @return this builder
     */
    public Builder leaseTransactionIdleTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 1) {
        throw new InvalidInputException("leaseTransactionIdleTimeout", timeout,
            "must be at least 1 ms");
      }
      this.leaseTxIdleTimeout = timeout;
      return this;
    }

    /**
     * Releases expired leases in the background at this interval, for hosts that use the queue
     * without the engine (which does it every second). Off by default.
     *
     * @param interval at least 10 ms
     * @return this builder
     */
    public Builder reclaimEvery(Duration interval) {
      requireInterval("reclaimEvery", interval);
      this.reclaimEvery = interval;
      return this;
    }

    /**
     * Runs {@link PostgresTaskQueue#purgeHistory} in the background at this interval. Off by
     * default.
     *
     * @param interval at least 10 ms
     * @return this builder
     */
    public Builder purgeEvery(Duration interval) {
      requireInterval("purgeEvery", interval);
      this.purgeEvery = interval;
      return this;
    }

    /**
     * Sets whether {@link PostgresTaskQueue#awaitClaimable} listens for the notifications of
     * other queue objects and JVMs (default true). Turn it off behind a pooler that does not
     * keep a session per client, such as PgBouncer in transaction mode, where {@code LISTEN}
     * does not work; waiters then check every {@linkplain #listenerFallbackPoll fallback poll}.
     * Statements notify either way.
     *
     * @param listen the flag
     * @return this builder
     */
    public Builder listen(boolean listen) {
      this.listen = listen;
      return this;
    }

    /**
     * Sets the longest a waiter in {@link PostgresTaskQueue#awaitClaimable} goes without
     * checking the database while it gets no notifications: when listening is off, or while the
     * listening connection is broken and reconnects.
     *
     * @param interval at least 10 ms; default 250 ms
     * @return this builder
     */
    public Builder listenerFallbackPoll(Duration interval) {
      requireInterval("listenerFallbackPoll", interval);
      this.listenerFallbackPoll = interval;
      return this;
    }

    private static void requireInterval(String field, Duration d) {
      if (d == null || d.toMillis() < 10) {
        throw new InvalidInputException(field, d, "must be at least 10 ms");
      }
    }

    /**
     * Builds the queue, migrating the schema first unless turned off.
     *
     * @return the queue
     */
    public PostgresTaskQueue build() {
      return new PostgresTaskQueue(this);
    }
  }
}
