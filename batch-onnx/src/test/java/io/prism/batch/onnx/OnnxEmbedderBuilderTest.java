package io.prism.batch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxEmbedderBuilderTest {

  @TempDir Path dir;

  private static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ");
  }

  static Path copyResource(String name, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (InputStream in =
        OnnxEmbedderBuilderTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).isNotNull();
      Files.copy(in, target);
    }
    return target;
  }

  @Test
  void shouldNameTheFieldOfEachInvalidSetting() {
    OnnxEmbedder.Builder builder = OnnxEmbedder.builder();

    assertInvalid(() -> builder.threads(0), "threads");
    assertInvalid(() -> builder.threads(OnnxEmbedder.MAX_THREADS + 1), "threads");
    assertInvalid(() -> builder.maxLength(1), "maxLength");
    assertInvalid(() -> builder.maxLength(513), "maxLength");
    assertInvalid(() -> builder.modelId(" "), "modelId");
    assertInvalid(() -> builder.modelId(null), "modelId");
    assertInvalid(() -> builder.modelPath(null), "modelPath");
    assertInvalid(() -> builder.tokenizerPath(null), "tokenizerPath");
    assertInvalid(() -> builder.queryInstruction(null), "queryInstruction");
  }

  @Test
  void shouldRequireModelAndTokenizerPathsTogether() {
    Path file = dir.resolve("model.onnx");

    assertInvalid(() -> OnnxEmbedder.builder().modelPath(file).build(), "tokenizerPath");
    assertInvalid(() -> OnnxEmbedder.builder().tokenizerPath(file).build(), "modelPath");
  }

  @Test
  void shouldNameTheMissingFile() throws IOException {
    Path tokenizer =
        copyResource(OnnxEmbedder.DEFAULT_TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
    Path missing = dir.resolve("missing.onnx");

    assertInvalid(
        () -> OnnxEmbedder.builder().modelPath(missing).tokenizerPath(tokenizer).build(),
        "modelPath");
    assertInvalid(
        () -> OnnxEmbedder.builder().modelPath(tokenizer).tokenizerPath(missing).build(),
        "tokenizerPath");
  }

  @Test
  void shouldNameTheFileThatDoesNotLoad() throws IOException {
    Path tokenizer =
        copyResource(OnnxEmbedder.DEFAULT_TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
    Path notAModel = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    Path notATokenizer =
        Files.writeString(
            dir.resolve("bpe.json"),
            "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}",
            StandardCharsets.UTF_8);

    assertInvalid(
        () -> OnnxEmbedder.builder().modelPath(notAModel).tokenizerPath(tokenizer).build(),
        "modelPath");
    assertInvalid(
        () -> OnnxEmbedder.builder().modelPath(notAModel).tokenizerPath(notATokenizer).build(),
        "tokenizerPath");
  }

  @Test
  void shouldRunAModelFromFilesLikeTheBundledOne() throws IOException {
    Path model =
        copyResource(
            OnnxEmbedder.DEFAULT_MODEL_RESOURCE,
            dir.resolve("bge-small-zh-v1.5-q").resolve("onnx").resolve("model_quantized.onnx"));
    Path tokenizer =
        copyResource(
            OnnxEmbedder.DEFAULT_TOKENIZER_RESOURCE,
            dir.resolve("bge-small-zh-v1.5-q").resolve("tokenizer.json"));
    List<String> texts = FinanceTexts.generate(5);

    try (OnnxEmbedder fromFiles =
            OnnxEmbedder.builder().modelPath(model).tokenizerPath(tokenizer).threads(1).build();
        OnnxEmbedder bundled = OnnxEmbedder.builder().threads(1).maxLength(64).build()) {

      assertThat(fromFiles.modelId()).isEqualTo("bge-small-zh-v1.5-q-model_quantized");
      assertThat(fromFiles.dimension()).isEqualTo(512);
      List<float[]> a = fromFiles.embed(texts);
      List<float[]> b = bundled.embed(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(Arrays.equals(a.get(i), b.get(i)))
            .isEqualTo(bundled.encode(texts.get(i)).length < 64);
      }
    }
  }

  @Test
  void shouldDeriveModelIdFromTheFileName() {
    assertThat(OnnxEmbedder.deriveModelId(Path.of("models", "bge-large-zh-v1.5.onnx")))
        .isEqualTo("bge-large-zh-v1.5");
    assertThat(OnnxEmbedder.deriveModelId(Path.of("bge-large-zh-v1.5", "onnx", "model.onnx")))
        .isEqualTo("bge-large-zh-v1.5-model");
    assertThat(OnnxEmbedder.deriveModelId(Path.of("bge-base-zh-v1.5", "model_quantized.onnx")))
        .isEqualTo("bge-base-zh-v1.5-model_quantized");
  }

  @Test
  void shouldUseTheGivenModelIdAndQueryInstruction() {
    try (OnnxEmbedder custom =
        OnnxEmbedder.builder()
            .threads(1)
            .modelId("bge-small-zh-v1.5-int8")
            .queryInstruction("")
            .build()) {

      assertThat(custom.modelId()).isEqualTo("bge-small-zh-v1.5-int8");
      assertThat(Arrays.equals(custom.embedQuery("市盈率"), custom.embed(List.of("市盈率")).get(0)))
          .isTrue();
    }
  }
}
