package io.prism.batch.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.TaskQueue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueuePluginTest {

  @TempDir Path tmp;

  @Test
  void shouldCreateMemoryQueueByName() {
    // When the "memory" provider is asked for a queue / Then it makes a MemoryTaskQueue
    try (TaskQueue q = Plugins.create(TaskQueue.class, "memory", Map.of())) {
      assertThat(q).isInstanceOf(MemoryTaskQueue.class);
    }
  }

  @Test
  void shouldCreateFileQueueByNameWithSettings() {
    // Given settings with a directory and a snapshot cadence
    Map<String, String> settings =
        Map.of(
            "dir", tmp.resolve("q").toString(), "snapshotEvery", "50", "snapshotInterval", "PT1M");

    // When the "file" provider is asked / Then it opens a JournaledTaskQueue there
    try (TaskQueue q = Plugins.create(TaskQueue.class, "file", settings)) {
      assertThat(q).isInstanceOf(JournaledTaskQueue.class);
      assertThat(((JournaledTaskQueue) q).directory()).isEqualTo(tmp.resolve("q").toAbsolutePath());
    }
  }

  @Test
  void shouldRequireDirSettingForFileQueue() {
    // When "dir" is missing / Then the error names the setting
    assertThatThrownBy(() -> Plugins.create(TaskQueue.class, "file", Map.of()))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("dir"));
  }

  @Test
  void shouldRejectBadAndUnknownSettings() {
    String dir = tmp.resolve("q").toString();
    assertThatThrownBy(
            () -> Plugins.create(TaskQueue.class, "file", Map.of("dir", dir, "snapshotEvery", "x")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("snapshotEvery"));
    assertThatThrownBy(
            () -> Plugins.create(TaskQueue.class, "file", Map.of("dir", dir, "snapshotEvry", "5")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("snapshotEvry");
    assertThatThrownBy(() -> Plugins.create(TaskQueue.class, "memory", Map.of("dir", dir)))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldListBothProviders() {
    List<String> names = Plugins.providers(TaskQueue.class).stream().map(p -> p.name()).toList();
    assertThat(names).contains("memory", "file");
  }
}
