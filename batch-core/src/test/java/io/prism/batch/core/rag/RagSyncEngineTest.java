package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskState;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.core.engine.BatchEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sync on the engine: the batch form, its fallback to single tasks, and skipping. */
class RagSyncEngineTest {
  private static final List<String> CODES = List.of("000001", "600519", "688469", "600919",
      "300059");

  private final RagTestKit kit = new RagTestKit();

  @AfterEach
  void close() {
    kit.close();
  }

  private List<Task> storeAll(String type) {
    List<Task> tasks = new ArrayList<>();
    for (String code : CODES) {
      DataRecord r = kit.changed(code, type, 0);
      kit.store(r);
      tasks.add(RagSyncProcessor.task(r.key()));
    }
    return tasks;
  }

  @Test
  void shouldFallBackToSingleTasksWhenTheGroupsEmbeddingCallFails() {
    List<Task> tasks = storeAll(DataType.FINANCIAL);
    kit.embedder.failWhen(texts -> texts.size() > 12); // one record fits, a group does not

    BatchResult result;
    try (BatchEngine engine = BatchEngine.builder().processor(kit.sync).parallelism(1).build()) {
      result = engine.run(tasks);
    }

    assertThat(result.status()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(result.count(TaskState.SUCCEEDED)).isEqualTo(5);
    assertThat(kit.embedder.callSizes().get(0)).isGreaterThan(12);
    assertThat(kit.embedder.callSizes().subList(1, kit.embedder.callSizes().size()))
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(12));
    for (String code : CODES) {
      DataKey key = new DataKey(code, DataType.FINANCIAL);
      assertThat(kit.versions.active(key)).isPresent();
      assertThat(kit.versions.history(key)).extracting(v -> v.status())
          .containsExactly(VersionStatus.ACTIVE, VersionStatus.FAILED);
    }
  }

  @Test
  void shouldSkipUnchangedRecordsWithoutEmbedding() {
    List<Task> tasks = storeAll(DataType.SHAREHOLDERS);
    try (BatchEngine engine = BatchEngine.builder().processor(kit.sync).parallelism(2).build()) {
      engine.run(tasks);
    }
    kit.embedder.reset();
    List<Task> again = storeAll(DataType.SHAREHOLDERS); // same content, new fetch time

    BatchResult second;
    try (BatchEngine engine = BatchEngine.builder().processor(kit.sync).parallelism(2).build()) {
      second = engine.run(again);
    }

    assertThat(second.status()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(second.skipped()).isEqualTo(5);
    assertThat(kit.embedder.calls()).isZero();
    assertThat(kit.versions.byStatus(VersionStatus.ACTIVE)).hasSize(5);
  }
}
