package io.prism.batch.core.engine;

import static io.prism.batch.core.engine.TestProcessors.block;
import static io.prism.batch.core.engine.TestProcessors.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failsafe.RetryPolicy;
import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.Processor;
import io.prism.batch.api.ProgressSnapshot;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.TestProcessors.Recording;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchEngineTest {

  static RetryRules fastRetries(int attempts) {
    RetryPolicy<Object> p =
        RetryPolicy.builder().withDelay(Duration.ofMillis(1)).withMaxAttempts(attempts).build();
    return RetryRules.builder()
        .rule(ErrorClass.TRANSIENT, p)
        .rule(ErrorClass.TIMEOUT, p)
        .rule(ErrorClass.RATE_LIMITED, p)
        .build();
  }

  @Test
  void shouldRunEveryTaskExactlyOnce() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Recording p = new Recording("count", t -> {
      runs.computeIfAbsent(t.id(), k -> new AtomicInteger()).incrementAndGet();
      return "";
    });
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2).build()) {
      BatchResult r = engine.run(tasks("count", 5_000));
      assertThat(r.status()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(5_000);
      assertThat(runs).hasSize(5_000);
      assertThat(runs.values()).allMatch(c -> c.get() == 1);
      assertThat(engine.metrics().snapshot().get("count").succeeded()).isEqualTo(5_000);
    }
  }

  @Test
  void shouldRunHigherPriorityFirstAndFifoWithinAPriority() {
    Recording p = new Recording("p", t -> "");
    List<Task> input = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      input.add(Task.builder("p").id("t" + i).priority(1 + i % 5).build());
    }
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(1).build()) {
      engine.run(input);
    }
    List<String> expected = new ArrayList<>();
    for (int prio = 5; prio >= 1; prio--) {
      for (int i = 0; i < 30; i++) {
        if (1 + i % 5 == prio) {
          expected.add("t" + i);
        }
      }
    }
    assertThat(p.order).containsExactlyElementsOf(expected);
  }

  @Test
  void shouldPutARetriedTaskBehindFreshWorkOfItsPriority() {
    AtomicInteger firstAttempts = new AtomicInteger();
    Recording p = new Recording("r", t -> {
      if (t.id().equals("a") && firstAttempts.getAndIncrement() == 0) {
        throw new UncheckedIOException(new IOException("connection reset"));
      }
      return "";
    });
    List<Task> input = List.of(
        Task.builder("r").id("a").build(), Task.builder("r").id("b").build(),
        Task.builder("r").id("c").build());
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(1).maxClaim(1)
        .retryRules(fastRetries(3)).build()) {
      BatchResult r = engine.run(input);
      assertThat(r.status()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(r.retries()).isEqualTo(1);
    }
    assertThat(p.order).containsExactly("a", "b", "c", "a");
  }

  @Test
  void shouldFailAPoisonTaskWithoutHoldingUpTheOthers() {
    Recording p = new Recording("x", t -> {
      if (t.id().equals("x-7")) {
        throw new UncheckedIOException(new IOException("always broken"));
      }
      if (t.id().equals("x-9")) {
        throw new PermanentTaskException("stock 999999 not found");
      }
      return "ok";
    });
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2)
        .retryRules(fastRetries(3)).build()) {
      BatchResult r = engine.run(tasks("x", 200));
      assertThat(r.status()).isEqualTo(BatchStatus.COMPLETED_WITH_FAILURES);
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(198);
      assertThat(r.count(TaskState.FAILED)).isEqualTo(2);
      assertThat(r.failures()).extracting(f -> f.taskId() + ":" + f.errorClass() + ":" + f.attempts())
          .containsExactlyInAnyOrder("x-7:TRANSIENT:3", "x-9:PERMANENT:1");
      assertThat(r.failures()).filteredOn(f -> f.taskId().equals("x-9"))
          .singleElement().satisfies(f -> assertThat(f.message()).contains("stock 999999 not found"));
      assertThat(p.order.stream().filter("x-7"::equals)).hasSize(3);
      assertThat(p.order.stream().filter("x-9"::equals)).hasSize(1);
    }
  }

  @Test
  void shouldFallBackToSingleItemsWhenAGroupCallFails() {
    AtomicInteger groupCalls = new AtomicInteger();
    List<Integer> groupSizes = new CopyOnWriteArrayList<>();
    Set<String> singles = ConcurrentHashMap.newKeySet();
    Processor p = new Processor() {
      @Override
      public String taskType() {
        return "embed";
      }

      @Override
      public int batchSize() {
        return 10;
      }

      @Override
      public List<String> processBatch(List<Task> group, TaskContext ctx) {
        groupCalls.incrementAndGet();
        groupSizes.add(group.size());
        if (group.stream().anyMatch(t -> t.id().equals("embed-13"))) {
          throw new IllegalStateException("one text in the call is bad");
        }
        return group.stream().map(t -> "v:" + t.id()).toList();
      }

      @Override
      public String process(Task task, TaskContext ctx) {
        singles.add(task.id());
        if (task.id().equals("embed-13")) {
          throw new PermanentTaskException("text too long");
        }
        return "v:" + task.id();
      }
    };
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(1).build()) {
      BatchResult r = engine.run(tasks("embed", 100));
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(99);
      assertThat(r.count(TaskState.FAILED)).isEqualTo(1);
      assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.taskId()).isEqualTo("embed-13"));
      assertThat(groupSizes).allMatch(s -> s <= 10);
      assertThat(groupCalls.get()).isEqualTo(10);
      // only the failed group's ten items went one by one
      assertThat(singles).hasSize(10).contains("embed-13");
      assertThat(engine.queue().get("embed-42").orElseThrow().output()).contains("v:embed-42");
    }
  }

  @Test
  void shouldSkipTasksWhoseOutputExists() {
    Set<String> existing = Set.of("s-1", "s-2", "s-3");
    Recording inner = new Recording("s", t -> "");
    Processor p = new Processor() {
      @Override
      public String taskType() {
        return "s";
      }

      @Override
      public String process(Task task, TaskContext context) throws Exception {
        return inner.process(task, context);
      }

      @Override
      public boolean isDone(Task task) {
        return existing.contains(task.id());
      }
    };
    try (BatchEngine engine = BatchEngine.builder().processor(p).build()) {
      BatchPlan plan = engine.plan(tasks("s", 10));
      assertThat(plan.toRun()).isEqualTo(7);
      assertThat(plan.alreadyDone()).isEqualTo(3);
      assertThat(inner.order).isEmpty();
      BatchResult r = engine.run(tasks("s", 10));
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(10);
      assertThat(r.skipped()).isEqualTo(3);
      assertThat(inner.order).hasSize(7).doesNotContainAnyElementsOf(existing);
    }
  }

  @Test
  void shouldPlanWithoutRunningAnything() {
    Recording p = new Recording("d", t -> "");
    List<Task> input = new ArrayList<>(tasks("d", 5));
    input.add(Task.builder("d").id("dup").dedupeKey("d-key").priority(5).build());
    input.add(Task.builder("d").id("dup2").dedupeKey("d-key").priority(5).build());
    input.add(Task.builder("other").id("o1").build());
    try (BatchEngine engine = BatchEngine.builder().processor(p).build()) {
      BatchPlan plan = engine.plan(input);
      assertThat(plan.total()).isEqualTo(8);
      assertThat(plan.duplicates()).isEqualTo(1);
      assertThat(plan.unknownTypes()).containsExactly("other");
      assertThat(plan.byPriority()).containsEntry(5, 1L).containsEntry(3, 6L);
      assertThat(p.order).isEmpty();
      assertThat(engine.queue().stats().total()).isZero();
    }
  }

  @Test
  void shouldRejectATaskTypeWithoutProcessorBeforeEnqueueing() {
    try (BatchEngine engine = BatchEngine.builder().processor(new Recording("a", t -> "")).build()) {
      assertThatThrownBy(() -> engine.start(List.of(Task.builder("zzz").id("z").build())))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("type").hasMessageContaining("zzz").hasMessageContaining("[a]");
      assertThat(engine.queue().stats().total()).isZero();
    }
  }

  @Test
  void shouldStopStartingTasksWhilePausedAndGoOnAfterResume() throws Exception {
    List<Long> starts = new CopyOnWriteArrayList<>();
    Recording p = new Recording("slow", t -> {
      starts.add(System.nanoTime());
      block(5);
      return "";
    });
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2).build()) {
      BatchRun run = engine.start(tasks("slow", 400));
      awaitCondition(() -> starts.size() >= 20);
      run.pause();
      long pausedAt = System.nanoTime();
      assertThat(run.status()).isEqualTo(BatchStatus.PAUSED);
      awaitCondition(() -> run.progress().count(TaskState.RUNNING) == 0);
      int atPause = starts.size();
      // hold the pause for a while: no task may start
      assertThat(run.await(Duration.ofMillis(300))).isEmpty();
      assertThat(starts.size()).isEqualTo(atPause);
      long lateStarts = starts.stream().filter(t -> t - pausedAt > 100_000_000L).count();
      assertThat(lateStarts).isZero();
      run.resume();
      BatchResult r = run.await();
      assertThat(r.status()).isEqualTo(BatchStatus.COMPLETED);
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(400);
    }
  }

  @Test
  void shouldCancelWithin100MillisAndLeaveNothingRunning() {
    CountDownLatch twoRunning = new CountDownLatch(2);
    Recording p = new Recording("long", t -> {
      twoRunning.countDown();
      block(30_000);
      return "";
    });
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2).build()) {
      BatchRun run = engine.start(tasks("long", 50));
      awaitCondition(() -> twoRunning.getCount() == 0);
      long t0 = System.nanoTime();
      run.cancel();
      long tookMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(tookMillis).isLessThan(100);
      BatchResult r = run.await();
      assertThat(r.status()).isEqualTo(BatchStatus.CANCELLED);
      assertThat(r.count(TaskState.RUNNING)).isZero();
      assertThat(r.count(TaskState.CANCELLED)).isEqualTo(50);
      assertThat(engine.queue().stats().count(TaskState.RUNNING)).isZero();
      assertThat(engine.queue().stats().count(TaskState.CANCELLED)).isEqualTo(50);
    }
  }

  @Test
  void shouldTimeOutATaskAndRetryItAsATimeout() {
    AtomicInteger calls = new AtomicInteger();
    Recording p = new Recording("t", t -> {
      if (t.id().equals("t-0")) {
        calls.incrementAndGet();
        block(10_000);
      }
      return "";
    });
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2)
        .taskTimeout(Duration.ofMillis(50)).retryRules(fastRetries(2)).build()) {
      BatchResult r = engine.run(tasks("t", 20));
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(19);
      assertThat(r.failures()).singleElement().satisfies(f -> {
        assertThat(f.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(f.attempts()).isEqualTo(2);
        assertThat(f.message()).contains("exceeded its timeout of 50 ms");
      });
      assertThat(calls.get()).isEqualTo(2);
      assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void shouldEndTimedOutWhenTheBatchTimeoutPasses() {
    Recording p = new Recording("b", t -> {
      block(50);
      return "";
    });
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2)
        .batchTimeout(Duration.ofMillis(300)).build()) {
      BatchResult r = engine.run(tasks("b", 1_000));
      assertThat(r.status()).isEqualTo(BatchStatus.TIMED_OUT);
      assertThat(r.count(TaskState.RUNNING)).isZero();
      assertThat(r.count(TaskState.SUCCEEDED)).isBetween(1L, 100L);
      assertThat(r.count(TaskState.SUCCEEDED) + r.count(TaskState.CANCELLED)).isEqualTo(1_000);
    }
  }

  @Test
  void shouldEstimateTheRemainingTimeSensibly() {
    Recording p = new Recording("e", t -> {
      block(4);
      return "";
    });
    List<ProgressSnapshot> samples = new CopyOnWriteArrayList<>();
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2)
        .throughputWindow(Duration.ofMillis(500)).build()) {
      BatchRun run = engine.start(tasks("e", 600));
      awaitCondition(() -> run.progress().fraction() >= 0.5);
      ProgressSnapshot mid = run.progress();
      long midNanos = System.nanoTime();
      BatchResult r = run.await();
      double actualRemaining = (System.nanoTime() - midNanos) / 1e9;
      assertThat(mid.eta()).isPresent();
      double eta = mid.eta().get().toMillis() / 1000.0;
      assertThat(eta).isBetween(actualRemaining / 4, actualRemaining * 4 + 0.2);
      assertThat(mid.throughputPerSecond()).isPositive();
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(600);
      samples.add(run.progress());
      assertThat(samples.get(0).eta()).contains(Duration.ZERO);
    }
  }

  @Test
  void shouldReportNamedStages() {
    Processor p = new Processor() {
      @Override
      public String taskType() {
        return "st";
      }

      @Override
      public String process(Task task, TaskContext ctx) {
        ctx.advanceStage("fetch", 1, 50);
        ctx.advanceStage("store", 2, 100);
        return "";
      }
    };
    try (BatchEngine engine = BatchEngine.builder().processor(p).build()) {
      BatchRun run = engine.start(tasks("st", 50));
      run.await();
      assertThat(run.progress().stages()).extracting(s -> s.name() + "=" + s.done() + "/" + s.total())
          .containsExactly("fetch=50/50", "store=100/100");
    }
  }

  @Test
  void shouldKeepDeliveringToGoodSubscribersWhenOthersAreSlowOrThrow() {
    CountDownLatch never = new CountDownLatch(1);
    List<BatchEvent> good = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger thrown = new AtomicInteger();
    Recording p = new Recording("ev", t -> "");
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2)
        .progressInterval(Duration.ofMillis(20))
        .listener(e -> {
          try {
            never.await();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        })
        .listener(e -> {
          thrown.incrementAndGet();
          throw new IllegalStateException("listener bug");
        })
        .listener(good::add)
        .build()) {
      BatchResult r = engine.run(tasks("ev", 2_000));
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(2_000);
      assertThat(good).filteredOn(e -> e instanceof BatchEvent.Result).hasSize(2_000);
      assertThat(good.get(good.size() - 1)).isInstanceOf(BatchEvent.Completed.class);
      assertThat(good).filteredOn(e -> e instanceof BatchEvent.Status).isNotEmpty();
      assertThat(thrown.get()).isGreaterThan(2_000);
    } finally {
      never.countDown();
    }
  }

  @Test
  void shouldSendProgressAndHeartbeatEventsAtTheConfiguredRate() {
    List<BatchEvent> events = new CopyOnWriteArrayList<>();
    Recording p = new Recording("hb", t -> {
      block(2);
      return "";
    });
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(2)
        .progressInterval(Duration.ofMillis(50)).heartbeatInterval(Duration.ofMillis(100))
        .perTaskEvents(false).listener(events::add).build()) {
      BatchResult r = engine.run(tasks("hb", 300));
      long progress = events.stream().filter(e -> e instanceof BatchEvent.Progress).count();
      long beats = events.stream().filter(e -> e instanceof BatchEvent.Heartbeat).count();
      long millis = r.duration().toMillis();
      assertThat(progress).isBetween(Math.max(1, millis / 50 / 3), millis / 50 + 3);
      assertThat(beats).isBetween(Math.max(1, millis / 100 / 3), millis / 100 + 2);
      assertThat(events).noneMatch(e -> e instanceof BatchEvent.Result);
    }
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.onSpinWait();
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
  }
}
