package io.prism.batch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.rag.Embedder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxEmbedderPluginTest {

  @TempDir Path dir;

  private static void assertInvalid(Map<String, String> settings, String field) {
    assertThatThrownBy(() -> Plugins.create(Embedder.class, "onnx", settings))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void shouldBeDiscoveredByName() {
    assertThat(Plugins.providers(Embedder.class))
        .anySatisfy(p -> assertThat(p).isInstanceOf(OnnxEmbedderPlugin.class));
  }

  @Test
  void shouldCreateTheDefaultModelFromEmptySettings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("modelPath", "");
    settings.put("tokenizerPath", "");
    settings.put("threads", "1");

    try (Embedder embedder = Plugins.create(Embedder.class, "onnx", settings)) {

      assertThat(embedder.modelId()).isEqualTo(OnnxEmbedder.DEFAULT_MODEL_ID);
      assertThat(embedder.dimension()).isEqualTo(512);
      assertThat(((OnnxEmbedder) embedder).threads()).isEqualTo(1);
      assertThat(embedder.embed(List.of("沪深三百指数上涨"))).hasSize(1);
    }
  }

  @Test
  void shouldNameTheBadSetting() {
    assertInvalid(Map.of("threads", "two"), "threads");
    assertInvalid(Map.of("threads", "0"), "threads");
    assertInvalid(Map.of("maxLength", "4096"), "maxLength");
    assertInvalid(Map.of("batchSize", "32"), "batchSize");
    assertInvalid(Map.of("modelPath", dir.resolve("m.onnx").toString()), "tokenizerPath");
    assertInvalid(
        Map.of(
            "modelPath", dir.resolve("m.onnx").toString(),
            "tokenizerPath", dir.resolve("t.json").toString()),
        "modelPath");
  }
}
