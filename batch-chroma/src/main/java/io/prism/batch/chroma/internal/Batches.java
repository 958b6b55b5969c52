package io.prism.batch.chroma.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Splits work into requests no larger than the server accepts. Stateless. */
public final class Batches {
  private Batches() {}

  /**
   * Splits a list into consecutive parts of at most {@code size} items, in order.
   *
   * @param items the items
   * @param size the largest part, one or more
   * @param <T> the item type
   * @return the parts, none of them empty; no part for an empty list
   * @throws IllegalArgumentException if {@code size} is below one
   */
  public static <T> List<List<T>> split(List<T> items, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + size);
    }
    List<List<T>> parts = new ArrayList<>((items.size() + size - 1) / size);
    for (int from = 0; from < items.size(); from += size) {
      parts.add(List.copyOf(items.subList(from, Math.min(items.size(), from + size))));
    }
    return parts;
  }

  /**
   * Keeps the last item for each key, in the order each key was first seen.
   *
   * @param items the items
   * @param key the key of an item
   * @param <T> the item type
   * @return the items without earlier duplicates of a key
   */
  public static <T> List<T> lastByKey(List<T> items, Function<T, String> key) {
    Map<String, T> byKey = new LinkedHashMap<>();
    for (T item : items) {
      byKey.put(key.apply(item), item);
    }
    return List.copyOf(byKey.values());
  }

  /**
   * Drops repeated strings, keeping the first of each, in order.
   *
   * @param values the values
   * @return the distinct values
   */
  public static List<String> distinct(Collection<String> values) {
    return List.copyOf(new LinkedHashSet<>(values));
  }
}
