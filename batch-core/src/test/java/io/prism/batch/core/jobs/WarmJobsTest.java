package io.prism.batch.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.RetryPolicy;
import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskFailure;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.RecordChange;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.RetryRules;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileJobStore;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.core.store.FileWatchlistStore;
import io.prism.batch.core.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WarmJobsTest {
  static final List<String> FIVE = List.of("000001", "600519", "688469", "600919", "300059");
  static final List<String> ALL_TYPES = DataTypes.defaults().names();
  static final ObjectMapper JSON = new ObjectMapper();

  /** Records the order of source calls and can be switched to another content version per stock. */
  static final class RecordingSource implements MarketDataSource {
    final MarketDataSource base;
    final MarketDataSource changedContent;
    final Set<String> changedStocks = ConcurrentHashMap.newKeySet();
    final List<DataKey> calls = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);

    RecordingSource(MarketDataSource base, MarketDataSource changedContent) {
      this.base = base;
      this.changedContent = changedContent;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public Set<String> dataTypes() {
      return base.dataTypes();
    }

    @Override
    public Optional<DataRecord> fetch(DataKey key) {
      calls.add(key);
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BatchException("interrupted", e);
      }
      return (changedStocks.contains(key.stockCode()) ? changedContent : base).fetch(key);
    }
  }

  final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T12:00:00Z"));
  final CaffeineCacheTier cache = CaffeineCacheTier.create();
  final FileRecordStore store = FileRecordStore.inMemory();
  final FileWatchlistStore lists = FileWatchlistStore.builder().clock(clock).buildInMemory();
  final FileJobStore jobStore = FileJobStore.inMemory();
  final ChangeFeed changes = new ChangeFeed();
  final List<RecordChange> changeEvents = new CopyOnWriteArrayList<>();
  final RetryRules fastRetries = RetryRules.defaults().toBuilder()
      .rule(ErrorClass.TRANSIENT, RetryPolicy.builder().withDelay(Duration.ofMillis(1))
          .withMaxAttempts(2).build())
      .build();
  final List<AutoCloseable> toClose = new ArrayList<>(List.of(cache, store, lists, jobStore));

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  TieredDataPath path(MarketDataSource source) {
    changes.subscribe(changeEvents::add);
    return TieredDataPath.builder()
        .cache(cache).store(store).source(source).clock(clock)
        .readRetry(RetryPolicy.<Optional<DataRecord>>builder().withMaxAttempts(1).build())
        .onChange(changes)
        .build();
  }

  WarmJobs.Builder jobs(TieredDataPath path) {
    return WarmJobs.builder()
        .dataPath(path).cache(cache).store(store).watchlists(lists).jobs(jobStore)
        .clock(clock).parallelism(1).retryRules(fastRetries);
  }

  ReplayMarketDataSource.Builder replay() {
    return ReplayMarketDataSource.builder().clock(clock);
  }

  Watchlist list(String name, int priority, List<String> codes, List<String> types) {
    return lists.create(Watchlist.builder("test_user_001", name).priority(priority).codes(codes)
        .dataTypes(types).build());
  }

  static JsonNode summary(JobRecord job) throws Exception {
    return JSON.readTree(job.resultSummary());
  }

  // ---- watchlist_warm: dedupe and priority ----

  @Test
  void shouldWarmEachKeyOnceAtTheHighestPriorityOfItsLists() {
    list("low", 2, List.of("600519", "000001"), List.of(DataType.FINANCIAL));
    list("high", 5, List.of("600519"), List.of(DataType.FINANCIAL, DataType.ANNOUNCEMENTS));
    list("mid", 3, List.of("300059", "000001"), List.of(DataType.FINANCIAL));
    lists.create(Watchlist.builder("u", "off").priority(5).codes(List.of("688469")).active(false)
        .build());
    lists.create(Watchlist.builder("u", "manual only").priority(5).codes(List.of("600919"))
        .autoBatch(false).build());
    WarmJobs jobs = jobs(path(replay().build())).build();

    List<Task> plan = jobs.planWatchlistWarm();

    assertThat(plan).extracting(t -> WarmProcessor.keyOf(t).toString(), Task::priority)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("600519:financial", 5),
            org.assertj.core.groups.Tuple.tuple("600519:announcements", 5),
            org.assertj.core.groups.Tuple.tuple("300059:financial", 3),
            org.assertj.core.groups.Tuple.tuple("000001:financial", 3));
    assertThat(plan).extracting(Task::type).containsOnly(WarmProcessor.TASK_TYPE);
  }

  @Test
  void shouldRunHigherPriorityKeysFirst() throws Exception {
    list("low", 1, List.of("000001", "300059"), List.of(DataType.FINANCIAL));
    list("high", 5, List.of("600519", "688469"), List.of(DataType.FINANCIAL));
    list("mid", 3, List.of("600919", "000001"), List.of(DataType.COMPANY_PROFILE));
    RecordingSource source = new RecordingSource(replay().build(), replay().build());
    List<String> resultOrder = new CopyOnWriteArrayList<>();
    CountDownLatch completed = new CountDownLatch(1);
    WarmJobs jobs = jobs(path(source)).batchSize(1).perTaskEvents(true)
        .listener(e -> {
          if (e instanceof BatchEvent.Result r) {
            resultOrder.add(r.taskId());
          } else if (e instanceof BatchEvent.Completed) {
            completed.countDown();
          }
        })
        .build();

    JobResult r = jobs.watchlistWarm();

    assertThat(source.calls).extracting(DataKey::toString).containsExactly(
        "600519:financial", "688469:financial",
        "600919:company_profile", "000001:company_profile",
        "000001:financial", "300059:financial");
    assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(resultOrder).containsExactly(
        "warm:600519:financial", "warm:688469:financial",
        "warm:600919:company_profile", "warm:000001:company_profile",
        "warm:000001:financial", "warm:300059:financial");
    assertThat(r.job().priority()).isEqualTo(5);
  }

  @Test
  void shouldWarmAGroupInOneCallInPriorityOrder() {
    list("low", 1, List.of("000001"), List.of(DataType.FINANCIAL));
    list("high", 5, List.of("600519"), List.of(DataType.FINANCIAL));
    RecordingSource source = new RecordingSource(replay().build(), replay().build());
    WarmJobs jobs = jobs(path(source)).batchSize(50).build();

    JobResult r = jobs.watchlistWarm();

    assertThat(source.calls).extracting(DataKey::toString)
        .containsExactly("600519:financial", "000001:financial");
    assertThat(r.job().status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(r.metrics().get(WarmProcessor.TASK_TYPE).succeeded()).isEqualTo(2);
  }

  // ---- counts in the job record ----

  @Test
  void shouldRecordTheCountsOfAWatchlistWarmInItsJobRecord() throws Exception {
    Watchlist w = list("测试股票池", 5, FIVE, ALL_TYPES);
    WarmJobs jobs = jobs(path(replay().build())).build();

    JobResult r = jobs.watchlistWarm();

    JobRecord stored = jobStore.get(r.job().id()).orElseThrow();
    assertThat(stored).isEqualTo(r.job());
    assertThat(stored.jobType()).isEqualTo(WarmJobs.WATCHLIST_WARM);
    assertThat(stored.jobCategory()).isEqualTo(WarmJobs.SCHEDULED);
    assertThat(stored.status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(stored.priority()).isEqualTo(5);
    assertThat(stored.processedCount()).isEqualTo(30);
    assertThat(stored.successCount()).isEqualTo(30);
    assertThat(stored.failedCount()).isZero();
    assertThat(stored.errorMessage()).isEmpty();
    assertThat(stored.retryCount()).isZero();
    assertThat(stored.startTime()).contains(clock.instant());
    assertThat(stored.endTime()).contains(clock.instant());
    // the replay has no 龙虎榜 for 600519 and 600919
    assertThat(r.counts()).containsEntry(JobResult.FETCHED, 28L)
        .containsEntry(JobResult.NOT_FOUND, 2L)
        .containsEntry(JobResult.CHANGED, 28L)
        .containsEntry(JobResult.FRESH_IN_L2, 0L)
        .containsEntry(JobResult.FAILED_FETCHES, 0L);
    JsonNode s = summary(stored);
    assertThat(s.path("batchStatus").asText()).isEqualTo("COMPLETED");
    assertThat(s.path("counts").path("fetched").asLong()).isEqualTo(28);
    assertThat(s.path("plan").path("keys").asLong()).isEqualTo(30);
    assertThat(s.path("plan").path("watchlists").get(0).asLong()).isEqualTo(w.id());
    assertThat(s.path("changedKeys")).hasSize(28);
    assertThat(store.keys()).hasSize(28);
    assertThat(cache.estimatedSize()).isEqualTo(28);
  }

  @Test
  void shouldCopyFreshStoredRecordsToL1WithoutCallingTheSource() {
    list("a", 4, FIVE, List.of(DataType.FINANCIAL, DataType.COMPANY_PROFILE));
    RecordingSource source = new RecordingSource(replay().build(), replay().build());
    WarmJobs jobs = jobs(path(source)).build();
    jobs.watchlistWarm();
    cache.invalidate(store.keys());
    source.calls.clear();

    JobResult again = jobs.watchlistWarm();

    assertThat(source.calls).isEmpty();
    assertThat(again.counts()).containsEntry(JobResult.FRESH_IN_L2, 10L)
        .containsEntry(JobResult.FETCHED, 0L).containsEntry(JobResult.CHANGED, 0L);
    assertThat(cache.estimatedSize()).isEqualTo(10);
    assertThat(jobStore.recent(Optional.of(WarmJobs.WATCHLIST_WARM), 10)).hasSize(2);
  }

  @Test
  void shouldRecordAManualWarmOfOneListWithItsIdAndPriority() {
    Watchlist w = lists.create(Watchlist.builder("u", "not nightly").priority(2)
        .codes(List.of("600519")).dataTypes(List.of(DataType.FINANCIAL)).autoBatch(false).build());
    WarmJobs jobs = jobs(path(replay().build())).build();

    JobResult r = jobs.warmWatchlist(w.id());

    assertThat(r.job().watchlistId()).contains(w.id());
    assertThat(r.job().jobCategory()).isEqualTo(WarmJobs.MANUAL);
    assertThat(r.job().priority()).isEqualTo(2);
    assertThat(r.job().successCount()).isEqualTo(1);
    assertThatThrownBy(() -> jobs.warmWatchlist(999))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("watchlistId");
  }

  // ---- change events ----

  @Test
  void shouldAnnounceOnlyRecordsWhoseHashChanged() {
    list("a", 5, FIVE, List.of(DataType.FINANCIAL, DataType.SHAREHOLDERS));
    RecordingSource source = new RecordingSource(
        SyntheticMarketDataSource.builder().stockCodes(FIVE).clock(clock).build(),
        SyntheticMarketDataSource.builder().stockCodes(FIVE).clock(clock).version(1).build());
    WarmJobs jobs = jobs(path(source)).build();

    JobResult first = jobs.watchlistWarm();
    assertThat(changeEvents).hasSize(10);
    assertThat(first.changed()).hasSize(10);

    changeEvents.clear();
    clock.advance(Duration.ofDays(2)); // every record is stale: fetched again, same content
    JobResult same = jobs.watchlistWarm();
    assertThat(same.counts()).containsEntry(JobResult.FETCHED, 10L)
        .containsEntry(JobResult.CHANGED, 0L);
    assertThat(changeEvents).isEmpty();

    source.changedStocks.add("600519");
    clock.advance(Duration.ofDays(2));
    JobResult changed = jobs.watchlistWarm();
    assertThat(changed.changed()).extracting(DataKey::toString)
        .containsExactly("600519:financial", "600519:shareholders");
    assertThat(changeEvents).extracting(c -> c.record().key().toString())
        .containsExactlyInAnyOrder("600519:financial", "600519:shareholders");
    assertThat(changeEvents).allSatisfy(c -> assertThat(c.record().contentHash())
        .isEqualTo(store.get(c.record().key()).orElseThrow().contentHash()));
  }

  @Test
  void shouldStopDeliveringToAClosedSubscription() {
    list("a", 5, List.of("600519"), List.of(DataType.FINANCIAL));
    WarmJobs jobs = jobs(path(replay().build())).build();
    List<RecordChange> mine = new CopyOnWriteArrayList<>();
    ChangeFeed.Subscription s = changes.subscribe(mine::add);
    changes.subscribe(c -> {
      throw new IllegalStateException("a broken subscriber");
    });
    s.close();

    jobs.watchlistWarm();

    assertThat(mine).isEmpty();
    assertThat(changeEvents).hasSize(1); // the broken subscriber did not stop the others
  }

  // ---- failures ----

  @Test
  void shouldRecordFailuresInTheJobRecord() throws Exception {
    list("a", 5, FIVE, ALL_TYPES);
    WarmJobs jobs = jobs(path(replay().failWhen(k -> k.stockCode().equals("600919")).build()))
        .build();

    JobResult r = jobs.watchlistWarm();

    JobRecord job = jobStore.get(r.job().id()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED); // 6 of 30 is over 5%
    assertThat(job.processedCount()).isEqualTo(30);
    assertThat(job.successCount()).isEqualTo(24);
    assertThat(job.failedCount()).isEqualTo(6);
    assertThat(job.retryCount()).isEqualTo(6); // each failing key was tried twice
    assertThat(job.maxRetries()).isEqualTo(1);
    assertThat(job.errorMessage()).hasValueSatisfying(m -> assertThat(m)
        .contains("6 of 30 tasks failed").contains("600919").contains("TRANSIENT"));
    assertThat(r.batch().status()).isEqualTo(BatchStatus.COMPLETED_WITH_FAILURES);
    assertThat(r.batch().failures()).extracting(TaskFailure::attempts).containsOnly(2);
    JsonNode s = summary(job);
    assertThat(s.path("failures")).hasSize(6);
    assertThat(s.path("failed").asLong()).isEqualTo(6);
    assertThat(store.keys()).noneMatch(k -> k.stockCode().equals("600919"));
    assertThat(store.keys()).hasSize(23); // 24 warmed, 600519's 龙虎榜 not found
  }

  @Test
  void shouldFailAPermanentErrorAtOnceAndEndSuccessUnderTheFailureRate() {
    list("a", 5, FIVE, ALL_TYPES);
    DataKey bad = new DataKey("600519", DataType.FINANCIAL);
    Predicate<DataKey> isBad = bad::equals;
    Function<DataKey, RuntimeException> noSuchReport =
        k -> new PermanentTaskException("no financial report for " + k);
    WarmJobs jobs = jobs(path(replay().failWhen(isBad, noSuchReport).build())).build();

    JobResult r = jobs.watchlistWarm();

    assertThat(r.job().status()).isEqualTo(JobStatus.SUCCESS); // 1 of 30 is under 5%
    assertThat(r.job().failedCount()).isEqualTo(1);
    assertThat(r.job().retryCount()).isZero();
    assertThat(r.job().errorMessage()).hasValueSatisfying(m -> assertThat(m)
        .contains("warm:600519:financial").contains("PERMANENT"));
    assertThat(r.batch().failures()).singleElement().satisfies(f -> {
      assertThat(f.errorClass()).isEqualTo(ErrorClass.PERMANENT);
      assertThat(f.attempts()).isEqualTo(1);
    });
  }

  @Test
  void shouldFailTheJobWhenEveryTaskFailsWhateverTheRate() {
    list("a", 5, List.of("600919"), List.of(DataType.FINANCIAL));
    WarmJobs jobs = jobs(path(replay().failWhen(k -> true).build())).maxFailureRate(1).build();

    JobResult r = jobs.watchlistWarm();

    assertThat(r.job().status()).isEqualTo(JobStatus.FAILED);
    assertThat(r.job().failedCount()).isEqualTo(1);
  }

  @Test
  void shouldRecordAJobThatCannotReadItsWatchlistsAsFailed() {
    WarmJobs jobs = jobs(path(replay().build())).build();
    lists.close(); // the watchlist store is gone

    assertThatThrownBy(jobs::watchlistWarm).isInstanceOf(BatchException.class)
        .hasMessageContaining("planning failed");

    JobRecord job = jobStore.recent(Optional.empty(), 1).get(0);
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("planning failed"));
    assertThat(job.endTime()).isPresent();
  }

  @Test
  void shouldRecordACancelledJob() throws Exception {
    list("a", 5, FIVE, ALL_TYPES);
    RecordingSource source = new RecordingSource(replay().build(), replay().build());
    source.gate = new CountDownLatch(1); // the first fetch blocks until interrupted
    WarmJobs jobs = jobs(path(source)).batchSize(1).build();

    CompletableFuture<JobResult> job = CompletableFuture.supplyAsync(jobs::watchlistWarm);
    assertThat(source.entered.await(10, TimeUnit.SECONDS)).isTrue();
    jobs.cancel();
    JobResult r = job.get(10, TimeUnit.SECONDS);

    assertThat(r.job().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(r.batch().status()).isEqualTo(BatchStatus.CANCELLED);
    assertThat(jobStore.get(r.job().id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(r.job().errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("cancelled"));
  }

  // ---- market_scan ----

  @Test
  void shouldScanTheMarketAtPriorityOne() {
    SyntheticMarketDataSource synthetic = SyntheticMarketDataSource.builder().stockCount(200)
        .clock(clock).build();
    WarmJobs jobs = jobs(path(synthetic)).parallelism(2).perTaskEvents(false)
        .build();
    List<String> codes = synthetic.stockCodes();

    JobResult r = jobs.marketScan(codes, List.of(DataType.DAILY_QUOTES, DataType.FINANCIAL));

    assertThat(r.job().jobType()).isEqualTo(WarmJobs.MARKET_SCAN);
    assertThat(r.job().priority()).isEqualTo(WarmJobs.MARKET_SCAN_PRIORITY);
    assertThat(r.job().status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(r.job().processedCount()).isEqualTo(400);
    assertThat(r.count(JobResult.FETCHED)).isEqualTo(400);
    assertThat(store.keys()).hasSize(400);
  }

  @Test
  void shouldRejectABadScanWithoutRecordingAJob() {
    WarmJobs jobs = jobs(path(replay().build())).build();

    assertThatThrownBy(() -> jobs.marketScan(List.of("60051X"), List.of(DataType.FINANCIAL)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("stockCode");
    assertThatThrownBy(() -> jobs.marketScan(List.of("600519"), List.of("northbound")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("dataTypes");
    assertThatThrownBy(() -> jobs.marketScan(List.of(), List.of(DataType.FINANCIAL)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("codes");
    assertThatThrownBy(() -> jobs.marketScan(List.of("600519"), List.of(DataType.FINANCIAL), "nightly"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("category");
    assertThat(jobStore.recent(Optional.empty(), 10)).isEmpty();
  }

  // ---- cache_clean ----

  DataRecord record(String code, String type, Duration age) {
    return new DataRecord(new DataKey(code, type), "{\"v\":1}", "h-" + code + type,
        clock.instant().minus(age), "test", false);
  }

  @Test
  void shouldCleanExpiredAndOrphanedRecordsOnly() throws Exception {
    list("watched", 4, List.of("600519"), List.of(DataType.FINANCIAL, DataType.ANNOUNCEMENTS));
    lists.create(Watchlist.builder("u", "off").codes(List.of("688469"))
        .dataTypes(List.of(DataType.FINANCIAL)).active(false).build());
    List<DataRecord> records = List.of(
        record("600519", DataType.FINANCIAL, Duration.ofDays(2)),        // watched, stale: keep
        record("600519", DataType.ANNOUNCEMENTS, Duration.ofDays(40)),   // past retention: expired
        record("000001", DataType.FINANCIAL, Duration.ofHours(2)),       // unwatched, fresh: keep
        record("000001", DataType.ANNOUNCEMENTS, Duration.ofHours(2)),   // unwatched, stale: orphaned
        record("300059", DataType.COMPANY_PROFILE, Duration.ofDays(3)),  // unwatched, fresh: keep
        record("300059", DataType.FINANCIAL, Duration.ofDays(31)),       // expired
        record("688469", DataType.FINANCIAL, Duration.ofDays(2)));       // inactive list only: orphaned
    store.upsertAll(records);
    cache.putAll(records, k -> Duration.ofHours(1));
    WarmJobs jobs = jobs(path(replay().build())).build();

    JobResult r = jobs.cacheClean();

    List<String> kept = List.of("000001:financial", "300059:company_profile", "600519:financial");
    assertThat(store.keys()).extracting(DataKey::toString).containsExactlyInAnyOrderElementsOf(kept);
    assertThat(cache.getAll(records.stream().map(DataRecord::key).toList()).keySet())
        .extracting(DataKey::toString).containsExactlyInAnyOrderElementsOf(kept);
    assertThat(r.counts()).containsEntry(JobResult.EXPIRED, 2L)
        .containsEntry(JobResult.ORPHANED, 2L)
        .containsEntry(JobResult.DELETED, 4L)
        .containsEntry(JobResult.KEPT, 0L);
    JobRecord job = jobStore.get(r.job().id()).orElseThrow();
    assertThat(job.jobType()).isEqualTo(WarmJobs.CACHE_CLEAN);
    assertThat(job.status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(job.processedCount()).isEqualTo(2); // one task per reason and chunk
    JsonNode s = summary(job);
    assertThat(s.path("counts").path("deleted").asLong()).isEqualTo(4);
    assertThat(s.path("plan").path("storedKeys").asLong()).isEqualTo(7);
    assertThat(s.path("plan").path("orphanedSample")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("000001:announcements", "688469:financial");
  }

  @Test
  void shouldCleanNothingFromAStoreOfFreshWatchedRecords() {
    list("a", 5, FIVE, List.of(DataType.FINANCIAL));
    WarmJobs jobs = jobs(path(replay().build())).build();
    jobs.watchlistWarm();

    JobResult r = jobs.cacheClean(Duration.ofDays(1), WarmJobs.MANUAL);

    assertThat(r.counts()).containsEntry(JobResult.DELETED, 0L)
        .containsEntry(JobResult.EXPIRED, 0L).containsEntry(JobResult.ORPHANED, 0L);
    assertThat(r.batch().total()).isZero();
    assertThat(r.job().status()).isEqualTo(JobStatus.SUCCESS);
    assertThat(store.keys()).hasSize(5);
  }

  @Test
  void shouldKeepARecordFetchedAgainAfterTheCleanWasPlanned() {
    DataRecord old = record("000001", DataType.ANNOUNCEMENTS, Duration.ofDays(2));
    store.upsertAll(List.of(old));
    Task task = CleanProcessor.task(CleanProcessor.ORPHANED, 0, clock.instant(), List.of(old.key()));
    store.upsertAll(List.of(record("000001", DataType.ANNOUNCEMENTS, Duration.ZERO))); // a warm
    CleanProcessor processor = new CleanProcessor(store, cache, DataTypes.defaults());

    try (BatchEngine engine = BatchEngine.builder().processor(processor).parallelism(1).build()) {
      engine.run(List.of(task));
    }

    assertThat(store.keys()).containsExactly(old.key());
    assertThat(processor.deleted()).isZero();
    assertThat(processor.kept()).isEqualTo(1);
  }

  @Test
  void shouldRejectABadRetention() {
    WarmJobs jobs = jobs(path(replay().build())).build();

    assertThatThrownBy(() -> jobs.cacheClean(Duration.ZERO, WarmJobs.MANUAL))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("retention");
    assertThatThrownBy(() -> WarmJobs.builder().build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("dataPath");
  }
}
