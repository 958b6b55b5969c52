package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.core.jobs.JobControl;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.jobs.WarmProcessor;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresMigrations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Job control reaches another JVM: a child JVM ({@link JobControlChild}) runs a market scan
 * through its own {@link JobControl} on a PostgreSQL job store; this JVM controls the job through
 * a {@link JobControl} of its own over the same tables, which runs nothing. A cancel: the child's
 * poller finds the request and cancels the scan; its record ends {@code cancelled} within a few
 * seconds and the child exits. A paused task type: the child's poller finds the pause and its
 * scan stops fetching, its record still {@code running}, until the type is resumed; the scan then
 * ends {@code success}. PostgreSQL at {@code -Dprism.postgres.url} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}), in a fresh schema per test
 * dropped afterwards; a server that cannot be reached fails the test.
 */
class JobControlIT {
  static final String PG_URL =
      System.getProperty("prism.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = System.getProperty("prism.postgres.user", "postgres");
  static final String PG_PASSWORD = System.getProperty("prism.postgres.password", "");
  /** The child polls every second (the default); a cancel must land well within this. */
  static final Duration CANCEL_WITHIN = Duration.ofSeconds(5);
  /** Likewise a pause: the child stops storing records within this. */
  static final Duration PAUSE_WITHIN = Duration.ofSeconds(5);
  /** No record stored for this long means fetching stopped: 40 keys' time at full speed. */
  static final Duration STILL = Duration.ofSeconds(1);
  /** How long a pause must keep holding once fetching stopped: two of the child's polls. */
  static final Duration HOLD = Duration.ofSeconds(2);
  /** Stocks of the scan the pause test holds back: 200 keys, about 5 s of fetching. */
  static final int PAUSED_SCAN_STOCKS = 100;

  static PostgresDataSource db;
  static String schema;

  @BeforeAll
  static void connect() {
    db = PostgresDataSource.builder().url(PG_URL).user(PG_USER).password(PG_PASSWORD)
        .maximumPoolSize(2).build();
  }

  @AfterAll
  static void disconnect() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void createSchema() {
    schema = "it_jobcontrol_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
  }

  @AfterEach
  void dropSchema() {
    db.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
  }

  @Test
  void shouldCancelAJobRunningInAnotherJvm() throws Exception {
    Process child = startChild(JobControlChild.STOCKS);
    ChildOutput out = new ChildOutput(child, "job-control-child");
    try (PostgresJobStore jobStore = PostgresJobStore.builder(db.jdbi()).schema(schema)
            .migrate(false).build();
        JobControl control = JobControl.builder().jobs(jobStore).build()) {
      long id = awaitJobId(out);
      awaitStored(10, child, out);
      assertThat(control.get(id).map(JobRecord::status)).contains(JobStatus.RUNNING);
      assertThat(control.runningHere()).as("this JVM runs nothing").isEmpty();

      long start = System.nanoTime();
      assertThat(control.cancel(id)).isTrue();
      JobRecord job = awaitFinished(control, id, CANCEL_WITHIN, out);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      System.out.printf("JobControlIT: job %d cancelled from another JVM in %d ms,"
          + " %d of %d keys processed%n", id, took.toMillis(), job.processedCount(),
          JobControlChild.STOCKS * JobControlChild.TYPES.size());
      assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(job.jobType()).isEqualTo(WarmJobs.MARKET_SCAN);
      assertThat(job.processedCount()).isBetween(10L,
          JobControlChild.STOCKS * JobControlChild.TYPES.size() - 1L);
      assertThat(job.errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("cancelled"));
      assertThat(jobStore.cancelRequested(id)).isTrue();

      awaitExit(child, out);
      assertThat(out.toString())
          .contains("END " + id + " CANCELLED")
          .contains("job " + id + " (market_scan): a cancel was requested in the job store");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void shouldHoldBackAPausedTaskTypeInAJobRunningInAnotherJvm() throws Exception {
    // Given a short scan running in the child, some of its records stored
    Process child = startChild(PAUSED_SCAN_STOCKS);
    ChildOutput out = new ChildOutput(child, "job-control-child");
    long keys = (long) PAUSED_SCAN_STOCKS * JobControlChild.TYPES.size();
    try (PostgresJobStore jobStore = PostgresJobStore.builder(db.jdbi()).schema(schema)
            .migrate(false).build();
        JobControl control = JobControl.builder().jobs(jobStore).build()) {
      long id = awaitJobId(out);
      awaitStored(10, child, out);
      assertThat(control.runningHere()).as("this JVM runs nothing").isEmpty();

      // When this JVM pauses the scan's task type
      assertThat(control.pauseTaskType(WarmProcessor.TASK_TYPE)).isTrue();

      // Then the child stops fetching before the end of the scan, and its job waits, running
      long held = awaitStoringStopped(child, out);
      assertThat(held).as("records stored when fetching stopped; output:%n%s", out)
          .isBetween(10L, keys - 1);
      child.waitFor(HOLD.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(stored()).as("records stored %d ms later; output:%n%s", HOLD.toMillis(), out)
          .isEqualTo(held);
      assertThat(child.isAlive()).as("child alive; output:%n%s", out).isTrue();
      assertThat(control.get(id).map(JobRecord::status)).contains(JobStatus.RUNNING);
      assertThat(control.pausedTaskTypes()).containsExactly(WarmProcessor.TASK_TYPE);

      // When this JVM resumes it
      assertThat(control.resumeTaskType(WarmProcessor.TASK_TYPE)).isTrue();

      // Then the child fetches the rest and the job ends successful, every key processed
      JobRecord job = awaitFinished(control, id, Duration.ofSeconds(30), out);
      System.out.printf("JobControlIT: job %d held back at %d of %d keys from another JVM,"
          + " then finished %s%n", id, held, keys, job.status());
      assertThat(job.status()).as("status; output:%n%s", out).isEqualTo(JobStatus.SUCCESS);
      assertThat(job.jobType()).isEqualTo(WarmJobs.MARKET_SCAN);
      assertThat(job.processedCount()).isEqualTo(keys);
      assertThat(stored()).isEqualTo(keys);
      assertThat(control.pausedTaskTypes()).isEmpty();
      awaitExit(child, out);
      assertThat(out.toString()).contains("END " + id + " SUCCESS processed=" + keys);
    } finally {
      child.destroyForcibly();
    }
  }

  /** Counts the records the child's scan has written to L2: one per key fetched. */
  private static long stored() {
    return db.jdbi().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM \"" + schema + "\".market_data").mapTo(Long.class).one());
  }

  /** Waits until the child's scan has written {@code n} records to L2: its engine is at work. */
  /** Waits for the child's {@code JOB <id>} line and returns the id. */
  private static long awaitJobId(ChildOutput out) throws InterruptedException {
    return Long.parseLong(out.awaitLine("JOB ", Duration.ofSeconds(60)).substring(4));
  }

  private static void awaitStored(long n, Process child, ChildOutput out)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (stored() < n) {
      assertInTime(deadline, n + " records stored within 60 s", child, out);
      child.waitFor(20, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Waits, up to {@link #PAUSE_WITHIN}, until the child's scan stores no record for {@link
   * #STILL}: its engine stopped fetching. Returns how many records it had stored.
   */
  private static long awaitStoringStopped(Process child, ChildOutput out)
      throws InterruptedException {
    long deadline = System.nanoTime() + PAUSE_WITHIN.toNanos();
    while (true) {
      long before = stored();
      child.waitFor(STILL.toMillis(), TimeUnit.MILLISECONDS);
      if (stored() == before) {
        return before;
      }
      assertInTime(deadline, "fetching to stop within " + PAUSE_WITHIN.toSeconds()
          + " s (no record stored for " + STILL.toMillis() + " ms)", child, out);
    }
  }

  /** Fails, with the child's output, if the child died or the deadline of a wait has passed. */
  private static void assertInTime(long deadline, String what, Process child, ChildOutput out) {
    assertThat(child.isAlive()).as("child alive; output:%n%s", out).isTrue();
    if (System.nanoTime() - deadline > 0) {
      fail("expected %s; output:%n%s", what, out);
    }
  }

  /** Waits for the record of a job of the child to end; fails, with the output, if it does not. */
  private static JobRecord awaitFinished(JobControl control, long id, Duration within,
      ChildOutput out) {
    Optional<JobRecord> end = control.awaitFinished(id, within);
    assertThat(end).as("record of job %d %s after %s; child output:%n%s", id,
        control.get(id).map(JobRecord::status), within, out).isPresent();
    return end.get();
  }

  /** Waits for the child to exit by itself, and to exit 0, with all its output read. */
  private static void awaitExit(Process child, ChildOutput out) throws InterruptedException {
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited; output:%n%s", out)
        .isTrue();
    out.drain();
    assertThat(child.exitValue()).as("child's exit code; output:%n%s", out).isZero();
  }

  /** Starts the child on the test's schema, scanning {@code stocks} stocks. */
  private static Process startChild(int stocks) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log." + JobControl.class.getName() + "=info",
        JobControlChild.class.getName(), PG_URL, PG_USER, PG_PASSWORD, schema,
        Integer.toString(stocks));
    pb.redirectErrorStream(true);
    return pb.start();
  }
}
