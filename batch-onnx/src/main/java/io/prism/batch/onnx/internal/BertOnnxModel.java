package io.prism.batch.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A BERT-family encoder in ONNX Runtime that returns the L2-normalised {@code [CLS]} vector of a
 * sequence, the pooling BGE specifies.
 *
 * <p>The session runs with one intra-op and one inter-op thread, so that callers parallelise across
 * sequences, and with the CPU memory arena and memory-pattern planning off, so that native memory
 * is returned after each run instead of growing to the largest input ever seen. A run holds one
 * sequence, so its memory is bounded by the longest sequence the caller allows.
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session.
 */
public final class BertOnnxModel implements AutoCloseable {

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final boolean wantsMask;
  private final boolean wantsTypeIds;
  private final String output;
  private final int outputRank;
  private final int dimension;

  private BertOnnxModel(OrtEnvironment env, OrtSession session) throws OrtException {
    this.env = env;
    this.session = session;
    Set<String> inputs = session.getInputNames();
    if (!inputs.contains(INPUT_IDS)) {
      throw new IllegalArgumentException(
          "the model has no input_ids input; its inputs are " + inputs);
    }
    for (String name : inputs) {
      if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(TOKEN_TYPE_IDS)) {
        throw new IllegalArgumentException(
            "the model has an input " + name + " a BERT encoder does not have; inputs: " + inputs);
      }
    }
    this.wantsMask = inputs.contains(ATTENTION_MASK);
    this.wantsTypeIds = inputs.contains(TOKEN_TYPE_IDS);
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    String chosen =
        outputs.containsKey("last_hidden_state")
            ? "last_hidden_state"
            : outputs.keySet().iterator().next();
    if (!(outputs.get(chosen).getInfo() instanceof TensorInfo)) {
      throw new IllegalArgumentException("the model's output " + chosen + " is not a tensor");
    }
    long[] shape = ((TensorInfo) outputs.get(chosen).getInfo()).getShape();
    if (shape.length != 3 && shape.length != 2) {
      throw new IllegalArgumentException(
          "the model's output " + chosen + " has rank " + shape.length + "; expected 2 or 3");
    }
    this.output = chosen;
    this.outputRank = shape.length;
    // The probe also proves that the model runs.
    this.dimension = embed(new int[] {0, 0}).length;
  }

  /**
   * Loads a model.
   *
   * @param modelBytes the ONNX file's content
   * @return the model
   * @throws OrtException if ONNX Runtime rejects the file or cannot run it
   */
  public static BertOnnxModel load(byte[] modelBytes) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = options()) {
      return open(env, env.createSession(modelBytes, options));
    }
  }

  /**
   * Loads a model from a file.
   *
   * @param modelPath the ONNX file
   * @return the model
   * @throws OrtException if ONNX Runtime rejects the file or cannot run it
   */
  public static BertOnnxModel load(String modelPath) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = options()) {
      return open(env, env.createSession(modelPath, options));
    }
  }

  private static BertOnnxModel open(OrtEnvironment env, OrtSession session) throws OrtException {
    try {
      return new BertOnnxModel(env, session);
    } catch (OrtException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private static OrtSession.SessionOptions options() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setCPUArenaAllocator(false);
      options.setMemoryPatternOptimization(false);
      return options;
    } catch (OrtException e) {
      options.close();
      throw e;
    }
  }

  /**
   * Returns the length of the vectors.
   *
   * @return the dimension
   */
  public int dimension() {
    return dimension;
  }

  /**
   * Embeds one sequence, unpadded: with one sequence per run, the vector of a text never depends on
   * other texts (a dynamically quantized model picks its scales from the whole batch).
   *
   * @param ids the token ids, {@code [CLS]} first
   * @return the L2-normalised {@code [CLS]} vector
   * @throws OrtException if the run fails
   */
  public float[] embed(int[] ids) throws OrtException {
    int length = ids.length;
    long[] inputIds = new long[length];
    long[] mask = new long[length];
    for (int j = 0; j < length; j++) {
      inputIds[j] = ids[j];
      mask[j] = 1;
    }
    long[] shape = {1, length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(inputIds), shape));
      if (wantsMask) {
        inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      }
      if (wantsTypeIds) {
        inputs.put(
            TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
        Optional<OnnxValue> value = result.get(output);
        if (value.isEmpty()) {
          throw new IllegalStateException("the run returned no " + output);
        }
        return pool(((OnnxTensor) value.get()).getFloatBuffer(), length);
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Takes the first position (CLS pooling) and L2-normalises it. */
  private float[] pool(FloatBuffer data, int length) {
    int dim = outputRank == 3 ? data.capacity() / length : data.capacity();
    float[] out = new float[dim];
    data.get(0, out, 0, dim);
    normalize(out);
    return out;
  }

  private static void normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    double norm = Math.sqrt(sum);
    if (norm > 0) {
      float inv = (float) (1.0 / norm);
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX session failed", e);
    }
  }
}
