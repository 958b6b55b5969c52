package io.prism.batch.onnx;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.Embedder;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code "onnx"} provider of {@link Embedder}, for configuration files:
 *
 * <pre>{@code
 * Embedder embedder = Plugins.create(Embedder.class, "onnx", Map.of("threads", "2"));
 * }</pre>
 *
 * <p>Settings, each optional (absent or empty means the default): {@code modelPath} and {@code
 * tokenizerPath} (set both, or neither for the bundled bge-small-zh-v1.5 int8 model), {@code
 * threads}, {@code modelId}, {@code maxLength}, {@code queryInstruction}. See {@link
 * OnnxEmbedder.Builder}. An unknown setting is rejected.
 *
 * <p>Thread-safe and stateless.
 */
public final class OnnxEmbedderPlugin implements BatchPlugin<Embedder> {

  /** The provider name. */
  public static final String NAME = "onnx";

  private static final Set<String> KEYS =
      Set.of("modelPath", "tokenizerPath", "threads", "modelId", "maxLength", "queryInstruction");

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public OnnxEmbedderPlugin() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<Embedder> type() {
    return Embedder.class;
  }

  @Override
  public Embedder create(Map<String, String> settings) {
    if (settings == null) {
      throw new InvalidInputException("settings", null, "must not be null");
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new InvalidInputException(
            e.getKey(),
            e.getValue(),
            "is not a setting of the onnx embedder; known: " + new TreeSet<>(KEYS));
      }
    }
    OnnxEmbedder.Builder builder = OnnxEmbedder.builder();
    String model = value(settings, "modelPath");
    if (!model.isEmpty()) {
      builder.modelPath(path("modelPath", model));
    }
    String tokenizer = value(settings, "tokenizerPath");
    if (!tokenizer.isEmpty()) {
      builder.tokenizerPath(path("tokenizerPath", tokenizer));
    }
    String threads = value(settings, "threads");
    if (!threads.isEmpty()) {
      builder.threads(integer("threads", threads));
    }
    String modelId = value(settings, "modelId");
    if (!modelId.isEmpty()) {
      builder.modelId(modelId);
    }
    String maxLength = value(settings, "maxLength");
    if (!maxLength.isEmpty()) {
      builder.maxLength(integer("maxLength", maxLength));
    }
    if (settings.containsKey("queryInstruction") && settings.get("queryInstruction") != null) {
      builder.queryInstruction(settings.get("queryInstruction"));
    }
    return builder.build();
  }

  private static String value(Map<String, String> settings, String key) {
    String v = settings.get(key);
    return v == null ? "" : v.strip();
  }

  private static Path path(String key, String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new InvalidInputException(key, value, "is not a valid path: " + e.getReason());
    }
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(key, value, "must be an integer");
    }
  }
}
