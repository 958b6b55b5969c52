package io.prism.batch.core.internal;

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
 * batch-core's one canonical JSON writer and SHA-256: the offline sources' record content hash
 * and the RAG {@code ContentHasher} both use it.
 *
 * <p>Canonical form: the members named in a drop set removed (at the top level or at every
 * level, see {@link Scope}); object members sorted by name ({@link String#compareTo}); every
 * number written as its plain decimal without trailing zeros ({@code 5000.0} and {@code 5000}
 * are both {@code 5000}); strings, booleans and nulls unchanged; no whitespace; UTF-8.
 *
 * <p>{@link #contentHash} must stay identical to {@code contentHash} of {@code
 * io.prism.batch.akshare.internal.CanonicalJson} (adapters cannot depend on batch-core, so
 * batch-akshare keeps a copy): the offline sources hash exactly as the AKShare source does, so
 * switching sources keeps hashes. Thread-safe.
 */
public final class CanonicalJson {

  /** Top-level payload members of a source record that change on every fetch. */
  public static final Set<String> RECORD_VOLATILE_FIELDS = Set.of("fetchedAt");

  /** Reads JSON keeping decimal numbers as {@link BigDecimal}, trailing zeros included. */
  public static final ObjectMapper MAPPER = exactNumbers().build();

  private static final ObjectMapper STRICT =
      exactNumbers().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /** Where the members of a drop set are removed. */
  public enum Scope {
    /** Only members of the top-level object. */
    TOP_LEVEL,
    /** Members of every object, at any depth. */
    EVERY_LEVEL
  }

  private CanonicalJson() {}

  /**
   * Returns the content hash of a source record's payload: the SHA-256 of its canonical UTF-8
   * bytes without the top-level {@link #RECORD_VOLATILE_FIELDS}.
   *
   * @param payload the payload document
   * @return 64 lower-case hex digits
   */
  public static String contentHash(JsonNode payload) {
    return sha256(canonicalBytes(payload, RECORD_VOLATILE_FIELDS, Scope.TOP_LEVEL));
  }

  /**
   * Writes the canonical form of a tree.
   *
   * @param node the tree
   * @param drop member names to leave out
   * @param scope where they are left out
   * @return compact canonical JSON
   */
  public static String canonical(JsonNode node, Set<String> drop, Scope scope) {
    try {
      return CANONICAL.writeValueAsString(plain(node, drop, scope == Scope.EVERY_LEVEL, true));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write canonical JSON", e);
    }
  }

  /**
   * Writes the canonical form of a tree as UTF-8.
   *
   * @param node the tree
   * @param drop member names to leave out
   * @param scope where they are left out
   * @return compact canonical JSON
   */
  public static byte[] canonicalBytes(JsonNode node, Set<String> drop, Scope scope) {
    try {
      return CANONICAL.writeValueAsBytes(plain(node, drop, scope == Scope.EVERY_LEVEL, true));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write canonical JSON", e);
    }
  }

  /**
   * Writes a value as compact JSON with map entries sorted by key.
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
   * Parses one JSON document with {@link #MAPPER}'s number handling.
   *
   * @param field the field name to report
   * @param json the text
   * @return the tree
   * @throws InvalidInputException naming the field if the text is not exactly one JSON value
   */
  public static JsonNode parse(String field, String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidInputException(field, json, "must be a JSON document");
    }
    try {
      JsonNode n = STRICT.readTree(json);
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
   * Returns the SHA-256 of a text's UTF-8 bytes.
   *
   * @param text the text
   * @return 64 lower-case hex digits
   */
  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Returns the SHA-256 of bytes.
   *
   * @param bytes the bytes
   * @return 64 lower-case hex digits
   */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  private static JsonMapper.Builder exactNumbers() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
  }

  private static Object plain(JsonNode node, Set<String> drop, boolean everyLevel, boolean top) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      boolean dropHere = top || everyLevel;
      Map<String, Object> map = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!(dropHere && drop.contains(e.getKey()))) {
          map.put(e.getKey(), plain(e.getValue(), drop, everyLevel, false));
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode n : node) {
        list.add(plain(n, drop, everyLevel, false));
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
