package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.util.Locale;

/**
 * An A-share stock: a 6-digit code and its exchange.
 *
 * <p>{@link #parse} accepts {@code 600519}, {@code 600519.SH}, {@code SH600519} and
 * {@code sh600519}; a given exchange must match the code's prefix.
 *
 * @param code six digits
 * @param exchange its exchange
 */
public record StockCode(String code, Exchange exchange) {

  /** Checks the code and that the exchange matches it. */
  public StockCode {
    requireDigits(code);
    if (exchange == null) {
      throw new InvalidInputException("exchange", null, "must be one of SH, SZ, BJ");
    }
    Exchange expected = Exchange.of(code);
    if (expected != exchange) {
      throw new InvalidInputException(
          "stockCode", code + "." + exchange, "code " + code + " is listed on " + expected);
    }
  }

  /**
   * Parses a code with or without its exchange.
   *
   * @param text e.g. {@code 600519.SH}
   * @return the stock code
   * @throws InvalidInputException naming the field {@code stockCode}
   */
  public static StockCode parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("stockCode", text, "must be a 6-digit A-share code");
    }
    String t = text.trim().toUpperCase(Locale.ROOT);
    String code = t;
    String exchange = null;
    int dot = t.indexOf('.');
    if (dot >= 0) {
      code = t.substring(0, dot);
      exchange = t.substring(dot + 1);
    } else if (t.length() == 8 && Character.isLetter(t.charAt(0))) {
      exchange = t.substring(0, 2);
      code = t.substring(2);
    }
    requireDigits(code);
    if (exchange == null) {
      return new StockCode(code, Exchange.of(code));
    }
    try {
      return new StockCode(code, Exchange.valueOf(exchange));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("stockCode", text, "exchange must be one of SH, SZ, BJ");
    }
  }

  static void requireDigits(String code) {
    if (code == null || code.length() != 6) {
      throw new InvalidInputException("stockCode", code, "must be exactly 6 digits");
    }
    for (int i = 0; i < 6; i++) {
      char c = code.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidInputException("stockCode", code, "must be exactly 6 digits");
      }
    }
  }

  /** Returns {@code 600519.SH}. */
  @Override
  public String toString() {
    return code + "." + exchange;
  }
}
