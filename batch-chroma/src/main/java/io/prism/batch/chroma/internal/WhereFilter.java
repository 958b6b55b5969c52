package io.prism.batch.chroma.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@code VectorStore} metadata filter as a Chroma {@code where} clause. A key with one value
 * becomes {@code {"key": value}}; a key with a collection becomes {@code {"key": {"$in": [...]}}};
 * several keys are joined with {@code {"$and": [...]}} in key order. An empty filter has no clause;
 * a key with an empty collection matches nothing. Immutable.
 */
public final class WhereFilter {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final WhereFilter ALL = new WhereFilter(null, false);
  private static final WhereFilter NONE = new WhereFilter(null, true);

  private final ObjectNode where;
  private final boolean matchesNothing;

  private WhereFilter(ObjectNode where, boolean matchesNothing) {
    this.where = where;
    this.matchesNothing = matchesNothing;
  }

  /**
   * Maps a filter.
   *
   * @param filter metadata key to a value or a collection of allowed values
   * @return the clause
   * @throws InvalidInputException if the filter is null, a key is blank or starts with {@code $},
   *     or a value is not a string, number or boolean
   */
  public static WhereFilter of(Map<String, Object> filter) {
    if (filter == null) {
      throw new InvalidInputException(
          "filter", null, "must not be null; use an empty map for none");
    }
    if (filter.isEmpty()) {
      return ALL;
    }
    List<ObjectNode> clauses = new ArrayList<>();
    boolean nothing = false;
    for (Map.Entry<String, Object> e : new TreeMap<>(checkKeys(filter)).entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      ObjectNode clause = JSON.objectNode();
      if (value instanceof Collection<?> values) {
        ArrayNode in = JSON.arrayNode();
        for (Object v : values) {
          in.add(MetadataValues.toJson("filter." + key, v));
        }
        nothing |= values.isEmpty();
        clause.set(key, JSON.objectNode().set("$in", in));
      } else {
        clause.set(key, MetadataValues.toJson("filter." + key, value));
      }
      clauses.add(clause);
    }
    if (nothing) {
      return NONE;
    }
    if (clauses.size() == 1) {
      return new WhereFilter(clauses.get(0), false);
    }
    ObjectNode and = JSON.objectNode();
    and.putArray("$and").addAll(clauses);
    return new WhereFilter(and, false);
  }

  private static Map<String, Object> checkKeys(Map<String, Object> filter) {
    for (String key : filter.keySet()) {
      if (key == null || key.isBlank()) {
        throw new InvalidInputException("filter key", key, "must not be blank");
      }
      if (key.startsWith("$")) {
        throw new InvalidInputException("filter key", key, "must not start with $");
      }
    }
    return filter;
  }

  /**
   * Tells whether no record can match, because a key allows an empty set of values. Such a filter
   * is not sent: Chroma rejects an empty {@code $in}.
   *
   * @return true if nothing matches
   */
  public boolean matchesNothing() {
    return matchesNothing;
  }

  /**
   * Returns the {@code where} clause to send.
   *
   * @return the clause (a copy); empty when the filter matches everything or nothing
   */
  public Optional<JsonNode> where() {
    return where == null ? Optional.empty() : Optional.of(where.deepCopy());
  }

  @Override
  public String toString() {
    return matchesNothing ? "<nothing>" : where == null ? "<all>" : where.toString();
  }
}
