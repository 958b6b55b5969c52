package io.prism.batch.akshare.internal;

import io.prism.batch.api.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * One AKShare function call: the function name and its keyword arguments, all strings, in order.
 *
 * <p>AKTools URL-decodes the whole query string and evaluates it as Python keyword arguments, so
 * values are percent-encoded UTF-8 and must not contain {@code &}, {@code =} or {@code "}; the
 * argument {@code timeout} is never passed. Immutable.
 *
 * @param function the AKShare function, e.g. {@code stock_zh_a_hist}
 * @param params the keyword arguments in call order
 */
public record AkCall(String function, Map<String, String> params) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Checks the name and the arguments.
   *
   * @param function the AKShare function
   * @param params the keyword arguments in call order
   */
  public AkCall {
    if (function == null || !NAME.matcher(function).matches()) {
      throw new InvalidInputException("function", function, "must be a Python identifier");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : params.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (k == null || !NAME.matcher(k).matches() || k.equals("timeout")) {
        throw new InvalidInputException(
            "parameter", k, "must be a Python identifier other than timeout");
      }
      if (v == null || v.indexOf('&') >= 0 || v.indexOf('=') >= 0 || v.indexOf('"') >= 0) {
        throw new InvalidInputException(k, v, "AKTools cannot pass a value with &, = or \"");
      }
      copy.put(k, v);
    }
    params = Collections.unmodifiableMap(copy);
  }

  /**
   * Creates a call from alternating names and values.
   *
   * @param function the function
   * @param namesAndValues {@code name1, value1, name2, value2, ...}
   * @return the call
   */
  public static AkCall of(String function, String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      p.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return new AkCall(function, p);
  }

  /**
   * Returns the query string: {@code k=v&k2=v2}, percent-encoded UTF-8 (RFC 3986 unreserved
   * characters kept, a space as {@code %20}).
   *
   * @return the query, empty when there are no arguments
   */
  public String query() {
    StringJoiner j = new StringJoiner("&");
    params.forEach((k, v) -> j.add(encode(k) + "=" + encode(v)));
    return j.toString();
  }

  /**
   * Percent-encodes text as UTF-8.
   *
   * @param text the text
   * @return the encoded text
   */
  public static String encode(String text) {
    StringBuilder sb = new StringBuilder(text.length() * 3);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Returns {@code stock_zh_a_hist(symbol="600519", period="daily")}. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", function + "(", ")");
    params.forEach((k, v) -> j.add(k + "=\"" + v + "\""));
    return j.toString();
  }
}
