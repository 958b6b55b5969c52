package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileVersionStoreTest {

  @Nested
  class InMemory extends VersionStoreContract {
    @Override
    protected VersionStore newStore(Clock clock) {
      return FileVersionStore.builder().clock(clock).build();
    }
  }

  @Nested
  class Persisted extends VersionStoreContract {
    @TempDir Path dir;

    @Override
    protected VersionStore newStore(Clock clock) {
      return FileVersionStore.builder().directory(dir).clock(clock).build();
    }

    @Test
    void shouldReloadEveryVersionAndMappingAfterARestart() {
      DataVersion v1 = activeVersion(KEY, "h1", 3);
      clock.advance(Duration.ofMinutes(1));
      DataVersion v2 = activeVersion(KEY, "h2", 2);
      DataVersion p = pending(OTHER, "p");
      DataVersion f = pending(OTHER, "f");
      store.markFailed(f.versionId(), "boom");
      store.close();

      store = newStore(clock);

      assertThat(store.active(KEY).orElseThrow()).isEqualTo(store.get(v2.versionId())
          .orElseThrow());
      assertThat(store.get(v1.versionId()).orElseThrow().status())
          .isEqualTo(VersionStatus.DEPRECATED);
      assertThat(store.get(v1.versionId()).orElseThrow().deprecatedAt())
          .contains(VersionStoreContract.T0.plus(Duration.ofMinutes(1)));
      assertThat(store.mappings(v1.versionId())).hasSize(3);
      assertThat(store.mappings(v2.versionId())).isEqualTo(
          mappings(v2, "prism_financial", 2));
      assertThat(store.get(p.versionId()).orElseThrow().status())
          .isEqualTo(VersionStatus.PENDING);
      assertThat(store.get(f.versionId()).orElseThrow().error()).contains("boom");
      assertThat(store.history(KEY)).extracting(DataVersion::versionId)
          .containsExactly(v2.versionId(), v1.versionId());
      DataVersion v3 = pending(KEY, "h3");
      assertThat(store.history(KEY).get(0).versionId()).isEqualTo(v3.versionId());
    }

    @Test
    void shouldWriteOneFilePerKeyAndNoTemporaryFiles() throws Exception {
      activeVersion(KEY, "h1", 1);
      activeVersion(OTHER, "x", 1);

      try (var files = Files.list(dir.resolve(FileVersionStore.SUBDIRECTORY))) {
        assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !n.equals(".lock")))
            .containsExactlyInAnyOrder("600519_financial.json", "000001_announcements.json");
      }
    }

    @Test
    void shouldRefuseASecondStoreOnTheSameDirectory() {
      assertThatThrownBy(() -> FileVersionStore.builder().directory(dir).build())
          .isInstanceOf(BatchException.class).hasMessageContaining("already open");
    }

    @Test
    void shouldReportADamagedFile() throws Exception {
      activeVersion(KEY, "h1", 1);
      store.close();
      Files.writeString(dir.resolve(FileVersionStore.SUBDIRECTORY)
          .resolve("600519_financial.json"), "{\"format\":1,", StandardCharsets.UTF_8);

      assertThatThrownBy(() -> FileVersionStore.builder().directory(dir).build())
          .isInstanceOf(JournalCorruptedException.class)
          .hasMessageContaining("600519_financial.json");
      store = FileVersionStore.inMemory();
    }
  }
}
