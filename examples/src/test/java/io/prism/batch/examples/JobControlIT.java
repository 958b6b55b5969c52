package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.core.jobs.JobControl;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresMigrations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cancel reaches another JVM: a child JVM ({@link JobControlChild}) runs a long market scan
 * through its own {@link JobControl} on a PostgreSQL job store; this JVM cancels the job through
 * a {@link JobControl} of its own over the same table, which runs nothing. The child's poller
 * finds the request and cancels the scan; its record ends {@code cancelled} within a few seconds
 * and the child exits. PostgreSQL at {@code -Dprism.postgres.url} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}), in a fresh schema dropped
 * afterwards; a server that cannot be reached fails the test.
 */
class JobControlIT {
  static final String PG_URL =
      System.getProperty("prism.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = System.getProperty("prism.postgres.user", "postgres");
  static final String PG_PASSWORD = System.getProperty("prism.postgres.password", "");
  /** The child polls every second (the default); a cancel must land well within this. */
  static final Duration CANCEL_WITHIN = Duration.ofSeconds(5);

  static PostgresDataSource db;
  static String schema;

  @BeforeAll
  static void createSchema() {
    db = PostgresDataSource.builder().url(PG_URL).user(PG_USER).password(PG_PASSWORD)
        .maximumPoolSize(2).build();
    schema = "it_jobcontrol_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      db.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
      db.close();
    }
  }

  @Test
  void shouldCancelAJobRunningInAnotherJvm() throws Exception {
    Process child = startChild();
    Output out = new Output(child);
    try (PostgresJobStore jobStore = PostgresJobStore.builder(db.jdbi()).schema(schema)
            .migrate(false).build();
        JobControl control = JobControl.builder().jobs(jobStore).build()) {
      long id = Long.parseLong(out.awaitLine("JOB ", Duration.ofSeconds(60)).substring(4));
      awaitStored(10, child, out);
      assertThat(control.get(id).map(JobRecord::status)).contains(JobStatus.RUNNING);
      assertThat(control.runningHere()).as("this JVM runs nothing").isEmpty();

      long start = System.nanoTime();
      assertThat(control.cancel(id)).isTrue();
      Optional<JobRecord> end = control.awaitFinished(id, CANCEL_WITHIN);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(end).as("record of job %d %s after %s; child output:%n%s", id,
          control.get(id).map(JobRecord::status), CANCEL_WITHIN, out).isPresent();
      JobRecord job = end.get();
      System.out.printf("JobControlIT: job %d cancelled from another JVM in %d ms,"
          + " %d of %d keys processed%n", id, took.toMillis(), job.processedCount(),
          JobControlChild.STOCKS * JobControlChild.TYPES.size());
      assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(job.jobType()).isEqualTo(WarmJobs.MARKET_SCAN);
      assertThat(job.processedCount()).isBetween(10L,
          JobControlChild.STOCKS * JobControlChild.TYPES.size() - 1L);
      assertThat(job.errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("cancelled"));
      assertThat(jobStore.cancelRequested(id)).isTrue();

      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited; output:%n%s", out)
          .isTrue();
      out.drain();
      assertThat(child.exitValue()).as("child's exit code; output:%n%s", out).isZero();
      assertThat(out.toString())
          .contains("END " + id + " CANCELLED")
          .contains("job " + id + " (market_scan): a cancel was requested in the job store");
    } finally {
      child.destroyForcibly();
    }
  }

  /** Waits until the child's scan has written {@code n} records to L2: its engine is at work. */
  private static void awaitStored(long n, Process child, Output out) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      long stored = db.jdbi().withHandle(h -> h.createQuery(
          "SELECT count(*) FROM \"" + schema + "\".market_data").mapTo(Long.class).one());
      if (stored >= n) {
        return;
      }
      assertThat(child.isAlive()).as("child alive; output:%n%s", out).isTrue();
      assertThat(System.nanoTime()).as("%d records stored in time; output:%n%s", n, out)
          .isLessThan(deadline);
      child.waitFor(20, TimeUnit.MILLISECONDS);
    }
  }

  private static Process startChild() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log." + JobControl.class.getName() + "=info",
        JobControlChild.class.getName(), PG_URL, PG_USER, PG_PASSWORD, schema);
    pb.redirectErrorStream(true);
    return pb.start();
  }

  /** The child's output, read on a thread of its own: all of it, and its lines to wait for. */
  private static final class Output {
    private final StringBuffer all = new StringBuffer();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    Output(Process child) {
      reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            all.append(line).append('\n');
            lines.add(line);
          }
        } catch (IOException e) {
          all.append("[reading the output failed: ").append(e).append("]\n");
        }
      }, "job-control-child-output");
      reader.setDaemon(true);
      reader.start();
    }

    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("a line starting %s within %s; output:%n%s", prefix, timeout, all)
            .isPositive();
        String line = lines.poll(left, TimeUnit.NANOSECONDS);
        if (line != null && line.startsWith(prefix)) {
          return line;
        }
      }
    }

    /** Waits for the end of the output of an exited child. */
    void drain() throws InterruptedException {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    @Override
    public String toString() {
      return all.toString();
    }
  }
}
