package io.prism.batch.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.queue.MemoryTaskQueue;
import io.prism.batch.core.schedule.LocalScheduler;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileJobStore;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.core.store.FileWatchlistStore;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Job control on the embedded defaults. Two {@link JobControl}s over one {@link FileJobStore}
 * stand for two nodes sharing a job store: a cancel asked for on one reaches a job the other runs
 * only through the store.
 */
class JobControlTest {
  private static final List<String> TYPES = List.of(DataType.DAILY_QUOTES, DataType.FINANCIAL);
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Long enough that no test's cancel comes too late: 300 keys of 100 ms at 1 worker. */
  private static final int SLOW_STOCKS = 150;

  private final FileJobStore jobStore = FileJobStore.inMemory();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    jobStore.close();
  }

  /** The warm jobs of one node: its own L1, L2 and source, the shared job store. */
  private final class Node {
    final SyntheticMarketDataSource source;
    final FileRecordStore store = FileRecordStore.inMemory();
    final WarmJobs jobs;

    Node(Duration latency, int stocks) {
      CaffeineCacheTier cache = CaffeineCacheTier.create();
      FileWatchlistStore lists = FileWatchlistStore.builder().buildInMemory();
      source = SyntheticMarketDataSource.builder().stockCount(stocks).latency(latency).build();
      toClose.add(cache);
      toClose.add(store);
      toClose.add(lists);
      TieredDataPath path = TieredDataPath.builder()
          .cache(cache).store(store).source(source).build();
      jobs = WarmJobs.builder().dataPath(path).cache(cache).store(store).watchlists(lists)
          .jobs(jobStore).parallelism(1).batchSize(1).build();
    }

    JobResult scan() {
      return jobs.marketScan(source.stockCodes(), TYPES, WarmJobs.MANUAL);
    }

    /** Waits until the running scan has stored some records: its engine is at work. */
    void awaitFetched(int records) throws InterruptedException {
      awaitTrue(records + " records fetched", () -> store.keys().size() >= records);
    }
  }

  private Node slowNode() {
    return new Node(Duration.ofMillis(100), SLOW_STOCKS);
  }

  private Node fastNode() {
    return new Node(Duration.ZERO, 5);
  }

  private JobControl.Builder control(Node node) {
    return JobControl.builder().jobs(jobStore)
        .register(WarmJobs.MARKET_SCAN, node::scan)
        .register(WarmJobs.CACHE_CLEAN, () -> node.jobs.cacheClean(
            WarmJobs.Builder.DEFAULT_RETENTION, WarmJobs.MANUAL));
  }

  private JobControl open(JobControl.Builder builder) {
    JobControl c = builder.build();
    toClose.add(c);
    return c;
  }

  private static JobRecord finished(JobControl control, long id) {
    return control.awaitFinished(id, WAIT).orElseThrow(() ->
        new AssertionError("job " + id + " did not finish within " + WAIT));
  }

  private static void awaitTrue(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(5); // a poll step, not a wait for time to pass
    }
  }

  // ---- list, get, trigger ----

  @Test
  void shouldTriggerAJobTypeAndReturnTheIdOfItsRecordAtOnce() {
    Node node = fastNode();
    JobControl control = open(control(node));

    long id = control.trigger(WarmJobs.MARKET_SCAN);

    JobRecord created = control.get(id).orElseThrow();
    assertThat(created.jobType()).isEqualTo(WarmJobs.MARKET_SCAN);
    assertThat(created.jobCategory()).isEqualTo(WarmJobs.MANUAL);
    JobRecord done = finished(control, id);
    assertThat(done.status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(done.processedCount()).isEqualTo(10);
    assertThat(jobStore.cancelRequested(id)).isFalse();
  }

  @Test
  void shouldListJobRecordsNewestFirstOptionallyOfOneType() {
    Node node = fastNode();
    JobControl control = open(control(node));
    long scan1 = control.trigger(WarmJobs.MARKET_SCAN);
    finished(control, scan1);
    long clean = control.trigger(WarmJobs.CACHE_CLEAN);
    finished(control, clean);
    long scan2 = control.trigger(WarmJobs.MARKET_SCAN);
    finished(control, scan2);

    assertThat(control.list(Optional.empty(), 10)).extracting(JobRecord::id)
        .containsExactly(scan2, clean, scan1);
    assertThat(control.list(Optional.of(WarmJobs.MARKET_SCAN), 10)).extracting(JobRecord::id)
        .containsExactly(scan2, scan1);
    assertThat(control.list(Optional.empty(), 1)).extracting(JobRecord::id)
        .containsExactly(scan2);
    assertThat(control.get(clean).map(JobRecord::jobType)).contains(WarmJobs.CACHE_CLEAN);
    assertThat(control.get(999_999)).isEmpty();
    assertThatThrownBy(() -> control.list(Optional.empty(), 0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
  }

  @Test
  void shouldRejectAnUnknownJobTypeNamingTheRegisteredOnes() {
    JobControl control = open(control(fastNode()));

    assertThatThrownBy(() -> control.trigger("rag_sync"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("jobType");
          assertThat(e.value()).contains("rag_sync");
          assertThat(e.getMessage()).contains(WarmJobs.MARKET_SCAN, WarmJobs.CACHE_CLEAN);
        });
    assertThat(control.jobTypes()).containsExactly(WarmJobs.MARKET_SCAN, WarmJobs.CACHE_CLEAN);
    assertThat(control.list(Optional.empty(), 10)).isEmpty();
  }

  @Test
  void shouldPassOnTheActionsRejectionAndRefuseAnActionThatStartsNoJob() {
    Node node = fastNode();
    JobControl control = open(JobControl.builder().jobs(jobStore)
        .register("warm_missing_list", () -> node.jobs.warmWatchlist(404))
        .register("nothing", () -> { }));

    assertThatThrownBy(() -> control.trigger("warm_missing_list"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("watchlistId"));
    assertThatThrownBy(() -> control.trigger("nothing"))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("nothing")
        .hasMessageContaining("without starting a job");
    assertThat(control.list(Optional.empty(), 10)).isEmpty();
  }

  // ---- cancel ----

  @Test
  void shouldCancelAJobRunningHere() throws Exception {
    Node node = slowNode();
    JobControl control = open(control(node).pollInterval(JobControl.MAX_POLL_INTERVAL));
    long id = control.trigger(WarmJobs.MARKET_SCAN);
    assertThat(control.runningHere()).containsExactly(id);
    node.awaitFetched(3);
    assertThat(control.get(id).map(JobRecord::status)).contains(JobStatus.RUNNING);

    assertThat(control.cancel(id)).isTrue();

    JobRecord done = finished(control, id);
    assertThat(done.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(done.processedCount()).isBetween(3L, SLOW_STOCKS * TYPES.size() - 1L);
    assertThat(done.errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("cancelled"));
    assertThat(jobStore.cancelRequested(id)).as("recorded for other nodes too").isTrue();
    awaitTrue("the job to leave runningHere", () -> control.runningHere().isEmpty());
    assertThat(control.cancel(id)).as("once it ended").isFalse();
  }

  @Test
  void shouldCancelAJobOfAnotherNodeThroughTheStore() throws Exception {
    JobControl nodeA = open(control(fastNode()));
    JobControl nodeB = open(control(slowNode()).pollInterval(JobControl.MAX_POLL_INTERVAL));
    long id = nodeB.trigger(WarmJobs.MARKET_SCAN);
    assertThat(nodeA.runningHere()).isEmpty();

    assertThat(nodeA.cancel(id)).isTrue();

    assertThat(jobStore.cancelRequested(id)).isTrue();
    assertThat(nodeB.get(id).map(JobRecord::status)).as("until node B looks")
        .hasValueSatisfying(s -> assertThat(s.isFinished()).isFalse());
    assertThat(nodeB.checkCancelRequests()).isEqualTo(1);
    assertThat(finished(nodeA, id).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(nodeB.checkCancelRequests()).as("nothing left to cancel").isZero();
  }

  @Test
  void shouldCancelAJobOfAnotherNodeWithinItsPollInterval() throws Exception {
    JobControl nodeA = open(control(fastNode()));
    Node slow = slowNode();
    JobControl nodeB = open(control(slow).pollInterval(Duration.ofMillis(50)));
    long id = nodeB.trigger(WarmJobs.MARKET_SCAN);
    slow.awaitFetched(3);

    assertThat(nodeA.cancel(id)).isTrue();

    JobRecord done = finished(nodeA, id);
    assertThat(done.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(done.processedCount()).isBetween(3L, SLOW_STOCKS * TYPES.size() - 1L);
  }

  @Test
  void shouldCancelAScheduledJobRunHereFromAnotherNode() throws Exception {
    Node node = slowNode();
    LocalScheduler scheduler = LocalScheduler.builder().build();
    toClose.add(scheduler);
    JobControl nodeA = open(control(node).scheduler(scheduler)
        .pollInterval(Duration.ofMillis(50)));
    JobControl nodeB = open(control(fastNode()));
    scheduler.register(Schedule.builder("market_tasks.scan").dailyAt(LocalTime.of(15, 30))
        .build(), fire -> nodeA.runHere(node::scan));

    assertThat(scheduler.fireNow("market_tasks.scan")).isPresent();
    awaitTrue("the scheduled scan to start", () -> !nodeA.runningHere().isEmpty());
    long id = nodeA.runningHere().get(0);
    assertThat(nodeB.cancel(id)).isTrue();

    assertThat(finished(nodeB, id).status()).isEqualTo(JobStatus.CANCELLED);
    awaitTrue("the fire to end", () -> scheduler.list().stream().noneMatch(
        ScheduleStatus::running));
  }

  @Test
  void shouldDeleteAFinishedJobAndRefuseARunningOne() throws Exception {
    Node slow = slowNode();
    JobControl control = open(control(slow));
    long running = control.trigger(WarmJobs.MARKET_SCAN);

    assertThatThrownBy(() -> control.delete(running))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("jobId")
        .hasMessageContaining("cancel it first");
    control.cancel(running);
    assertThat(finished(control, running).status()).isEqualTo(JobStatus.CANCELLED);

    assertThat(control.delete(running)).isTrue();
    assertThat(control.get(running)).isEmpty();
    assertThat(control.list(Optional.empty(), 10)).isEmpty();
    assertThat(control.delete(running)).as("deleted already").isFalse();
  }

  @Test
  void shouldRescheduleThroughTheControlKeepingThePause() {
    LocalScheduler scheduler = LocalScheduler.builder().build();
    toClose.add(scheduler);
    JobControl control = open(control(fastNode()).scheduler(scheduler));
    Schedule at0030 = Schedule.builder("priority_batches.level_5").dailyAt(LocalTime.of(0, 30))
        .build();
    scheduler.register(at0030, fire -> { });
    control.pauseSchedule("priority_batches.level_5");

    Schedule previous = control.reschedule(Schedule.builder("priority_batches.level_5")
        .dailyAt(LocalTime.of(1, 0)).build());

    assertThat(previous).isEqualTo(at0030);
    ScheduleStatus now = control.schedule("priority_batches.level_5").orElseThrow();
    assertThat(now.paused()).isTrue();
    assertThat(now.nextFireTime()).hasValueSatisfying(t ->
        assertThat(t.toLocalTime()).isEqualTo(LocalTime.of(1, 0)));
    assertThatThrownBy(() -> control.reschedule(Schedule.builder("nope")
        .dailyAt(LocalTime.of(1, 0)).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("scheduleName")
        .hasMessageContaining("nope");
  }

  // ---- health ----

  @Test
  void shouldReportHealthUpWithSchedulesAndPausedTypes() {
    LocalScheduler scheduler = LocalScheduler.builder().build();
    toClose.add(scheduler);
    JobControl control = open(control(fastNode()).scheduler(scheduler));
    scheduler.register(Schedule.builder("a").dailyAt(LocalTime.of(0, 30)).build(), fire -> { });
    scheduler.register(Schedule.builder("b").dailyAt(LocalTime.of(1, 0)).build(), fire -> { });
    control.pauseSchedule("b");
    control.pauseTaskType(WarmProcessor.TASK_TYPE);

    JobControlHealth health = control.health();

    assertThat(health.status()).isEqualTo(JobControlHealth.Status.UP);
    assertThat(health.isUp()).isTrue();
    assertThat(health.problems()).isEmpty();
    assertThat(health.jobStoreLatency()).isPresent();
    assertThat(health.pausedTaskTypes()).containsExactly(WarmProcessor.TASK_TYPE);
    assertThat(health.schedules()).isEqualTo(2);
    assertThat(health.pausedSchedules()).isEqualTo(1);
    assertThat(health.nextFire()).isEqualTo(
        scheduler.status("a").flatMap(ScheduleStatus::nextFireTime).map(t -> t.toInstant()));
    assertThat(health.runningHere()).isEmpty();
  }

  @Test
  void shouldReportHealthDownWhenTheJobStoreCannotBeRead() {
    FileJobStore broken = FileJobStore.inMemory();
    JobControl control = open(JobControl.builder().jobs(broken));
    broken.close();

    JobControlHealth health = control.health();

    assertThat(health.status()).isEqualTo(JobControlHealth.Status.DOWN);
    assertThat(health.problems()).singleElement().asString()
        .startsWith("the job store cannot be read").contains("closed");
    assertThat(health.jobStoreLatency()).isEmpty();
    assertThat(health.schedules()).isZero();
  }

  // ---- paused task types ----

  /** Waits until the node's store stops growing for a while, and returns its size then. */
  private static int awaitFetchingStopped(Node node) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      int before = node.store.keys().size();
      TimeUnit.MILLISECONDS.sleep(300); // several tasks' time: a running task ends in 20 ms
      int after = node.store.keys().size();
      if (after == before) {
        return after;
      }
      assertThat(System.nanoTime()).as("waiting for fetching to stop").isLessThan(deadline);
    }
  }

  @Test
  void shouldStartAJobWithThePausedTaskTypesHeldBackAndRunThemOnResume() throws Exception {
    Node node = fastNode();
    JobControl control = open(control(node));
    assertThat(control.pauseTaskType(WarmProcessor.TASK_TYPE)).isTrue();
    assertThat(control.pauseTaskType(WarmProcessor.TASK_TYPE)).as("again").isFalse();

    long id = control.trigger(WarmJobs.MARKET_SCAN);

    TimeUnit.MILLISECONDS.sleep(300); // ten tasks would take a few ms if they were claimed
    assertThat(node.store.keys()).as("nothing fetched while paused").isEmpty();
    assertThat(control.get(id).map(JobRecord::status)).contains(JobStatus.RUNNING);
    assertThat(control.pausedTaskTypes()).containsExactly(WarmProcessor.TASK_TYPE);

    assertThat(control.resumeTaskType(WarmProcessor.TASK_TYPE)).isTrue();
    JobRecord done = finished(control, id);
    assertThat(done.status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(done.processedCount()).isEqualTo(10);
    assertThat(control.pausedTaskTypes()).isEmpty();
  }

  @Test
  void shouldHoldBackATaskTypePausedOnAnotherNodeInAJobRunningHere() throws Exception {
    JobControl nodeA = open(control(fastNode()));
    Node medium = new Node(Duration.ofMillis(20), 20);
    JobControl nodeB = open(control(medium).pollInterval(Duration.ofMillis(50)));
    long id = nodeB.trigger(WarmJobs.MARKET_SCAN);
    medium.awaitFetched(3);

    assertThat(nodeA.pauseTaskType(WarmProcessor.TASK_TYPE)).isTrue();

    int fetched = awaitFetchingStopped(medium);
    assertThat(fetched).as("held back before the end").isLessThan(40);
    assertThat(nodeB.get(id).map(JobRecord::status)).contains(JobStatus.RUNNING);
    assertThat(nodeA.resumeTaskType(WarmProcessor.TASK_TYPE)).isTrue();
    JobRecord done = finished(nodeA, id);
    assertThat(done.status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(done.processedCount()).isEqualTo(40);
  }

  @Test
  void shouldMakeFollowingQueuesOfEveryNodeHoldBackThePausedTypes() throws Exception {
    MemoryTaskQueue queueA = new MemoryTaskQueue();
    MemoryTaskQueue queueB = new MemoryTaskQueue();
    JobControl nodeA = open(control(fastNode()).followingQueue(queueA)
        .pollInterval(JobControl.MAX_POLL_INTERVAL));
    open(control(fastNode()).followingQueue(queueB).pollInterval(Duration.ofMillis(50)));

    // When node A pauses a type / Then its queue holds it back at once, node B's within a poll
    nodeA.pauseTaskType(WarmProcessor.TASK_TYPE);
    assertThat(queueA.pausedTypes()).containsExactly(WarmProcessor.TASK_TYPE);
    awaitTrue("node B's queue to follow the pause",
        () -> queueB.pausedTypes().contains(WarmProcessor.TASK_TYPE));

    // When a type is paused on node B's queue by other means / Then the store's set wins
    queueB.pauseType("clean");
    awaitTrue("node B's queue to follow the store again",
        () -> !queueB.pausedTypes().contains("clean"));

    // When node A resumes it / Then both queues let it run again
    nodeA.resumeTaskType(WarmProcessor.TASK_TYPE);
    assertThat(queueA.pausedTypes()).isEmpty();
    awaitTrue("node B's queue to follow the resume", () -> queueB.pausedTypes().isEmpty());
  }

  @Test
  void shouldRejectAnInvalidTaskTypeToPause() {
    JobControl control = open(control(fastNode()));
    assertThatThrownBy(() -> control.pauseTaskType("rag sync"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("taskType")
        .hasMessageContaining("rag sync");
    assertThat(control.pausedTaskTypes()).isEmpty();
  }

  @Test
  void shouldRefuseToCancelAFinishedOrUnknownJob() {
    JobControl control = open(control(fastNode()));
    long id = control.trigger(WarmJobs.MARKET_SCAN);
    JobRecord done = finished(control, id);

    assertThat(control.cancel(id)).isFalse();
    assertThat(control.get(id).orElseThrow().status()).isEqualTo(done.status());
    assertThat(jobStore.cancelRequested(id)).isFalse();
    assertThatThrownBy(() -> control.cancel(999_999))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("jobId"));
  }

  @Test
  void shouldCancelItsRunningJobsWhenClosed() {
    JobControl control = control(slowNode()).build();
    long id = control.trigger(WarmJobs.MARKET_SCAN);

    control.close();

    JobControl reader = open(JobControl.builder().jobs(jobStore));
    assertThat(finished(reader, id).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(control.runningHere()).isEmpty();
    assertThatThrownBy(() -> control.trigger(WarmJobs.MARKET_SCAN))
        .isInstanceOf(BatchException.class).hasMessageContaining("closed");
    control.close();
  }

  // ---- schedules ----

  @Test
  void shouldPauseAndResumeSchedules() {
    LocalScheduler scheduler = LocalScheduler.builder().build();
    toClose.add(scheduler);
    scheduler.register(Schedule.builder("priority_batches.level_5")
        .dailyAt(LocalTime.of(0, 30)).build(), fire -> { });
    scheduler.register(Schedule.builder("maintenance_tasks.cache_cleanup")
        .dailyAt(LocalTime.of(3, 0)).build(), fire -> { });
    JobControl control = open(JobControl.builder().jobs(jobStore).scheduler(scheduler));

    control.pauseSchedule("priority_batches.level_5");
    assertThat(control.schedules()).extracting(ScheduleStatus::name, ScheduleStatus::paused)
        .containsExactly(tuple("priority_batches.level_5", true),
            tuple("maintenance_tasks.cache_cleanup", false));
    control.resumeSchedule("priority_batches.level_5");
    assertThat(control.schedule("priority_batches.level_5").map(ScheduleStatus::paused))
        .contains(false);

    control.pauseAllSchedules();
    assertThat(control.schedules()).allMatch(ScheduleStatus::paused);
    control.resumeAllSchedules();
    assertThat(control.schedules()).noneMatch(ScheduleStatus::paused);

    assertThatThrownBy(() -> control.pauseSchedule("nightly"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("scheduleName"));
  }

  @Test
  void shouldHaveNoSchedulesWithoutAScheduler() {
    JobControl control = open(JobControl.builder().jobs(jobStore));

    assertThat(control.schedules()).isEmpty();
    assertThat(control.schedule("nightly")).isEmpty();
    control.pauseAllSchedules();
    control.resumeAllSchedules();
    assertThatThrownBy(() -> control.resumeSchedule("nightly"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("scheduleName"));
  }

  // ---- builder ----

  @Test
  void shouldCheckTheBuildersValues() {
    assertThatThrownBy(() -> JobControl.builder().build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("jobs");
    assertThatThrownBy(() -> JobControl.builder().register(" ", () -> { }))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("jobType");
    assertThatThrownBy(() -> JobControl.builder().register("x".repeat(51), () -> { }))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("jobType");
    assertThatThrownBy(() -> JobControl.builder().register("a", () -> { }).register("a", () -> { }))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("already registered");
    assertThatThrownBy(() -> JobControl.builder().pollInterval(Duration.ofMillis(9)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> JobControl.builder().pollInterval(Duration.ofHours(2)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("pollInterval");
    assertThat(open(JobControl.builder().jobs(jobStore)).pollInterval())
        .isEqualTo(JobControl.DEFAULT_POLL_INTERVAL);
  }
}
