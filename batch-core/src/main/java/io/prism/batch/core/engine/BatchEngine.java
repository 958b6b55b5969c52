package io.prism.batch.core.engine;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskQueue;
import java.util.Collection;

/**
 * Runs one batch of tasks on a worker pool over a {@link TaskQueue}.
 *
 * <pre>{@code
 * try (BatchEngine engine = BatchEngine.builder()
 *     .batchId("nightly-2026-11-22")
 *     .processor(new WarmProcessor(...))
 *     .parallelism(2)
 *     .journal(Path.of("state"))            // durable: crash-resume by batch id
 *     .rateLimit("akshare", RateLimit.builder().requestsPerMinute(60).maxConcurrent(2).build())
 *     .listener(event -> System.out.println(event))
 *     .build()) {
 *   BatchRun run = engine.start(tasks);
 *   BatchResult result = run.await();
 * }
 * }</pre>
 *
 * <p>With a journal, an engine built again with the same batch id after a crash resumes: tasks
 * that ended are not run again, tasks that were running run again, tasks given to {@link
 * #start} again are recognised by their dedupe key. Thread-safe.
 */
public interface BatchEngine extends AutoCloseable {

  /**
   * Starts building an engine.
   *
   * @return a builder
   */
  static BatchEngineBuilder builder() {
    return new BatchEngineBuilder();
  }

  /**
   * Returns the batch id.
   *
   * @return the id
   */
  String batchId();

  /**
   * Enqueues the tasks (idempotent by dedupe key) and starts the workers. Call once.
   *
   * @param tasks the tasks; may be empty to resume only what the journal holds
   * @return the running batch
   */
  BatchRun start(Collection<Task> tasks);

  /**
   * Starts the batch and waits for it to end.
   *
   * @param tasks the tasks
   * @return the result
   */
  default BatchResult run(Collection<Task> tasks) {
    return start(tasks).await();
  }

  /**
   * Plans the batch without running or enqueueing anything: counts, duplicates, tasks whose
   * output already exists, types without a processor.
   *
   * @param tasks the tasks
   * @return the plan
   */
  BatchPlan plan(Collection<Task> tasks);

  /**
   * Returns the engine's metrics.
   *
   * @return live metrics
   */
  EngineMetrics metrics();

  /**
   * Returns the queue the engine runs on.
   *
   * @return the queue
   */
  TaskQueue queue();

  /**
   * Ends a running batch and releases the engine's resources. On the engine's own queue (memory
   * or journal) the batch is cancelled and the queue closed; on a queue given to the builder,
   * which other engines may share, the run {@linkplain BatchRun#leave() leaves} it instead, so
   * that closing one node of a cluster cancels nothing of the others' work, and the queue stays
   * open for its owner to close.
   */
  @Override
  void close();
}
