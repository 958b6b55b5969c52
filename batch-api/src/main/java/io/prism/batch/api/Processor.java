package io.prism.batch.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the tasks of one type. SPI.
 *
 * <p>The single-item form {@link #process} is required. A processor whose work is cheaper in
 * groups (an embedding call of up to 2,048 texts, a bulk upsert) overrides {@link #batchSize()}
 * and {@link #processBatch}; when a group call throws, the engine retries the group's items one
 * by one through {@link #process}, so one bad item fails alone.
 *
 * <p>Implementations must be thread-safe: the engine calls them from several workers.
 *
 * <pre>{@code
 * class Echo implements Processor {
 *   public String taskType() { return "echo"; }
 *   public String process(Task task, TaskContext ctx) { return task.payload(); }
 * }
 * }</pre>
 */
public interface Processor {

  /**
   * Returns the task type this processor runs.
   *
   * @return the type, as in {@link Task#type()}
   */
  String taskType();

  /**
   * Runs one task.
   *
   * @param task the task
   * @param context the engine's services for this run
   * @return the output, a JSON document or {@code ""}; never null
   * @throws Exception any failure; its {@link ErrorClass} decides whether it is retried
   */
  String process(Task task, TaskContext context) throws Exception;

  /**
   * Returns how many tasks the engine passes to {@link #processBatch} at once; 1 means the
   * batch form is not used.
   *
   * @return the group size, at least 1
   */
  default int batchSize() {
    return 1;
  }

  /**
   * Runs a group of tasks in one call.
   *
   * @param tasks the group, at most {@link #batchSize()} tasks
   * @param context the engine's services for this run
   * @return one output per task, in the same order
   * @throws Exception any failure; the engine then runs the items one by one
   */
  default List<String> processBatch(List<Task> tasks, TaskContext context) throws Exception {
    List<String> out = new ArrayList<>(tasks.size());
    for (Task t : tasks) {
      out.add(process(t, context));
    }
    return out;
  }

  /**
   * Tells whether the task's output already exists, so the engine can skip it. Called before
   * each run, also for tasks resumed after a crash: a processor whose side effects can be
   * checked this way gets them exactly once.
   *
   * @param task the task
   * @return true to skip the task and mark it succeeded
   * @throws Exception if the check fails; the task then runs
   */
  default boolean isDone(Task task) throws Exception {
    return false;
  }

  /**
   * Names the rate-limited resources each run of this processor uses; the engine takes one
   * permit of each around every call.
   *
   * @return resource names; empty by default
   */
  default Set<String> resources() {
    return Set.of();
  }

  /**
   * Classifies this processor's failures; the engine's default classifier applies to the
   * classes it leaves at {@link ErrorClass#TRANSIENT}.
   *
   * @param error what {@link #process} threw
   * @return the class
   */
  default ErrorClass classify(Throwable error) {
    return ErrorClass.TRANSIENT;
  }
}
