package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.api.rag.VersionStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RagPluginsTest {
  @TempDir Path dir;

  @Test
  void shouldCreateTheEmbeddedStoresByName() {
    try (VectorStore mem = Plugins.create(VectorStore.class, "memory", Map.of());
        VectorStore persisted = Plugins.create(VectorStore.class, "memory",
            Map.of("directory", dir.toString(), "flushEveryWrite", "false"));
        VersionStore file = Plugins.create(VersionStore.class, "file",
            Map.of("directory", dir.toString()));
        VersionStore memVersions = Plugins.create(VersionStore.class, "memory", Map.of())) {
      assertThat(((InMemoryVectorStore) mem).directory()).isEmpty();
      assertThat(((InMemoryVectorStore) persisted).directory())
          .contains(dir.resolve("vectors").toAbsolutePath());
      assertThat(((FileVersionStore) file).directory())
          .contains(dir.resolve("rag-versions").toAbsolutePath());
      assertThat(((FileVersionStore) memVersions).directory()).isEmpty();
    }
  }

  @Test
  void shouldNameMissingAndUnknownSettings() {
    assertThatThrownBy(() -> Plugins.create(VersionStore.class, "file", Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("directory");
    assertThatThrownBy(() -> Plugins.create(VectorStore.class, "memory", Map.of("size", "1")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("size");
    assertThatThrownBy(() -> Plugins.create(VectorStore.class, "memory",
        Map.of("flushEveryWrite", "maybe")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("flushEveryWrite");
  }
}
