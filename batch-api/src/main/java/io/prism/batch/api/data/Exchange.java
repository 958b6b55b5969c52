package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;

/** A-share exchanges. */
public enum Exchange {
  /** Shanghai Stock Exchange (codes 60xxxx, 68xxxx, 90xxxx). */
  SH,
  /** Shenzhen Stock Exchange (codes 00xxxx, 30xxxx, 20xxxx). */
  SZ,
  /** Beijing Stock Exchange (codes 8xxxxx, 4xxxxx, 92xxxx). */
  BJ;

  /**
   * Infers the exchange of a 6-digit code from its prefix.
   *
   * @param code the code
   * @return the exchange
   * @throws InvalidInputException if the code is not 6 digits or has no known prefix
   */
  public static Exchange of(String code) {
    StockCode.requireDigits(code);
    char c = code.charAt(0);
    if (c == '6' || code.startsWith("90")) {
      return SH;
    }
    if (code.startsWith("92") || c == '8' || c == '4') {
      return BJ;
    }
    if (c == '0' || c == '3' || code.startsWith("20")) {
      return SZ;
    }
    throw new InvalidInputException("stockCode", code, "no A-share exchange uses this prefix");
  }
}
