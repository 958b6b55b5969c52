package io.prism.batch.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A persistent priority queue of tasks with lease-based claims. SPI.
 *
 * <p>Claims return the highest priority first and, within a priority, the oldest enqueued;
 * a task that failed and is retried goes behind fresh work of its priority. A claim is a
 * {@link Lease} with a fencing token; a holder must {@link #heartbeat} before the lease expires
 * or the task may be reclaimed by {@link #releaseExpired} and claimed by another worker, after
 * which the first holder's {@link #complete} and {@link #fail} return false.
 *
 * <p>Implementations are thread-safe.
 */
public interface TaskQueue extends AutoCloseable {

  /**
   * Adds tasks; a task whose dedupe key is already in the queue (in any state) is skipped.
   * Returns after the tasks are durable.
   *
   * @param tasks the tasks to add
   * @return which were accepted and which were duplicates
   */
  EnqueueResult enqueue(Collection<Task> tasks);

  /**
   * Claims up to {@code max} tasks whose not-before time has passed.
   *
   * @param workerId who claims
   * @param max the most tasks to claim
   * @param leaseTime how long the lease lasts without a heartbeat
   * @return the leases, best first; empty when nothing is claimable
   */
  List<Lease> claim(String workerId, int max, Duration leaseTime);

  /**
   * Extends a lease.
   *
   * @param lease the lease
   * @param leaseTime the new lease time from now
   * @return the extended lease, or empty if the lease was lost
   */
  Optional<Lease> heartbeat(Lease lease, Duration leaseTime);

  /**
   * Marks a claimed task succeeded.
   *
   * @param lease the lease under which it ran
   * @param output the processor's output ({@code ""} when none)
   * @return false if the lease was lost and nothing was recorded
   */
  boolean complete(Lease lease, String output);

  /**
   * Marks several claimed tasks succeeded, each as {@link #complete} would, in as few steps as
   * the queue can (one database round trip for a remote queue). Returns after every completion
   * it reports as recorded is durable. The default calls {@link #complete} for each lease.
   *
   * <p>A consumer that finishes tasks faster than one commit each may hold the completions of
   * a claim batch and hand them over together, when {@link #batchesCompletions()} says this is
   * cheaper; it reports each task as succeeded only after this method returns.
   *
   * @param leases the leases under which the tasks ran
   * @param outputs the processors' outputs, one per lease in the same order ({@code ""} when
   *     none)
   * @return for each lease, in order, false if its lease was lost and nothing was recorded
   * @throws InvalidInputException if the lists differ in size
   */
  default List<Boolean> completeAll(List<Lease> leases, List<String> outputs) {
    if (leases.size() != outputs.size()) {
      throw new InvalidInputException(
          "outputs", outputs.size(), "must hold one output per lease (" + leases.size() + ")");
    }
    List<Boolean> recorded = new ArrayList<>(leases.size());
    for (int i = 0; i < leases.size(); i++) {
      recorded.add(complete(leases.get(i), outputs.get(i)));
    }
    return recorded;
  }

  /**
   * Tells whether {@link #completeAll} of many leases costs about as much as one {@link
   * #complete}, so that a consumer gains by holding completions and handing them over
   * together. False by default: in-process queues complete cheaply one by one.
   *
   * @return true if completions are worth batching
   */
  default boolean batchesCompletions() {
    return false;
  }

  /**
   * Records a failure of a claimed task.
   *
   * @param lease the lease under which it ran
   * @param error the failure message
   * @param retryAt when to try again; empty to fail the task for good
   * @return false if the lease was lost and nothing was recorded
   */
  boolean fail(Lease lease, String error, Optional<Instant> retryAt);

  /**
   * Returns a running task to pending without counting the attempt, e.g. when a worker stops.
   *
   * @param lease the lease to give up
   * @return false if the lease was already lost
   */
  boolean release(Lease lease);

  /**
   * Cancels every task that is not terminal and not running. Running tasks are left to their
   * workers, which end them with {@link #cancelRunning}.
   *
   * @return the number of tasks cancelled
   */
  int cancelPending();

  /**
   * Marks a running task cancelled.
   *
   * @param lease its lease
   * @return false if the lease was already lost
   */
  boolean cancelRunning(Lease lease);

  /**
   * Returns running tasks whose lease expired before {@code now} to pending, so another worker
   * can claim them. Their next claim carries a newer fencing token.
   *
   * @param now the current time
   * @return how many were released
   */
  int releaseExpired(Instant now);

  /**
   * Looks a task up.
   *
   * @param taskId the id
   * @return its record, or empty
   */
  Optional<TaskRecord> get(String taskId);

  /**
   * Counts the tasks by state.
   *
   * @return the counts
   */
  QueueStats stats();

  /**
   * Tells whether any task is pending, retrying or running: whether a consumer waiting for the
   * queue to drain must wait on. Consumers ask this every time a claim comes back empty, so a
   * remote queue answers it with one cheap check instead of counting every state. The default
   * asks {@link #stats()}.
   *
   * @return true if some task is not finished
   */
  default boolean hasOpenTasks() {
    return stats().open() > 0;
  }

  /**
   * Stops claims of one task type: {@link #claim} hands out no task of this type until {@link
   * #resumeType}. Tasks of the type can still be enqueued, and those running finish under their
   * leases. A durable queue keeps the pause across restarts; a queue shared by several JVMs
   * pauses the type for every one of them. Idempotent.
   *
   * <p>The default throws {@link UnsupportedOperationException}: a queue that cannot pause types
   * says so rather than ignore the request.
   *
   * @param taskType a task type, as in {@link Task#type()}; it need not have tasks yet
   * @return true if this call paused it, false if it was paused already
   * @throws InvalidInputException naming {@code taskType} if it is not a valid task type
   * @throws UnsupportedOperationException if this queue cannot pause task types
   */
  default boolean pauseType(String taskType) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot pause task types");
  }

  /**
   * Lets a paused task type be claimed again; its tasks keep their places (priority, then
   * enqueue order). Idempotent.
   *
   * @param taskType a task type, as in {@link Task#type()}
   * @return true if this call resumed it, false if it was not paused
   * @throws InvalidInputException naming {@code taskType} if it is not a valid task type
   * @throws UnsupportedOperationException if this queue cannot pause task types
   */
  default boolean resumeType(String taskType) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot pause task types");
  }

  /**
   * Returns the task types paused now.
   *
   * @return the paused types, sorted; empty by default
   */
  default Set<String> pausedTypes() {
    return Set.of();
  }

  /** Releases the queue's resources. Tasks are kept where the queue is durable. */
  @Override
  void close();
}
