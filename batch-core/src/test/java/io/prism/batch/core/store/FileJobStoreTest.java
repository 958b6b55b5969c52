package io.prism.batch.core.store;

import static io.prism.batch.core.store.StoreAssertions.assertSameJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJobStoreTest extends JobStoreContract {
  @TempDir Path dir;

  @Override
  protected JobStore newStore() {
    return FileJobStore.builder().directory(dir).build();
  }

  @Nested
  class InMemory extends JobStoreContract {
    @Override
    protected JobStore newStore() {
      return FileJobStore.inMemory();
    }
  }

  @Test
  void shouldReadBackWhatItWroteAfterAReopenAndKeepCountingIds() throws IOException {
    JobRecord a = store.create(JobRecord.pending("a", "watchlist_warm", "scheduled", 3, T0));
    JobRecord b = store.create(JobRecord.pending("b", "rag_sync", "manual", 4, T0));
    JobRecord bDone = b.started(T0).finished(JobStatus.SUCCESS, T0.plusSeconds(5), 1, 1, 0,
        Optional.empty(), "{\"ok\":true}");
    store.update(bDone);
    store.close();

    store = newStore();

    assertSameJob(store.get(a.id()).orElseThrow(), a);
    assertSameJob(store.get(b.id()).orElseThrow(), bDone);
    assertThat(store.create(JobRecord.pending("c", "rag_sync", "manual", 4, T0)).id())
        .isGreaterThan(b.id());
    assertThat(FileRecordStoreTest.names(dir.resolve(FileJobStore.SUBDIRECTORY)))
        .containsExactlyInAnyOrder(".lock", "job-1.json", "job-2.json", "job-3.json");
  }

  @Test
  void shouldKeepACancelRequestAcrossAReopen() {
    JobRecord a = store.create(JobRecord.pending("a", "market_scan", "manual", 1, T0));
    JobRecord b = store.create(JobRecord.pending("b", "market_scan", "manual", 1, T0));
    store.update(a.started(T0));
    assertThat(store.requestCancel(a.id())).isTrue();
    store.close();

    store = newStore();

    assertThat(store.cancelRequested(a.id())).isTrue();
    assertThat(store.cancelRequested(b.id())).isFalse();
    assertSameJob(store.get(a.id()).orElseThrow(), a.started(T0));
  }

  @Test
  void shouldKeepPausedTaskTypesAcrossAReopen() {
    store.pauseTaskType("warm");
    store.pauseTaskType("rag_sync");
    store.resumeTaskType("rag_sync");
    store.close();

    store = newStore();

    assertThat(store.pausedTaskTypes()).containsExactly("warm");
  }

  @Test
  void shouldRefuseToOpenAPausedTypesFileWithAnInvalidType() throws IOException {
    store.close();
    Files.writeString(dir.resolve(FileJobStore.SUBDIRECTORY).resolve("paused-task-types.json"),
        "{\"format\":1,\"pausedTaskTypes\":[\"warm\",\"rag sync\"]}");

    assertThatThrownBy(this::newStore)
        .isInstanceOf(JournalCorruptedException.class)
        .hasMessageContaining("paused-task-types.json")
        .hasMessageContaining("'rag sync'");
    store = FileJobStore.inMemory();
  }

  @Test
  void shouldKeepDailyMetricsAcrossAReopenInTheirOwnFile() throws IOException {
    DailyMetric count = new DailyMetric(LocalDate.of(2024, 3, 1), DailyMetric.JOB_COUNT, "",
        new BigDecimal("4"), "{\"failed\": 1}");
    DailyMetric rate = new DailyMetric(LocalDate.of(2024, 3, 1), DailyMetric.SUCCESS_RATE,
        "rag_sync", new BigDecimal("0.75"), "{}");
    store.putDailyMetrics(List.of(rate, count));
    store.close();

    store = newStore();

    assertThat(store.dailyMetrics(LocalDate.MIN, LocalDate.MAX, Optional.empty()))
        .containsExactly(count, rate);
    assertThat(FileRecordStoreTest.names(dir.resolve(FileJobStore.SUBDIRECTORY)))
        .containsExactlyInAnyOrder(".lock", "daily-metrics.json");
  }

  @Test
  void shouldRefuseToOpenADailyMetricsFileWithAnInvalidMetric() throws IOException {
    store.close();
    Files.writeString(dir.resolve(FileJobStore.SUBDIRECTORY).resolve("daily-metrics.json"),
        "{\"format\":1,\"metrics\":[{\"date\":\"2024-03-01\",\"metricType\":\"Job count\","
            + "\"category\":\"\",\"value\":\"1\",\"additionalData\":\"{}\"}]}");

    assertThatThrownBy(this::newStore)
        .isInstanceOf(JournalCorruptedException.class)
        .hasMessageContaining("daily-metrics.json")
        .hasMessageContaining("metricType");
    store = FileJobStore.inMemory();
  }
}
