package io.prism.batch.core.engine;

import static io.prism.batch.core.engine.TestProcessors.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.EnqueueResult;
import io.prism.batch.api.Lease;
import io.prism.batch.api.Processor;
import io.prism.batch.api.QueueStats;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.api.TaskRecord;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.queue.MemoryTaskQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine on a queue that {@linkplain TaskQueue#batchesCompletions batches completions} (as
 * the PostgreSQL queue does): successes are handed over with {@code completeAll}, every task is
 * still counted once, and processors see their leases.
 */
class BatchedCompletionsTest {

  @Test
  void shouldHandSuccessesOverInBatchesAndCountEachOnce() {
    // Given a batching queue and 3,000 tasks
    BatchingQueue queue = new BatchingQueue();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    List<String> resultEvents = new CopyOnWriteArrayList<>();
    Processor p = processor("count", (t, ctx) -> {
      runs.computeIfAbsent(t.id(), k -> new AtomicInteger()).incrementAndGet();
      return "{\"id\":\"" + t.id() + "\"}";
    });

    // When the engine runs them on two workers
    BatchResult r;
    try (BatchEngine engine = BatchEngine.builder().queue(queue).processor(p).parallelism(2)
        .listener(e -> {
          if (e instanceof BatchEvent.Result res) {
            resultEvents.add(res.taskId());
          }
        }).build()) {
      r = engine.run(tasks("count", 3_000));
    }

    // Then each ran and succeeded once, through completeAll calls of more than one task
    assertThat(r.status()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(3_000);
    assertThat(runs).hasSize(3_000);
    assertThat(runs.values()).allMatch(c -> c.get() == 1);
    assertThat(resultEvents).hasSize(3_000).doesNotHaveDuplicates();
    assertThat(queue.singleCompletes.get()).isZero();
    assertThat(queue.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3_000);
    assertThat(queue.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0))
        .isGreaterThan(1);
    assertThat(queue.stats().count(TaskState.SUCCEEDED)).isEqualTo(3_000);
    assertThat(queue.get("count-7").orElseThrow().output()).contains("{\"id\":\"count-7\"}");
  }

  @Test
  void shouldGiveProcessorsTheLeaseOfEachTaskTheyRun() {
    // Given a single-item and a group processor that look up their tasks' leases
    BatchingQueue queue = new BatchingQueue();
    List<String> problems = new CopyOnWriteArrayList<>();
    Processor single = processor("one", (t, ctx) -> {
      Optional<Lease> l = ctx.lease(t);
      if (l.isEmpty() || !l.get().task().id().equals(t.id()) || l.get().token() <= 0) {
        problems.add("no lease for " + t.id());
      }
      if (ctx.lease(Task.builder("one").id("elsewhere").build()).isPresent()) {
        problems.add("a lease for a task not being run");
      }
      return "";
    });
    Processor group = new Processor() {
      @Override
      public String taskType() {
        return "group";
      }

      @Override
      public int batchSize() {
        return 8;
      }

      @Override
      public String process(Task task, TaskContext context) {
        return "";
      }

      @Override
      public List<String> processBatch(List<Task> batch, TaskContext context) {
        List<String> out = new ArrayList<>();
        for (Task t : batch) {
          if (context.lease(t).map(l -> l.task().id().equals(t.id())).orElse(false)) {
            out.add("");
          } else {
            problems.add("no lease for " + t.id() + " in a group");
            out.add("");
          }
        }
        return out;
      }
    };
    List<Task> all = new ArrayList<>(tasks("one", 50));
    all.addAll(tasks("group", 64));

    // When run
    BatchResult r;
    try (BatchEngine engine = BatchEngine.builder().queue(queue).processor(single)
        .processor(group).parallelism(2).build()) {
      r = engine.run(all);
    }

    // Then every task found its own lease, and only its own
    assertThat(problems).isEmpty();
    assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(114);
  }

  private interface Body {
    String run(Task t, TaskContext ctx) throws Exception;
  }

  private static Processor processor(String type, Body body) {
    return new Processor() {
      @Override
      public String taskType() {
        return type;
      }

      @Override
      public String process(Task task, TaskContext context) throws Exception {
        return body.run(task, context);
      }
    };
  }

  /** A memory queue that says completions are worth batching, and records how they come. */
  static final class BatchingQueue implements TaskQueue {
    final MemoryTaskQueue delegate = new MemoryTaskQueue();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final AtomicInteger singleCompletes = new AtomicInteger();

    @Override
    public boolean batchesCompletions() {
      return true;
    }

    @Override
    public List<Boolean> completeAll(List<Lease> leases, List<String> outputs) {
      batchSizes.add(leases.size());
      List<Boolean> done = new ArrayList<>();
      for (int i = 0; i < leases.size(); i++) {
        done.add(delegate.complete(leases.get(i), outputs.get(i)));
      }
      return done;
    }

    @Override
    public boolean complete(Lease lease, String output) {
      singleCompletes.incrementAndGet();
      return delegate.complete(lease, output);
    }

    @Override
    public EnqueueResult enqueue(Collection<Task> tasks) {
      return delegate.enqueue(tasks);
    }

    @Override
    public List<Lease> claim(String workerId, int max, Duration leaseTime) {
      return delegate.claim(workerId, max, leaseTime);
    }

    @Override
    public Optional<Lease> heartbeat(Lease lease, Duration leaseTime) {
      return delegate.heartbeat(lease, leaseTime);
    }

    @Override
    public boolean fail(Lease lease, String error, Optional<Instant> retryAt) {
      return delegate.fail(lease, error, retryAt);
    }

    @Override
    public boolean release(Lease lease) {
      return delegate.release(lease);
    }

    @Override
    public int cancelPending() {
      return delegate.cancelPending();
    }

    @Override
    public boolean cancelRunning(Lease lease) {
      return delegate.cancelRunning(lease);
    }

    @Override
    public int releaseExpired(Instant now) {
      return delegate.releaseExpired(now);
    }

    @Override
    public Optional<TaskRecord> get(String taskId) {
      return delegate.get(taskId);
    }

    @Override
    public QueueStats stats() {
      return delegate.stats();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
