package io.prism.batch.chroma.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Converts metadata between Java and Chroma JSON. Chroma keeps strings, 64-bit integers, doubles
 * and booleans; read back, an integer is an {@link Integer} when it fits, else a {@link Long}, and
 * a fraction is a {@link Double}. Stateless.
 */
public final class MetadataValues {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private MetadataValues() {}

  /**
   * Converts one metadata or filter value to JSON.
   *
   * @param field the name of the value, for the error message
   * @param value a string, number or boolean
   * @return its JSON form
   * @throws InvalidInputException if it is null, another type or a non-finite number
   */
  public static JsonNode toJson(String field, Object value) {
    if (value instanceof String s) {
      return JSON.textNode(s);
    }
    if (value instanceof Boolean b) {
      return JSON.booleanNode(b);
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof AtomicInteger
        || value instanceof AtomicLong) {
      return JSON.numberNode(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      if (big.bitLength() < 64) {
        return JSON.numberNode(big.longValue());
      }
      throw new InvalidInputException(field, value, "is outside the 64-bit range Chroma stores");
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw new InvalidInputException(field, value, "must be a finite number");
      }
      return JSON.numberNode(d);
    }
    throw new InvalidInputException(
        field,
        value,
        "must be a string, number or boolean"
            + (value == null ? "" : ", not " + value.getClass().getName()));
  }

  /**
   * Converts a metadata map to a Chroma metadata object.
   *
   * @param field the name of the map, for error messages
   * @param metadata the metadata
   * @return the JSON object
   * @throws InvalidInputException naming a blank key or a bad value
   */
  public static ObjectNode toJson(String field, Map<String, Object> metadata) {
    ObjectNode node = JSON.objectNode();
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isEmpty()) {
        throw new InvalidInputException(field + " key", key, "must not be empty");
      }
      node.set(key, toJson(field + "." + key, e.getValue()));
    }
    return node;
  }

  /**
   * Converts a Chroma metadata object to a map.
   *
   * @param node the object; null or JSON null for none
   * @return the metadata, unmodifiable; empty for none
   */
  public static Map<String, Object> fromJson(JsonNode node) {
    if (node == null || !node.isObject() || node.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isTextual()) {
        map.put(e.getKey(), v.textValue());
      } else if (v.isBoolean()) {
        map.put(e.getKey(), v.booleanValue());
      } else if (v.isIntegralNumber()) {
        map.put(e.getKey(), v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue());
      } else if (v.isNumber()) {
        map.put(e.getKey(), v.doubleValue());
      } else if (!v.isNull()) {
        map.put(e.getKey(), v.toString());
      }
    }
    return Collections.unmodifiableMap(map);
  }
}
