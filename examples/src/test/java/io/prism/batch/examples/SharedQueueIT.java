package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.TaskState;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresTaskQueue;
import io.prism.batch.postgres.PostgresWatchlistStore;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link ClusterWorkerMain} JVMs join one shared PostgreSQL task queue: {@code spread-scan}
 * typed on one node enqueues warms of every watched stock and data type; while {@code warm} is
 * paused through job control no node takes any; then both nodes take their share, and a node
 * that is stopped mid-way leaves the queue without cancelling anything, so the other finishes
 * every task. Needs PostgreSQL ({@code -Dprism.postgres.url}, default the local
 * test database) and Redis at 127.0.0.1:6379 (L1, under a prefix of its own), as the rest of
 * the examples' integration tests; a fresh schema is dropped afterwards.
 */
class SharedQueueIT {
  private static final String QUEUE = "it_shared";
  private static final int ROUNDS = 3;
  /** The seed pool: 5 stocks x 6 data types, per round. */
  private static final int KEYS = 30;
  private static final Duration WITHIN = Duration.ofSeconds(90);
  private static final Pattern DONE_HERE =
      Pattern.compile("shared queue " + QUEUE + ": (\\d+) warm tasks done here");

  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = PostgresDataSource.builder().url(JobControlIT.PG_URL).user(JobControlIT.PG_USER)
        .password(JobControlIT.PG_PASSWORD).maximumPoolSize(2).build();
    schema = "it_shared_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
    try (PostgresWatchlistStore lists = PostgresWatchlistStore.builder(db.jdbi()).schema(schema)
        .dataTypes(DataTypes.defaults()).migrate(false).build()) {
      new NightlyFlow(new PrintStream(PrintStream.nullOutputStream()), Path.of("unused"))
          .seedWatchlists(lists);
    }
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      db.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
      db.close();
    }
  }

  @Test
  void shouldShareWarmTasksHoldThemBackWhilePausedAndLetANodeLeaveCancellingNothing(@TempDir Path work)
      throws Exception {
    // Given two nodes on the shared queue
    String prefix = "prism:it:" + UUID.randomUUID() + ":";
    Process a = start("a", prefix, work);
    Process b = start("b", prefix, work);
    ChildOutput outA = new ChildOutput(a, "shared-a");
    ChildOutput outB = new ChildOutput(b, "shared-b");
    try (PostgresTaskQueue queue = PostgresTaskQueue.builder(db.jdbi()).schema(schema)
        .queue(QUEUE).migrate(false).listen(false).build()) {
      outA.awaitLine("node a running on shared queue", WITHIN);
      outB.awaitLine("node b running on shared queue", WITHIN);

      try (Writer console = new OutputStreamWriter(a.getOutputStream(), StandardCharsets.UTF_8)) {
        // When warm tasks are paused through node a's job control and a round is spread
        type(console, "pause-type warm");
        outA.awaitLine("a paused task type warm on every node", WITHIN);
        type(console, "spread-scan");
        assertThat(outA.awaitLine("a enqueued ", WITHIN)).isEqualTo(
            "a enqueued " + KEYS + " warm tasks on the shared queue");

        // Then no node takes any while the pause holds
        TimeUnit.MILLISECONDS.sleep(1500); // dozens of tasks' time, were they claimable
        assertThat(queue.stats().count(TaskState.PENDING)).as("node a:%n%s", outA)
            .isEqualTo(KEYS);

        // When it is resumed, two more rounds are spread, and node b is stopped once it works
        type(console, "resume-type warm");
        outA.awaitLine("a resumed task type warm on every node", WITHIN);
        for (int i = 1; i < ROUNDS; i++) {
          type(console, "spread-scan");
          assertThat(outA.awaitLine("a enqueued ", WITHIN)).isEqualTo(
              "a enqueued " + KEYS + " warm tasks on the shared queue");
        }
        outB.awaitLineContaining("node b: shared queue " + QUEUE + ": round started", WITHIN);
        // SIGTERM through the handle, which (unlike Process.destroy) keeps the output readable
        b.toHandle().destroy(); // the node stops and leaves the queue
        assertThat(b.waitFor(30, TimeUnit.SECONDS)).as("node b stopped; output:%n%s", outB)
            .isTrue();
        outB.drain();

        // Then node a finishes every task: none cancelled, none failed
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (queue.stats().count(TaskState.SUCCEEDED) < ROUNDS * KEYS) {
          assertThat(System.nanoTime()).as("all %d tasks done; queue %s; node a:%n%s",
              ROUNDS * KEYS, queue.stats(), outA).isLessThan(deadline);
          TimeUnit.MILLISECONDS.sleep(100); // a poll step
        }
        assertThat(queue.stats().count(TaskState.CANCELLED)).as("node b:%n%s", outB).isZero();
        assertThat(queue.stats().count(TaskState.FAILED)).isZero();
        assertThat(queue.hasOpenTasks()).isFalse();
        // the replayed data has no 龙虎榜 for two of the five stocks
        long stored = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM \""
            + schema + "\".market_data").mapTo(Long.class).one());
        assertThat(stored).isEqualTo(KEYS - 2L);

        // And node b left saying what it did; node a runs on
        assertThat(outB.toString()).contains("node b stopping:");
        assertThat(a.isAlive()).as("node a:%n%s", outA).isTrue();
      }
    } finally {
      a.toHandle().destroy();
      b.toHandle().destroy();
      a.waitFor(30, TimeUnit.SECONDS);
      outA.drain();
    }
    // each task was done once: what a did and what b did add up to all of them
    System.out.println("shared queue: " + ROUNDS * KEYS + " warm tasks; node a did "
        + doneHere(outA.toString()) + ", node b " + doneHere(outB.toString())
        + " before it left; none cancelled");
    assertThat(doneHere(outA.toString()) + doneHere(outB.toString()))
        .as("tasks done on a and on b; node a:%n%s%nnode b:%n%s", outA, outB)
        .isEqualTo(ROUNDS * KEYS);
  }

  private static void type(Writer console, String command) throws IOException {
    console.write(command + "\n");
    console.flush();
  }

  /** The number a node printed as its shared-queue total when it stopped. */
  private static long doneHere(String output) {
    Matcher m = DONE_HERE.matcher(output);
    long last = -1;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    assertThat(last).as("a node's stop summary in:%n%s", output).isNotNegative();
    return last;
  }

  private static Process start(String node, String redisPrefix, Path work) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        ClusterWorkerMain.class.getName(), "--node=" + node, "--schema=" + schema,
        "--pg-url=" + JobControlIT.PG_URL, "--pg-user=" + JobControlIT.PG_USER,
        "--pg-password=" + JobControlIT.PG_PASSWORD, "--heartbeat=off",
        "--shared-queue=" + QUEUE, "--redis-prefix=" + redisPrefix,
        "--work=" + work.resolve(node));
    pb.redirectErrorStream(true);
    return pb.start();
  }
}
