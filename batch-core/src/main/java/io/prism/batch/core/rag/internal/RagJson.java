package io.prism.batch.core.rag.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.prism.batch.api.InvalidInputException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * JSON for the RAG package: a reader that keeps numbers exactly as written, a canonical writer
 * (sorted keys, plain numbers without trailing zeros, no whitespace) and SHA-256. Thread-safe.
 */
public final class RagJson {

  /** Reads JSON keeping decimal numbers as {@link BigDecimal}, trailing zeros included. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private RagJson() {}

  /**
   * Parses a JSON document.
   *
   * @param field the field name to report
   * @param json the text
   * @return the tree
   * @throws InvalidInputException naming the field if the text is not one JSON value
   */
  public static JsonNode parse(String field, String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidInputException(field, json, "must be a JSON document");
    }
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || n.isMissingNode()) {
        throw new InvalidInputException(field, json, "must be a JSON document");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(field, json, "must be a JSON document ("
          + e.getOriginalMessage() + ")");
    }
  }

  /**
   * Writes the canonical form of a tree without the members named in {@code drop}, at any depth.
   *
   * @param node the tree
   * @param drop member names to leave out
   * @return compact canonical JSON
   */
  public static String canonical(JsonNode node, Set<String> drop) {
    try {
      return CANONICAL.writeValueAsString(plain(node, drop));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write canonical JSON", e);
    }
  }

  /**
   * Writes a value as compact JSON.
   *
   * @param value a tree, map, list or scalar
   * @return the text
   */
  public static String write(Object value) {
    try {
      return CANONICAL.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Returns the SHA-256 of a text's UTF-8 bytes.
   *
   * @param text the text
   * @return 64 lower-case hex digits
   */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  private static Object plain(JsonNode node, Set<String> drop) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!drop.contains(e.getKey())) {
          map.put(e.getKey(), plain(e.getValue(), drop));
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode n : node) {
        list.add(plain(n, drop));
      }
      return list;
    }
    if (node.isNumber()) {
      BigDecimal d = node.isIntegralNumber()
          ? new BigDecimal(node.bigIntegerValue())
          : node.decimalValue();
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }
}
