package io.prism.batch.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.queue.MemoryTaskQueue;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BatchRun#leave()}: two engines share one queue, as nodes of a cluster share the
 * PostgreSQL one; one leaves mid-way and the other finishes the batch, nothing cancelled and
 * nothing run twice.
 */
class LeaveTest {
  private static final int TASKS = 200;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldHandTheRestOfTheBatchToTheOtherEngineWhenOneLeaves() throws Exception {
    // Given two engines on one queue, each running slow tasks
    MemoryTaskQueue queue = new MemoryTaskQueue();
    Function<Task, String> slow = t -> {
      TestProcessors.block(5);
      return "";
    };
    TestProcessors.Recording onA = new TestProcessors.Recording("work", slow);
    TestProcessors.Recording onB = new TestProcessors.Recording("work", slow);
    try (BatchEngine a = engine("a", queue, onA); BatchEngine b = engine("b", queue, onB)) {
      BatchRun runA = a.start(TestProcessors.tasks("work", TASKS));
      BatchRun runB = b.start(List.of());
      while (onA.order.size() < 10) {
        TimeUnit.MILLISECONDS.sleep(1); // a poll step until A is at work
      }

      // When A leaves
      runA.leave();
      int ranOnA = onA.order.size();

      // Then A ends LEFT at once, having cancelled nothing and started nothing since
      BatchResult left = runA.await(Duration.ofSeconds(5)).orElseThrow();
      assertThat(left.status()).isEqualTo(BatchStatus.LEFT);
      assertThat(queue.stats().count(TaskState.CANCELLED)).isZero();
      runA.leave(); // idempotent

      // And B finishes the batch: every task ran once, on A or on B, and succeeded
      BatchResult done = runB.await(Duration.ofSeconds(50)).orElseThrow();
      assertThat(done.status()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(onA.order).hasSize(ranOnA);
      Map<String, Integer> runs = new HashMap<>();
      onA.order.forEach(id -> runs.merge(id, 1, Integer::sum));
      onB.order.forEach(id -> runs.merge(id, 1, Integer::sum));
      assertThat(runs).hasSize(TASKS);
      assertThat(runs.values()).containsOnly(1);
      assertThat(onB.order).isNotEmpty();
      assertThat(queue.stats().count(TaskState.SUCCEEDED)).isEqualTo(TASKS);
      assertThat(queue.stats().count(TaskState.CANCELLED)).isZero();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldLeaveAGivenQueueWhenClosedAndCancelNothing() throws Exception {
    // Given an engine at work on a queue given to it
    MemoryTaskQueue queue = new MemoryTaskQueue();
    TestProcessors.Recording first = new TestProcessors.Recording("work", t -> {
      TestProcessors.block(5);
      return "";
    });
    BatchEngine a = engine("a", queue, first);
    a.start(TestProcessors.tasks("work", TASKS));
    while (first.order.size() < 5) {
      TimeUnit.MILLISECONDS.sleep(1); // a poll step until it is at work
    }

    // When it is closed / Then nothing is cancelled and another engine finishes the batch
    a.close();
    assertThat(queue.stats().count(TaskState.CANCELLED)).isZero();
    assertThat(queue.stats().open()).isPositive();
    TestProcessors.Recording second = new TestProcessors.Recording("work", t -> "");
    try (BatchEngine b = engine("b", queue, second)) {
      assertThat(b.start(List.of()).await().status()).isEqualTo(BatchStatus.COMPLETED);
    }
    assertThat(first.order.size() + second.order.size()).isEqualTo(TASKS);
    assertThat(queue.stats().count(TaskState.SUCCEEDED)).isEqualTo(TASKS);
  }

  @Test
  void shouldEndLeftWithNothingToDoWhenTheRunHadEnded() {
    // Given a run that completed
    MemoryTaskQueue queue = new MemoryTaskQueue();
    TestProcessors.Recording p = new TestProcessors.Recording("work", t -> "");
    try (BatchEngine a = engine("a", queue, p)) {
      BatchRun run = a.start(TestProcessors.tasks("work", 3));
      assertThat(run.await().status()).isEqualTo(BatchStatus.COMPLETED);

      // When it leaves / Then nothing changes
      run.leave();
      assertThat(run.await().status()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(queue.stats().count(TaskState.SUCCEEDED)).isEqualTo(3);
    }
  }

  private static BatchEngine engine(String id, MemoryTaskQueue queue,
      TestProcessors.Recording processor) {
    return BatchEngine.builder().batchId("shared-" + id).queue(queue).processor(processor)
        .parallelism(2).maxClaim(4).build();
  }
}
