package io.prism.batch.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.rag.VectorStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChromaPluginTest {

  @Test
  void shouldBeFoundByNameWithTheDefaults() {
    VectorStore store = Plugins.create(VectorStore.class, "chroma", Map.of());

    assertThat(store).isInstanceOf(ChromaVectorStore.class);
    ChromaConfig config = ((ChromaVectorStore) store).config();
    assertThat(config.url()).hasToString(ChromaConfig.DEFAULT_URL);
    assertThat(config.tenant()).isEqualTo("default_tenant");
    assertThat(config.database()).isEqualTo("default_database");
  }

  @Test
  void shouldApplyTheSettings() {
    VectorStore store =
        Plugins.create(
            VectorStore.class,
            "chroma",
            Map.of(
                "url", "http://chroma.internal:9000",
                "tenant", "prism",
                "database", "stocks",
                "timeout", "PT5S"));

    ChromaConfig config = ((ChromaVectorStore) store).config();
    assertThat(config.url()).hasToString("http://chroma.internal:9000");
    assertThat(config.tenant()).isEqualTo("prism");
    assertThat(config.database()).isEqualTo("stocks");
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void shouldRejectUnknownAndBadSettings() {
    ChromaPlugin plugin = new ChromaPlugin();

    assertThatThrownBy(() -> plugin.create(Map.of("host", "x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"host\" is invalid")
        .hasMessageContaining("[database, tenant, timeout, url]");
    assertThatThrownBy(() -> plugin.create(Map.of("url", "localhost:8000")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("url");
    assertThatThrownBy(() -> plugin.create(Map.of("timeout", "5s")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("timeout: \"5s\"");
  }
}
