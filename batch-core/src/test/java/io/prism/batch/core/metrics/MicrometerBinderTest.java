package io.prism.batch.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.BatchRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerBinderTest {

  @Test
  void shouldExposeCountsPerTypeAndOutcomeAndQueueDepth() {
    Processor p = new Processor() {
      @Override
      public String taskType() {
        return "m";
      }

      @Override
      public String process(Task task, TaskContext ctx) {
        if (task.id().equals("bad")) {
          throw new PermanentTaskException("no such stock");
        }
        return "";
      }
    };
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks.add(Task.builder("m").id("t" + i).build());
    }
    tasks.add(Task.builder("m").id("bad").build());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (BatchEngine engine = BatchEngine.builder().processor(p).build()) {
      BatchRun run = engine.start(tasks);
      run.await();
      MicrometerBinder.bind(engine.metrics(), run, registry);
      assertThat(registry.get("prism.batch.tasks").tag("type", "m").tag("outcome", "succeeded")
          .functionCounter().count()).isEqualTo(20.0);
      assertThat(registry.get("prism.batch.tasks").tag("type", "m").tag("outcome", "failed")
          .functionCounter().count()).isEqualTo(1.0);
      assertThat(registry.get("prism.batch.queue.depth").tag("state", "succeeded").gauge().value())
          .isEqualTo(20.0);
      assertThat(registry.get("prism.batch.queue.depth").tag("state", "pending").gauge().value())
          .isZero();
    }
  }
}
