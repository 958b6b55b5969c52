package io.prism.batch.core.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.JournalCorruptedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreDirectoryTest {
  @TempDir
  Path dir;

  @Test
  void shouldReleaseTheLockWhenTheStoreCannotBeBuilt() {
    // Given a store whose constructor fails on a damaged file
    assertThatThrownBy(() -> StoreDirectory.open(dir, d -> {
      throw new JournalCorruptedException("store file is damaged");
    })).isInstanceOf(JournalCorruptedException.class);

    // When the directory is opened again, then it is free
    try (StoreDirectory again = StoreDirectory.open(dir)) {
      assertThat(again.path()).isEqualTo(dir.toAbsolutePath().normalize());
    }
  }

  @Test
  void shouldKeepTheLockWhileTheStoreIsOpen() {
    try (StoreDirectory held = StoreDirectory.open(dir, d -> d)) {
      assertThatThrownBy(() -> StoreDirectory.open(held.path()))
          .isInstanceOf(BatchException.class).hasMessageContaining("already open");
    }
  }
}
