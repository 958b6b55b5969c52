package io.prism.batch.benchmarks;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel;
import io.prism.batch.onnx.OnnxEmbedder;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Texts per second embedding 2,000 Chinese texts of 30–200 characters with bge-small-zh-v1.5
 * (int8), this library's {@link OnnxEmbedder} against langchain4j's {@code
 * BgeSmallZhV15QuantizedEmbeddingModel} on the same ONNX file, both given two threads (this
 * machine's cores). Floor: 1.5× langchain4j's texts per second.
 *
 * <p>Run: {@code mvn -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar EmbedderBenchmark -rf json -rff target/embedder.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class EmbedderBenchmark {
  static final int TEXTS = 2_000;

  private List<String> texts;
  private List<TextSegment> segments;
  private OnnxEmbedder prism;
  private ExecutorService peerPool;
  private BgeSmallZhV15QuantizedEmbeddingModel peer;

  @Setup(Level.Trial)
  public void setUp() {
    texts = ChineseTexts.generate(TEXTS, 7);
    segments = texts.stream().map(TextSegment::from).toList();
    prism = OnnxEmbedder.builder().threads(2).build();
    peerPool = Executors.newFixedThreadPool(2);
    peer = new BgeSmallZhV15QuantizedEmbeddingModel(peerPool);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    prism.close();
    peerPool.shutdownNow();
  }

  @Benchmark
  @OperationsPerInvocation(TEXTS)
  public int prismOnnxEmbedder() {
    return prism.embed(texts).size();
  }

  @Benchmark
  @OperationsPerInvocation(TEXTS)
  public int langchain4jEmbeddingModel() {
    return peer.embedAll(segments).content().size();
  }
}
