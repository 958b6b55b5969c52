package io.prism.batch.core.source.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.core.internal.CanonicalJson;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the payload documents: the envelope every type shares and the normalised AKTools rows.
 *
 * <p>Envelope, in this order: {@code stockCode}, {@code dataType}, {@code function} (the AKShare
 * function the rows come from), {@code fetchedAt} (ISO-8601 instant; volatile, not hashed), then
 * the type's own members. Rows keep AKShare's Chinese column names and column order; a value that
 * is an AKTools midnight timestamp ({@code "2025-05-23T00:00:00.000"}) becomes the date
 * {@code "2025-05-23"}; everything else is kept as AKTools wrote it.
 *
 * <p>The same shapes as {@code io.prism.batch.akshare.internal.Payloads}, so that the offline
 * sources and the AKShare source produce interchangeable records. Thread-safe.
 */
public final class Payloads {
  private static final JsonNodeFactory NODES = CanonicalJson.MAPPER.getNodeFactory();
  private static final Pattern MIDNIGHT =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(?:[T ]00:00:00(?:\\.0+)?)?");

  private Payloads() {}

  /**
   * Starts a payload with the shared envelope.
   *
   * @param key the record's key
   * @param function the AKShare function
   * @param fetchedAt when it was fetched
   * @return a mutable payload to which the type adds its members
   */
  public static ObjectNode envelope(DataKey key, String function, Instant fetchedAt) {
    ObjectNode o = NODES.objectNode();
    o.put("stockCode", key.stockCode());
    o.put("dataType", key.dataType());
    o.put("function", function);
    o.put("fetchedAt", fetchedAt.toString());
    return o;
  }

  /**
   * Returns a normalised copy of AKTools rows.
   *
   * @param rows the records as AKTools returned them
   * @return the rows with midnight timestamps turned into dates
   */
  public static ArrayNode rows(ArrayNode rows) {
    ArrayNode out = NODES.arrayNode(rows.size());
    for (JsonNode row : rows) {
      out.add(row(row));
    }
    return out;
  }

  /**
   * Returns a normalised copy of one AKTools row.
   *
   * @param row a record
   * @return the copy
   */
  public static JsonNode row(JsonNode row) {
    if (!row.isObject()) {
      return row.deepCopy();
    }
    ObjectNode out = NODES.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = row.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      out.set(e.getKey(), v.isTextual() ? NODES.textNode(date(v.textValue())) : v.deepCopy());
    }
    return out;
  }

  /**
   * Turns an AKTools midnight timestamp into a date; leaves other text alone.
   *
   * @param text e.g. {@code 2025-05-23T00:00:00.000}
   * @return e.g. {@code 2025-05-23}
   */
  public static String date(String text) {
    if (text.length() < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
      return text;
    }
    Matcher m = MIDNIGHT.matcher(text);
    return m.matches() ? m.group(1) : text;
  }

  /**
   * Returns a new empty array node.
   *
   * @return the node
   */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }
}
