package io.prism.batch.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds {@link BatchPlugin}s on the class path by SPI type and name.
 *
 * <pre>{@code
 * TaskQueue queue = Plugins.create(TaskQueue.class, "memory", Map.of());
 * }</pre>
 *
 * <p>Thread-safe; each call scans the class path again.
 */
public final class Plugins {
  private Plugins() {}

  /**
   * Lists the providers of an SPI type.
   *
   * @param type the SPI type
   * @param <T> the type
   * @return the providers found, in class-path order
   */
  public static <T> List<BatchPlugin<T>> providers(Class<T> type) {
    List<BatchPlugin<T>> found = new ArrayList<>();
    for (BatchPlugin<?> p : ServiceLoader.load(BatchPlugin.class, classLoader())) {
      if (p.type() == type) {
        @SuppressWarnings("unchecked")
        BatchPlugin<T> typed = (BatchPlugin<T>) p;
        found.add(typed);
      }
    }
    return found;
  }

  /**
   * Creates an instance of an SPI type from the provider with the given name.
   *
   * @param type the SPI type
   * @param name the provider name
   * @param settings the provider's settings
   * @param <T> the type
   * @return the instance
   * @throws InvalidInputException if no provider has that name; the message lists those found
   */
  public static <T> T create(Class<T> type, String name, Map<String, String> settings) {
    List<BatchPlugin<T>> all = providers(type);
    for (BatchPlugin<T> p : all) {
      if (p.name().equals(name)) {
        return p.create(settings);
      }
    }
    TreeSet<String> names = new TreeSet<>();
    all.forEach(p -> names.add(p.name()));
    throw new InvalidInputException(
        type.getSimpleName() + " provider",
        name,
        "no such provider on the class path; found " + names);
  }

  private static ClassLoader classLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : Plugins.class.getClassLoader();
  }
}
