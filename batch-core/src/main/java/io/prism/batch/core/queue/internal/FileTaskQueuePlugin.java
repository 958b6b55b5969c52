package io.prism.batch.core.queue.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.core.queue.JournaledTaskQueue;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code "file"} task queue provider: a {@link JournaledTaskQueue} in a directory.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code dir}</td><td>the directory (required)</td><td>—</td></tr>
 *   <tr><td>{@code snapshotEvery}</td><td>transitions between snapshots</td><td>1000</td></tr>
 *   <tr><td>{@code snapshotInterval}</td><td>ISO-8601 duration, e.g. {@code PT5M}</td>
 *       <td>{@code PT5M}</td></tr>
 *   <tr><td>{@code commitInterval}</td><td>ISO-8601 duration between journal forces</td>
 *       <td>{@code PT0.002S}</td></tr>
 *   <tr><td>{@code bufferSize}</td><td>journal buffer bytes</td><td>1048576</td></tr>
 * </table>
 *
 * <pre>{@code
 * TaskQueue queue = Plugins.create(TaskQueue.class, "file", Map.of("dir", "/var/lib/prism/queue"));
 * }</pre>
 *
 * <p>Thread-safe and stateless.
 */
public final class FileTaskQueuePlugin implements BatchPlugin<TaskQueue> {

  /** The provider name. */
  public static final String NAME = "file";

  private static final Set<String> KEYS =
      Set.of("dir", "snapshotEvery", "snapshotInterval", "commitInterval", "bufferSize");

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public FileTaskQueuePlugin() {}

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
      if (!KEYS.contains(key)) {
        throw new InvalidInputException(
            "queue setting", key, "unknown setting; known: " + new TreeSet<>(KEYS));
      }
    }
    String dir = settings.get("dir");
    if (dir == null || dir.isBlank()) {
      throw new InvalidInputException("dir", dir, "is required: the directory of the file queue");
    }
    JournaledTaskQueue.Builder b;
    try {
      b = JournaledTaskQueue.builder(Path.of(dir));
    } catch (InvalidPathException e) {
      throw new InvalidInputException("dir", dir, "is not a valid path: " + e.getReason());
    }
    String every = settings.get("snapshotEvery");
    if (every != null) {
      b.snapshotEvery(parseLong("snapshotEvery", every));
    }
    String interval = settings.get("snapshotInterval");
    if (interval != null) {
      b.snapshotInterval(parseDuration("snapshotInterval", interval));
    }
    String commit = settings.get("commitInterval");
    if (commit != null) {
      b.commitInterval(parseDuration("commitInterval", commit));
    }
    String buffer = settings.get("bufferSize");
    if (buffer != null) {
      long bytes = parseLong("bufferSize", buffer);
      if (bytes > Integer.MAX_VALUE) {
        throw new InvalidInputException("bufferSize", buffer, "must be 4096 to 268435456 bytes");
      }
      b.bufferSize((int) bytes);
    }
    return b.build();
  }

  private static long parseLong(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(key, value, "must be a whole number");
    }
  }

  private static Duration parseDuration(String key, String value) {
    try {
      return Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(key, value, "must be an ISO-8601 duration such as PT5M");
    }
  }
}
