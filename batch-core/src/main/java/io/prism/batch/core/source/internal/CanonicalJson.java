package io.prism.batch.core.source.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that computes a record's content hash: SHA-256 (lower-case hex) of the payload's
 * canonical JSON.
 *
 * <p>Canonical form: the top-level volatile fields ({@link #VOLATILE_FIELDS}) removed; object
 * members sorted by name ({@link SerializationFeature#ORDER_MAP_ENTRIES_BY_KEYS}, i.e. {@link
 * String#compareTo}); every number written as its plain decimal without trailing zeros ({@code
 * 5000.0} and {@code 5000} are both {@code 5000}); strings, booleans and nulls unchanged; no
 * whitespace; UTF-8. Two payloads that differ only in member order, number spelling or a volatile
 * field hash the same.
 *
 * <p>A copy of {@code io.prism.batch.akshare.internal.CanonicalJson}: the offline sources must
 * hash exactly as the AKShare source does, so that switching sources keeps hashes. Keep the two
 * identical. Thread-safe.
 */
public final class CanonicalJson {

  /** Top-level payload members that change on every fetch and never enter the hash. */
  public static final Set<String> VOLATILE_FIELDS = Set.of("fetchedAt");

  /** Reads AKTools' JSON keeping numbers exactly as written. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private CanonicalJson() {}

  /**
   * Returns the content hash of a payload.
   *
   * @param payload the payload document
   * @return 64 lower-case hex digits
   */
  public static String contentHash(JsonNode payload) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(payload)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /**
   * Returns the canonical JSON of a payload, without its volatile fields.
   *
   * @param payload the payload document
   * @return the canonical text
   */
  public static String canonical(JsonNode payload) {
    return new String(bytes(payload), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(JsonNode payload) {
    Object plain = plain(payload, true);
    try {
      return CANONICAL.writeValueAsBytes(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write canonical JSON", e);
    }
  }

  private static Object plain(JsonNode node, boolean top) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!(top && VOLATILE_FIELDS.contains(e.getKey()))) {
          map.put(e.getKey(), plain(e.getValue(), false));
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode n : node) {
        list.add(plain(n, false));
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
