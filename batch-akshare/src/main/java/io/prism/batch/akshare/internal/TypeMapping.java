package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * How one data type is fetched from AKShare and turned into a payload. One implementation per
 * type; each is immutable and thread-safe.
 */
public interface TypeMapping {

  /** AKShare's dates in parameters: {@code 20250523}. */
  DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;

  /** The market's time zone; "today" is the Shanghai date. */
  ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  /**
   * Returns the data type this mapping serves.
   *
   * @return e.g. {@code daily_quotes}
   */
  String dataType();

  /**
   * Returns the AKShare function whose records make the payload.
   *
   * @return e.g. {@code stock_zh_a_hist}
   */
  String function();

  /**
   * Fetches and maps one record.
   *
   * @param key the stock and type
   * @param caller calls AKTools
   * @param clock the time source: "today" and {@code fetchedAt}
   * @return the payload, or empty when AKShare has no data
   */
  Optional<ObjectNode> fetch(DataKey key, Caller caller, Clock clock);

  /**
   * Returns the Shanghai date of a clock.
   *
   * @param clock the clock
   * @return today in Shanghai
   */
  static LocalDate today(Clock clock) {
    return LocalDate.ofInstant(clock.instant(), SHANGHAI);
  }

  /** Calls one AKShare function. */
  @FunctionalInterface
  interface Caller {
    /**
     * Calls a function.
     *
     * @param call the function and arguments
     * @return the records, or empty when there is no data
     */
    Optional<ArrayNode> call(AkCall call);
  }
}
