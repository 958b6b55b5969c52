package io.prism.batch.core.rag.internal;

import io.prism.batch.api.InvalidInputException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Metadata filters as the {@link io.prism.batch.api.rag.VectorStore} SPI describes them: each
 * key maps to one allowed value, to a {@link Collection} of allowed values, or to a map {@code
 * {"$in": [...]}} / {@code {"$eq": v}} (Chroma's spelling); all keys must match. Numbers match
 * numerically ({@code 3} equals {@code 3L} and {@code 3.0}). Thread-safe; stateless.
 */
public final class Filters {
  private Filters() {}

  /**
   * A compiled filter.
   *
   * @param clauses key and allowed values
   */
  public record Compiled(List<Map.Entry<String, List<Object>>> clauses) {
    /**
     * Tests metadata.
     *
     * @param metadata the entry's metadata
     * @return true if every clause matches
     */
    public boolean test(Map<String, Object> metadata) {
      for (Map.Entry<String, List<Object>> c : clauses) {
        Object v = metadata.get(c.getKey());
        if (v == null) {
          return false;
        }
        boolean any = false;
        for (Object allowed : c.getValue()) {
          if (same(v, allowed)) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Checks and compiles a filter.
   *
   * @param filter the filter
   * @return the compiled filter
   * @throws InvalidInputException naming {@code filter} for an unsupported form
   */
  public static Compiled compile(Map<String, Object> filter) {
    Objects.requireNonNull(filter, "filter");
    List<Map.Entry<String, List<Object>>> clauses = new ArrayList<>();
    for (Map.Entry<String, Object> e : filter.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty()) {
        throw new InvalidInputException("filter", filter, "keys must not be empty");
      }
      clauses.add(Map.entry(e.getKey(), allowed(e.getKey(), e.getValue())));
    }
    return new Compiled(List.copyOf(clauses));
  }

  private static List<Object> allowed(String key, Object v) {
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      for (Object o : c) {
        out.add(scalar(key, o));
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      if (m.size() == 1 && m.containsKey("$in")) {
        return allowed(key, m.get("$in") instanceof Collection<?> ? m.get("$in")
            : List.of(scalar(key, m.get("$in"))));
      }
      if (m.size() == 1 && m.containsKey("$eq")) {
        return List.of(scalar(key, m.get("$eq")));
      }
      throw new InvalidInputException("filter." + key, v,
          "must be a value, a collection of values, {\"$in\": [...]} or {\"$eq\": value}");
    }
    return List.of(scalar(key, v));
  }

  private static Object scalar(String key, Object o) {
    if (o instanceof String || o instanceof Number || o instanceof Boolean) {
      return o;
    }
    throw new InvalidInputException("filter." + key, o,
        "values must be strings, numbers or booleans");
  }

  /**
   * Tells whether two metadata values are equal, numbers compared numerically.
   *
   * @param a a value
   * @param b a value
   * @return true if equal
   */
  public static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return decimal(x).compareTo(decimal(y)) == 0;
    }
    return a.equals(b);
  }

  /**
   * Checks metadata values.
   *
   * @param metadata the metadata
   * @throws InvalidInputException naming {@code metadata} for a value that is not a string,
   *     number or boolean
   */
  public static void checkMetadata(Map<String, Object> metadata) {
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new InvalidInputException("metadata." + e.getKey(), v,
            "must be a string, number or boolean");
      }
      if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f
          && !Float.isFinite(f)) {
        throw new InvalidInputException("metadata." + e.getKey(), v, "must be finite");
      }
    }
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      return new BigDecimal(n.toString());
    }
    if (n instanceof java.math.BigInteger i) {
      return new BigDecimal(i);
    }
    return BigDecimal.valueOf(n.longValue());
  }
}
