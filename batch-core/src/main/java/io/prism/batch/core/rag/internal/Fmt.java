package io.prism.batch.core.rag.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.prism.batch.core.internal.CanonicalJson;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Formats values for rendered documents: amounts in 元/万元/亿元, shares, percentages, dates and
 * report periods. Locale-independent and deterministic. Thread-safe.
 */
public final class Fmt {
  private static final BigDecimal YI = new BigDecimal("100000000");
  private static final BigDecimal WAN = new BigDecimal("10000");
  private static final Pattern ISO_DATE =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(?:[T ]00:00:00(?:\\.0+)?(?:Z)?)?");
  private static final Pattern BASIC_DATE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
  private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");

  /** Division context for ratios computed from the data. */
  public static final MathContext MC = new MathContext(20, RoundingMode.HALF_UP);

  private Fmt() {}

  /**
   * Reads a number from a number node or a text holding one.
   *
   * @param v the value, or null
   * @return the number, or empty
   */
  public static Optional<BigDecimal> number(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return Optional.empty();
    }
    if (v.isNumber()) {
      return Optional.of(v.isIntegralNumber() ? new BigDecimal(v.bigIntegerValue())
          : v.decimalValue());
    }
    if (v.isTextual()) {
      String t = v.asText().trim().replace(",", "");
      if (NUMBER.matcher(t).matches()) {
        return Optional.of(new BigDecimal(t));
      }
    }
    return Optional.empty();
  }

  /**
   * Writes a value as text: numbers plainly, booleans as 是/否, text as is.
   *
   * @param v the value, or null
   * @return the text; empty for null or missing
   */
  public static String text(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "";
    }
    if (v.isNumber()) {
      return plain(number(v).orElseThrow());
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "是" : "否";
    }
    if (v.isValueNode()) {
      return date(v.asText().trim());
    }
    return CanonicalJson.write(v);
  }

  /**
   * Tells whether a value is absent: null, missing or blank text.
   *
   * @param v the value
   * @return true if absent
   */
  public static boolean absent(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() || (v.isTextual() && v.asText().isBlank());
  }

  /**
   * Writes a number without trailing zeros or exponent.
   *
   * @param d the number
   * @return e.g. {@code 1620.2}
   */
  public static String plain(BigDecimal d) {
    return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
  }

  /**
   * Writes a number with two decimals, rounding half up.
   *
   * @param d the number
   * @return e.g. {@code 92.06}
   */
  public static String fixed2(BigDecimal d) {
    return d.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  /**
   * Writes an amount of money in 元, 万元 or 亿元.
   *
   * @param v the amount in 元
   * @return e.g. {@code 233.79亿元}
   */
  public static String yuan(BigDecimal v) {
    BigDecimal abs = v.abs();
    if (abs.compareTo(YI) >= 0) {
      return fixed2(v.divide(YI, MC)) + "亿元";
    }
    if (abs.compareTo(WAN) >= 0) {
      return fixed2(v.divide(WAN, MC)) + "万元";
    }
    return fixed2(v) + "元";
  }

  /**
   * Writes a number of shares with its size in 万股 or 亿股.
   *
   * @param v the shares
   * @return e.g. {@code 678291955股（6.78亿股）}
   */
  public static String shares(BigDecimal v) {
    BigDecimal abs = v.abs();
    String exact = plain(v) + "股";
    if (abs.compareTo(YI) >= 0) {
      return exact + "（" + fixed2(v.divide(YI, MC)) + "亿股）";
    }
    if (abs.compareTo(WAN) >= 0) {
      return exact + "（" + fixed2(v.divide(WAN, MC)) + "万股）";
    }
    return exact;
  }

  /**
   * Writes a percentage given in percent.
   *
   * @param v e.g. 92.058074
   * @return e.g. {@code 92.06%}
   */
  public static String percent(BigDecimal v) {
    return fixed2(v) + "%";
  }

  /**
   * Turns {@code 2025-05-23T00:00:00.000} or {@code 20250523} into {@code 2025-05-23}; leaves
   * other text alone.
   *
   * @param text the text
   * @return the date, or the text
   */
  public static String date(String text) {
    Matcher m = ISO_DATE.matcher(text);
    if (m.matches()) {
      return m.group(1);
    }
    Matcher b = BASIC_DATE.matcher(text);
    if (b.matches() && validMonthDay(b.group(2), b.group(3))) {
      return b.group(1) + "-" + b.group(2) + "-" + b.group(3);
    }
    return text;
  }

  /**
   * Names a report period: {@code 20250331} is {@code 2025年一季报（2025-03-31）}.
   *
   * @param period eight digits
   * @return the label
   */
  public static String period(String period) {
    Matcher b = BASIC_DATE.matcher(period);
    if (!b.matches()) {
      return period;
    }
    String md = b.group(2) + b.group(3);
    String kind = switch (md) {
      case "0331" -> "一季报";
      case "0630" -> "半年报";
      case "0930" -> "三季报";
      case "1231" -> "年报";
      default -> "";
    };
    String iso = b.group(1) + "-" + b.group(2) + "-" + b.group(3);
    return kind.isEmpty() ? iso : b.group(1) + "年" + kind + "（" + iso + "）";
  }

  private static boolean validMonthDay(String month, String day) {
    int m = Integer.parseInt(month);
    int d = Integer.parseInt(day);
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
  }
}
