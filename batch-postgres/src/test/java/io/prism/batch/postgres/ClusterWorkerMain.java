package io.prism.batch.postgres;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.Lease;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.core.engine.BatchEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker JVM of {@link ClusterWorkersIT}: a {@link BatchEngine} on a {@link
 * PostgresTaskQueue} (database time) shared with other JVMs, running tasks of type {@code
 * effect} until the queue has no open task left. Each task's side effect is a row in {@code
 * effects} (no unique constraint, so a task run twice shows up twice).
 *
 * <p>Arguments: url user schema queue node mode leaseMillis workMicros parallelism. Mode {@code plain} inserts the effect on its own (at-least-once); {@code fenced} inserts
 * it with {@link PostgresTaskQueue#inLeaseTransaction}, and records a refused attempt in {@code
 * rejections}.
 */
public final class ClusterWorkerMain {
  private ClusterWorkerMain() {}

  /**
   * Runs the worker.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    String url = args[0];
    String user = args[1];
    String schema = args[2];
    String queueName = args[3];
    String node = args[4];
    boolean fenced = args[5].equals("fenced");
    Duration lease = Duration.ofMillis(Long.parseLong(args[6]));
    long workNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[7]));
    int parallelism = Integer.parseInt(args[8]);
    String effects = "\"" + schema + "\".effects";
    String rejections = "\"" + schema + "\".rejections";
    try (PostgresDataSource db = PostgresDataSource.builder().url(url).user(user)
            .maximumPoolSize(parallelism + 2).build();
        PostgresTaskQueue queue = PostgresTaskQueue.builder(db.jdbi()).schema(schema)
            .migrate(false).queue(queueName).leaseTransactionIdleTimeout(lease).build()) {
      Processor effect = new Processor() {
        @Override
        public String taskType() {
          return "effect";
        }

        @Override
        public String process(Task task, TaskContext context) {
          LockSupport.parkNanos(workNanos); // simulated work before the side effect
          String insert = "INSERT INTO " + effects + " (task_id, node) VALUES (:id, :node)";
          if (!fenced) {
            db.jdbi().useHandle(h -> h.createUpdate(insert).bind("id", task.id())
                .bind("node", node).execute());
            return "";
          }
          Lease l = context.lease(task).orElseThrow();
          try {
            return queue.inLeaseTransaction(l, h -> {
              h.createUpdate(insert).bind("id", task.id()).bind("node", node).execute();
              return "{\"node\":\"" + node + "\"}";
            });
          } catch (LeaseLostException e) {
            db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO " + rejections
                + " (task_id, node, token) VALUES (:id, :node, :token)")
                .bind("id", task.id()).bind("node", node).bind("token", l.token()).execute());
            throw e;
          }
        }
      };
      try (BatchEngine engine = BatchEngine.builder().batchId(node).queue(queue).processor(effect)
          .parallelism(parallelism).leaseTime(lease).perTaskEvents(false).build()) {
        BatchResult r = engine.run(List.of());
        System.out.println("node " + node + " ended " + r.status() + " " + r.counts());
      }
    }
  }
}
