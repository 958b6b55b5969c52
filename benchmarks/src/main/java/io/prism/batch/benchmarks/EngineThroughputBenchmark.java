package io.prism.batch.benchmarks;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.BatchEngineBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * No-op tasks per second through the engine (in-memory queue and durable journal) at
 * parallelism 1 and 2, side by side with a plain {@link ThreadPoolExecutor} running the same
 * no-op work. Each invocation runs a whole batch of {@value #TASKS} tasks on a new engine, so
 * engine start and stop are included.
 *
 * <p>Run: {@code mvn -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar EngineThroughput -rf json -rff target/engine.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class EngineThroughputBenchmark {
  static final int TASKS = 100_000;

  @Param({"1", "2"})
  public int parallelism;

  private List<Task> tasks;
  private Path dir;

  @Setup(Level.Trial)
  public void makeTasks() {
    tasks = IntStream.range(0, TASKS).mapToObj(i -> Task.builder("noop").id("t" + i).build()).toList();
  }

  @Setup(Level.Invocation)
  public void makeDir() throws IOException {
    dir = Files.createTempDirectory("prism-bench");
  }

  @TearDown(Level.Invocation)
  public void deleteDir() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long engineInMemory() {
    return run(BatchEngine.builder());
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long engineJournaled() {
    return run(BatchEngine.builder().journal(dir));
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long plainThreadPoolExecutor() throws InterruptedException {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(parallelism, parallelism, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>());
    CountDownLatch done = new CountDownLatch(TASKS);
    long[] sink = new long[1];
    for (Task t : tasks) {
      pool.execute(() -> {
        sink[0] += t.priority();
        done.countDown();
      });
    }
    done.await();
    pool.shutdown();
    return sink[0];
  }

  private long run(BatchEngineBuilder builder) {
    try (BatchEngine engine = builder.processor(new NoOp()).parallelism(parallelism).build()) {
      BatchResult r = engine.run(tasks);
      if (r.count(TaskState.SUCCEEDED) != TASKS) {
        throw new IllegalStateException("expected " + TASKS + " successes: " + r);
      }
      return r.count(TaskState.SUCCEEDED);
    }
  }

  static final class NoOp implements Processor {
    @Override
    public String taskType() {
      return "noop";
    }

    @Override
    public String process(Task task, TaskContext context) {
      return "";
    }
  }
}
