package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.util.regex.Pattern;

/**
 * The key of one cached record: a stock and a data type.
 *
 * @param stockCode six digits
 * @param dataType a data type name, see {@link DataType}
 */
public record DataKey(String stockCode, String dataType) {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,49}");

  /** Checks both parts. */
  public DataKey {
    StockCode.requireDigits(stockCode);
    if (dataType == null || !TYPE.matcher(dataType).matches()) {
      throw new InvalidInputException(
          "dataType", dataType, "must be 1-50 characters of a-z, 0-9 and '_', starting with a letter");
    }
  }

  /**
   * Parses {@code 600519:financial}.
   *
   * @param text the key as {@link #toString()} writes it
   * @return the key
   */
  public static DataKey parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon < 0) {
      throw new InvalidInputException("dataKey", text, "must be CODE:TYPE, e.g. 600519:financial");
    }
    return new DataKey(text.substring(0, colon), text.substring(colon + 1));
  }

  /** Returns {@code 600519:financial}. */
  @Override
  public String toString() {
    return stockCode + ":" + dataType;
  }
}
