package io.prism.batch.core.store;

import static io.prism.batch.core.store.StoreAssertions.assertSameJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link JobStore} must have. An implementation's test extends this class
 * and returns a new, empty store from {@link #newStore()}; every test gets its own store, closed
 * afterwards.
 */
public abstract class JobStoreContract {
  /** A fixed instant the tests count from. */
  protected static final Instant T0 = Instant.parse("2024-03-01T17:00:00Z");

  /** The store under test. */
  protected JobStore store;

  /**
   * Returns a new store holding no records.
   *
   * @return the store
   */
  protected abstract JobStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static JobRecord pending(String name, String type, Instant createdAt) {
    return JobRecord.pending(name, type, "scheduled", 3, createdAt);
  }

  @Test
  void shouldCreateARecordWithANewId() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0).withId(9_000_000_000L));

    assertThat(created.id()).isPositive().isNotEqualTo(9_000_000_000L);
    assertSameJob(store.get(created.id()).orElseThrow(), created);
    assertThat(store.create(pending("again", "watchlist_warm", T0)).id())
        .isNotEqualTo(created.id());
  }

  @Test
  void shouldStoreEveryField() {
    JobRecord full = new JobRecord(0, "预热 600519", "rag_sync", "priority",
        Optional.of("600519"), Optional.of("financial"), Optional.of(42L), JobStatus.FAILED, 5,
        Optional.of(Instant.parse("2024-03-01T17:00:00.123456789Z")),
        Optional.of(Instant.parse("2024-03-01T17:00:01Z")),
        Optional.of(Instant.parse("2024-03-01T17:05:00.5Z")), 10, 7, 3,
        Optional.of("source timed out: 超时"), "{\"failed\": [\"600519\"], \"ratio\": 0.7}", 2, 4,
        Instant.parse("2024-03-01T16:59:59.999999999Z"));

    JobRecord created = store.create(full);

    JobRecord expected = new JobRecord(created.id(), "预热 600519", "rag_sync", "priority",
        Optional.of("600519"), Optional.of("financial"), Optional.of(42L), JobStatus.FAILED, 5,
        Optional.of(Instant.parse("2024-03-01T17:00:00.123456Z")),
        Optional.of(Instant.parse("2024-03-01T17:00:01Z")),
        Optional.of(Instant.parse("2024-03-01T17:05:00.5Z")), 10, 7, 3,
        Optional.of("source timed out: 超时"), "{\"failed\": [\"600519\"], \"ratio\": 0.7}", 2, 4,
        Instant.parse("2024-03-01T16:59:59.999999Z"));
    assertSameJob(created, expected);
    assertSameJob(store.get(created.id()).orElseThrow(), expected);
  }

  @Test
  void shouldUpdateARecordThroughItsLifecycle() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0));

    JobRecord running = created.started(T0.plusSeconds(1));
    store.update(running);
    assertSameJob(store.get(created.id()).orElseThrow(), running);

    JobRecord done = running.finished(JobStatus.SUCCESS, T0.plusSeconds(90), 100, 98, 2,
        Optional.empty(), "{\"stocks\": 100}");
    store.update(done);
    assertSameJob(store.get(created.id()).orElseThrow(), done);
  }

  @Test
  void shouldRejectAnUpdateOfAMissingIdAndStayUnchanged() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0));

    assertThatThrownBy(() -> store.update(created.withId(created.id() + 1000).started(T0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("id");

    assertThat(store.get(created.id() + 1000)).isEmpty();
    assertThat(store.recent(Optional.empty(), 10)).hasSize(1);
    assertSameJob(store.get(created.id()).orElseThrow(), created);
  }

  @Test
  void shouldReturnEmptyForAMissingId() {
    assertThat(store.get(123456)).isEmpty();
    assertThat(store.recent(Optional.empty(), 5)).isEmpty();
  }

  @Test
  void shouldListRecentRecordsNewestFirstUpToTheLimit() {
    JobRecord first = store.create(pending("a", "watchlist_warm", T0));
    JobRecord third = store.create(pending("c", "rag_sync", T0.plusSeconds(20)));
    JobRecord second = store.create(pending("b", "market_scan", T0.plusSeconds(10)));
    JobRecord sameTimeLater = store.create(pending("d", "cache_clean", T0.plusSeconds(20)));

    assertThat(store.recent(Optional.empty(), 10)).extracting(JobRecord::id)
        .containsExactly(sameTimeLater.id(), third.id(), second.id(), first.id());
    assertThat(store.recent(Optional.empty(), 2)).extracting(JobRecord::id)
        .containsExactly(sameTimeLater.id(), third.id());
  }

  @Test
  void shouldFilterRecentRecordsByType() {
    JobRecord warm1 = store.create(pending("a", "watchlist_warm", T0));
    store.create(pending("b", "rag_sync", T0.plusSeconds(1)));
    JobRecord warm2 = store.create(pending("c", "watchlist_warm", T0.plusSeconds(2)));

    assertThat(store.recent(Optional.of("watchlist_warm"), 10)).extracting(JobRecord::id)
        .containsExactly(warm2.id(), warm1.id());
    assertThat(store.recent(Optional.of("nothing"), 10)).isEmpty();
  }

  @Test
  void shouldAcceptJobTypesBeyondTheSeedsFour() {
    JobRecord reconcile = store.create(pending("reconcile", "reconcile", T0));
    JobRecord custom = store.create(pending("转码", "video_transcode", T0));

    assertThat(store.get(reconcile.id()).map(JobRecord::jobType)).contains("reconcile");
    assertThat(store.get(custom.id()).map(JobRecord::jobType)).contains("video_transcode");
  }

  @Test
  void shouldRejectASummaryThatIsNotJsonAndStayUnchanged() {
    JobRecord created = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord bad = created.finished(JobStatus.SUCCESS, T0.plusSeconds(1), 1, 1, 0,
        Optional.empty(), "{broken");

    assertThatThrownBy(() -> store.update(bad))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("resultSummary");
    assertThatThrownBy(() -> store.create(bad))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("resultSummary");

    assertThat(store.recent(Optional.empty(), 10)).hasSize(1);
    assertSameJob(store.get(created.id()).orElseThrow(), created);
  }

  // ---- cancel requests ----

  @Test
  void shouldFlagACancelOfAPendingOrRunningJobIdempotently() {
    JobRecord pending = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord running = store.create(pending("scan", "market_scan", T0));
    store.update(running.started(T0.plusSeconds(1)));

    assertThat(store.cancelRequested(pending.id())).isFalse();
    assertThat(store.requestCancel(pending.id())).isTrue();
    assertThat(store.requestCancel(pending.id())).as("asked again").isTrue();
    assertThat(store.requestCancel(running.id())).isTrue();

    assertThat(store.cancelRequested(pending.id())).isTrue();
    assertThat(store.cancelRequested(running.id())).isTrue();
    assertThat(store.get(running.id()).map(JobRecord::status)).as("the runner writes the status")
        .contains(JobStatus.RUNNING);
  }

  @Test
  void shouldRefuseACancelOfAFinishedOrMissingJob() {
    JobRecord done = store.create(pending("nightly", "watchlist_warm", T0));
    store.update(done.started(T0).finished(JobStatus.SUCCESS, T0.plusSeconds(5), 1, 1, 0,
        Optional.empty(), "{}"));
    JobRecord failed = store.create(pending("scan", "market_scan", T0));
    store.update(failed.started(T0).finished(JobStatus.FAILED, T0.plusSeconds(5), 1, 0, 1,
        Optional.of("boom"), "{}"));

    assertThat(store.requestCancel(done.id())).isFalse();
    assertThat(store.requestCancel(failed.id())).isFalse();
    assertThat(store.requestCancel(123456)).isFalse();

    assertThat(store.cancelRequested(done.id())).isFalse();
    assertThat(store.cancelRequested(failed.id())).isFalse();
    assertThat(store.cancelRequested(123456)).isFalse();
  }

  @Test
  void shouldKeepTheCancelFlagThroughUpdatesAndAfterTheJobEnds() {
    JobRecord job = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord other = store.create(pending("other", "watchlist_warm", T0));
    assertThat(store.requestCancel(job.id())).isTrue();

    JobRecord running = job.started(T0.plusSeconds(1));
    store.update(running);
    assertThat(store.cancelRequested(job.id())).as("after an update").isTrue();
    JobRecord cancelled = running.finished(JobStatus.CANCELLED, T0.plusSeconds(2), 3, 3, 0,
        Optional.of("cancelled after 3 of 10 tasks"), "{}");
    store.update(cancelled);

    assertThat(store.cancelRequested(job.id())).as("after it ended").isTrue();
    assertThat(store.requestCancel(job.id())).as("once it ended").isFalse();
    assertSameJob(store.get(job.id()).orElseThrow(), cancelled);
    assertThat(store.cancelRequested(other.id())).as("another job").isFalse();
  }

  // ---- delete ----

  @Test
  void shouldDeleteAFinishedJobWithItsCancelFlag() {
    JobRecord job = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord other = store.create(pending("other", "market_scan", T0));
    store.requestCancel(job.id());
    store.update(job.started(T0).finished(JobStatus.CANCELLED, T0.plusSeconds(1), 0, 0, 0,
        Optional.of("cancelled"), "{}"));

    assertThat(store.delete(job.id())).isTrue();

    assertThat(store.get(job.id())).isEmpty();
    assertThat(store.cancelRequested(job.id())).isFalse();
    assertThat(store.recent(Optional.empty(), 10)).extracting(JobRecord::id)
        .containsExactly(other.id());
    assertThat(store.delete(job.id())).as("deleted already").isFalse();
    assertThat(store.delete(987654)).as("never existed").isFalse();
  }

  @Test
  void shouldRefuseToDeleteAPendingOrRunningJobAndKeepIt() {
    JobRecord pending = store.create(pending("nightly", "watchlist_warm", T0));
    JobRecord running = store.create(pending("scan", "market_scan", T0));
    store.update(running.started(T0));

    assertThatThrownBy(() -> store.delete(pending.id()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("jobId")
        .hasMessageContaining("is pending")
        .hasMessageContaining("cancel it first");
    assertThatThrownBy(() -> store.delete(running.id()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is running");
    assertThat(store.get(pending.id())).isPresent();
    assertThat(store.get(running.id())).isPresent();
  }

  // ---- paused task types ----

  @Test
  void shouldPauseAndResumeTaskTypesIdempotently() {
    assertThat(store.pausedTaskTypes()).isEmpty();

    assertThat(store.pauseTaskType("warm")).isTrue();
    assertThat(store.pauseTaskType("rag_sync")).isTrue();
    assertThat(store.pauseTaskType("warm")).as("paused again").isFalse();
    assertThat(store.pausedTaskTypes()).containsExactly("rag_sync", "warm");

    assertThat(store.resumeTaskType("warm")).isTrue();
    assertThat(store.resumeTaskType("warm")).as("resumed again").isFalse();
    assertThat(store.resumeTaskType("clean")).as("never paused").isFalse();
    assertThat(store.pausedTaskTypes()).containsExactly("rag_sync");
  }

  @Test
  void shouldRejectAnInvalidTaskTypeAndChangeNothing() {
    store.pauseTaskType("warm");

    assertThatThrownBy(() -> store.pauseTaskType("rag sync"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType")
        .hasMessageContaining("rag sync");
    assertThatThrownBy(() -> store.resumeTaskType(""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType");
    assertThat(store.pausedTaskTypes()).containsExactly("warm");
  }

  @Test
  void shouldRejectALimitBelowOne() {
    assertThatThrownBy(() -> store.recent(Optional.empty(), 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit");
  }
}
