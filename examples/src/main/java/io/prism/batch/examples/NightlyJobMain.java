package io.prism.batch.examples;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.RateLimit;
import io.prism.batch.core.report.RunReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The nightly job on embedded defaults (no servers): a durable batch of 1,200 tasks over the
 * engine with priorities, a rate-limited resource, retries and live progress; writes the run
 * report as Markdown, JSON and HTML.
 *
 * <p>Run: {@code mvn -q -pl examples -am package -DskipTests exec:java}
 */
public final class NightlyJobMain {
  private NightlyJobMain() {}

  public static void main(String[] args) {
    Path work = Path.of(args.length > 0 ? args[0] : "target/prism-nightly");
    String batchId = "nightly-" + LocalDate.now() + "-" + System.currentTimeMillis();
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      tasks.add(Task.builder("simulated_fetch")
          .id("fetch-" + i)
          .priority(5 - i % 5)
          .payload("{\"n\":" + i + "}")
          .build());
    }
    try (BatchEngine engine = BatchEngine.builder()
        .batchId(batchId)
        .journal(work.resolve("journal"))
        .processor(new SimulatedFetch())
        .parallelism(4)
        .rateLimit("source", RateLimit.builder().requestsPerMinute(60_000).maxConcurrent(4).build())
        .progressInterval(Duration.ofMillis(200))
        .perTaskEvents(false)
        .listener(new ConsoleProgress(System.out))
        .build()) {
      BatchResult result = engine.run(tasks);
      List<Path> files = RunReport.of(result, engine.metrics().snapshot()).writeAll(work.resolve("reports"));
      System.out.println(RunReport.of(result, engine.metrics().snapshot()).markdown());
      System.out.println("reports: " + files);
    }
  }

  /** Stands in for a market-data call: a few milliseconds of latency, rare failures. */
  static final class SimulatedFetch implements Processor {
    @Override
    public String taskType() {
      return "simulated_fetch";
    }

    @Override
    public Set<String> resources() {
      return Set.of("source");
    }

    @Override
    public String process(Task task, TaskContext context) {
      int n = Integer.parseInt(task.id().substring("fetch-".length()));
      LockSupport.parkNanos(Duration.ofMillis(2 + n % 3).toNanos());
      if (n % 397 == 0 && task.attempts() == 1) {
        throw new IllegalStateException("simulated upstream 502 for task " + n);
      }
      if (n == 1_199) {
        throw new PermanentTaskException("simulated: stock 999999 does not exist");
      }
      context.advanceStage("fetch", 1, 1_200);
      return "{\"rows\":" + (n % 50) + "}";
    }
  }
}
