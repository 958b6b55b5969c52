package io.prism.batch.core.engine;

import io.prism.batch.api.BatchResult;
import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link CrashResumeIT}: runs a durable batch whose processor appends each
 * task id to a side-effect file, and skips (via {@link Processor#isDone}) ids already there.
 *
 * <p>Arguments: journal dir, side-effect file, task count, work micros per task.
 */
public final class CrashResumeChild {
  private CrashResumeChild() {}

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[0]);
    Path effects = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    long workNanos = Long.parseLong(args[3]) * 1_000;
    SideEffects proc = new SideEffects(effects, workNanos);
    List<Task> tasks = TestProcessors.tasks("effect", count);
    try (BatchEngine engine = BatchEngine.builder()
        .batchId("crash-test")
        .journal(journal)
        .processor(proc)
        .parallelism(2)
        .build()) {
      BatchResult r = engine.run(tasks);
      System.out.println("RESULT resumed=" + r.resumed() + " succeeded=" + r.count(TaskState.SUCCEEDED)
          + " failed=" + r.count(TaskState.FAILED) + " skipped=" + r.skipped() + " status=" + r.status());
    }
    proc.close();
  }

  static final class SideEffects implements Processor, AutoCloseable {
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final FileChannel out;
    private final long workNanos;

    SideEffects(Path file, long workNanos) throws IOException {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isEmpty()) {
            done.add(line);
          }
        }
      }
      this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      this.workNanos = workNanos;
    }

    @Override
    public String taskType() {
      return "effect";
    }

    @Override
    public boolean isDone(Task task) {
      return done.contains(task.id());
    }

    @Override
    public String process(Task task, TaskContext context) throws IOException {
      LockSupport.parkNanos(workNanos); // simulated work before the side effect
      // one write call per line: a SIGKILL leaves the line either whole or absent
      ByteBuffer line = ByteBuffer.wrap((task.id() + "\n").getBytes(StandardCharsets.UTF_8));
      synchronized (this) {
        out.write(line);
      }
      done.add(task.id());
      return "";
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
