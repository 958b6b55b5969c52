package io.prism.batch.core.queue.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.core.queue.MemoryTaskQueue;
import java.util.Map;

/**
 * The {@code "memory"} task queue provider: a {@link MemoryTaskQueue} on the system UTC clock. It
 * takes no settings.
 *
 * <pre>{@code
 * TaskQueue queue = Plugins.create(TaskQueue.class, "memory", Map.of());
 * }</pre>
 *
 * <p>Thread-safe and stateless.
 */
public final class MemoryTaskQueuePlugin implements BatchPlugin<TaskQueue> {

  /** The provider name. */
  public static final String NAME = "memory";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public MemoryTaskQueuePlugin() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<TaskQueue> type() {
    return TaskQueue.class;
  }

  @Override
  public TaskQueue create(Map<String, String> settings) {
    for (String key : settings.keySet()) {
      throw new InvalidInputException(
          "queue setting", key, "unknown setting; the memory queue takes none");
    }
    return new MemoryTaskQueue();
  }
}
