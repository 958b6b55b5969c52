package io.prism.batch.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.data.WatchlistStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePluginsTest {
  @TempDir Path dir;

  @Test
  void shouldCreateInMemoryStoresByName() {
    try (RecordStore records = Plugins.create(RecordStore.class, "memory", Map.of());
        WatchlistStore lists = Plugins.create(WatchlistStore.class, "memory", Map.of());
        JobStore jobs = Plugins.create(JobStore.class, "memory", Map.of())) {
      assertThat(records).isInstanceOf(FileRecordStore.class);
      assertThat(((FileRecordStore) records).directory()).isEmpty();
      assertThat(lists).isInstanceOf(FileWatchlistStore.class);
      assertThat(jobs).isInstanceOf(FileJobStore.class);
    }
  }

  @Test
  void shouldCreateFileStoresInTheGivenDirectory() {
    Map<String, String> settings = Map.of("directory", dir.toString());
    try (RecordStore records = Plugins.create(RecordStore.class, "file", settings);
        WatchlistStore lists = Plugins.create(WatchlistStore.class, "file", settings);
        JobStore jobs = Plugins.create(JobStore.class, "file", settings)) {
      assertThat(((FileRecordStore) records).directory())
          .contains(dir.resolve(FileRecordStore.SUBDIRECTORY).toAbsolutePath());
      assertThat(lists).isInstanceOf(FileWatchlistStore.class);
      assertThat(jobs).isInstanceOf(FileJobStore.class);
      assertThat(Files.isDirectory(dir.resolve(FileWatchlistStore.SUBDIRECTORY))).isTrue();
      assertThat(Files.isDirectory(dir.resolve(FileJobStore.SUBDIRECTORY))).isTrue();
    }
  }

  @Test
  void shouldNameAMissingOrUnknownSetting() {
    assertThatThrownBy(() -> Plugins.create(RecordStore.class, "file", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("directory");
    assertThatThrownBy(() -> Plugins.create(JobStore.class, "memory", Map.of("size", "3")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("size");
  }
}
