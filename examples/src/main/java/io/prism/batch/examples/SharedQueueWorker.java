package io.prism.batch.examples;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskState;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.BatchEngine;
import io.prism.batch.core.engine.BatchRun;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.jobs.WarmProcessor;
import io.prism.batch.postgres.PostgresTaskQueue;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's worker on the cluster's shared PostgreSQL task queue: whenever the queue has work, it
 * runs a {@link BatchEngine} on it with a {@link WarmProcessor} over the node's read path until
 * no task of the queue is open on any node, then waits (on the queue's LISTEN/NOTIFY signal) for
 * more. Every node running one takes its share of the warm tasks any node enqueues ({@link
 * #enqueueWarm}); a node that dies mid-task leaves leases that the others reclaim within the
 * lease time, and its late completions are refused by their fencing tokens.
 *
 * <p>Claims are small ({@code 2 × parallelism}): warm tasks wait on the market-data source for
 * up to seconds, so a node that claimed hundreds at once would starve the others.
 */
final class SharedQueueWorker implements AutoCloseable {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final long WAIT_SECONDS = 1;

  private final PostgresTaskQueue queue;
  private final TieredDataPath path;
  private final RateLimiters limits;
  private final int parallelism;
  private final String node;
  private final PrintStream out;
  private final AtomicLong doneHere = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile BatchRun current;

  SharedQueueWorker(PostgresTaskQueue queue, TieredDataPath path, RateLimiters limits,
      int parallelism, String node, PrintStream out) {
    this.queue = queue;
    this.path = path;
    this.limits = limits;
    this.parallelism = parallelism;
    this.node = node;
    this.out = out;
    this.thread = new Thread(this::loop, "prism-shared-queue-" + node);
    thread.setDaemon(true);
  }

  /** Starts the worker thread. */
  void start() {
    thread.start();
  }

  /** How many tasks this node completed from the shared queue so far. */
  long doneHere() {
    return doneHere.get();
  }

  /**
   * Enqueues one warm task per key on the shared queue, for every node's worker to take. The
   * tasks of one round are told apart from earlier rounds' (kept in the queue's history) by the
   * round's name, so the same key can be warmed again in a later round.
   *
   * @param keys the keys
   * @param priority 1 (lowest) to 5
   * @param round a name for this round, e.g. the time it was asked for
   * @return how many tasks were new (not already enqueued in this round)
   */
  int enqueueWarm(Collection<DataKey> keys, int priority, String round) {
    List<Task> tasks = new ArrayList<>(keys.size());
    for (DataKey key : keys) {
      Task t = WarmProcessor.task(key, priority);
      tasks.add(Task.builder(t.type()).id(t.id() + "@" + round)
          .dedupeKey(t.dedupeKey() + "@" + round).priority(priority).payload(t.payload())
          .build());
    }
    return queue.enqueue(tasks).accepted().size();
  }

  private void loop() {
    while (!stopping) {
      try {
        if (queue.awaitClaimable(WAIT_SECONDS, TimeUnit.SECONDS) && !stopping) {
          runRound();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        out.printf("node %s: shared queue %s: %s; trying again%n", node, queue.queueName(), e);
        sleepQuietly();
      }
    }
  }

  /** Runs an engine on the queue until no task of it is open on any node. */
  private void runRound() {
    WarmProcessor warm = WarmProcessor.builder(path).build();
    try (BatchEngine engine = BatchEngine.builder()
        .batchId("shared-" + queue.queueName() + "-" + node)
        .queue(queue)
        .processor(warm)
        .parallelism(parallelism)
        .maxClaim(2 * parallelism)
        .leaseTime(LEASE)
        .rateLimiters(limits)
        .build()) {
      BatchRun run = engine.start(List.of());
      current = run;
      out.printf("%s node %s: shared queue %s: round started%n",
          SeedScheduleJobs.TIME.format(Instant.now()), node, queue.queueName());
      if (stopping) {
        run.leave();
      }
      BatchResult result = run.await();
      WarmProcessor.Tally t = warm.tally();
      long done = t.fetched() + t.freshInL2() + t.notFound();
      doneHere.addAndGet(done);
      out.printf("%s node %s: shared queue %s round %s: %d warm tasks done here (fetched %d,"
              + " fresh in L2 %d, not found %d, changed %d), %d done in all so far%n",
          SeedScheduleJobs.TIME.format(Instant.now()), node, queue.queueName(),
          result.status(), done, t.fetched(), t.freshInL2(), t.notFound(), t.changed().size(),
          queue.stats().count(TaskState.SUCCEEDED));
    } finally {
      current = null;
    }
  }

  private static void sleepQuietly() {
    try {
      TimeUnit.SECONDS.sleep(WAIT_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops taking tasks without ending the work of the other nodes: a round that runs here
   * leaves the queue ({@link BatchRun#leave()}: its running tasks finish, those claimed and not
   * started go back), then the thread ends.
   */
  @Override
  public void close() {
    stopping = true;
    BatchRun run = current;
    if (run != null) {
      run.leave();
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
