package io.prism.batch.core.engine;

import io.prism.batch.api.Processor;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/** Small processors and task factories for engine tests. */
final class TestProcessors {
  private TestProcessors() {}

  static List<Task> tasks(String type, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> Task.builder(type).id(type + "-" + i).payload("{\"i\":" + i + "}").build())
        .toList();
  }

  /** Records the ids it runs, in order, and delegates the work to a function. */
  static final class Recording implements Processor {
    final String type;
    final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final Function<Task, String> work;

    Recording(String type, Function<Task, String> work) {
      this.type = type;
      this.work = work;
    }

    @Override
    public String taskType() {
      return type;
    }

    @Override
    public String process(Task task, TaskContext context) throws Exception {
      order.add(task.id());
      return work.apply(task);
    }
  }

  /** Blocks interruptibly for the given time, like a slow remote call. */
  static void block(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(new InterruptedException("interrupted"));
    }
  }
}
