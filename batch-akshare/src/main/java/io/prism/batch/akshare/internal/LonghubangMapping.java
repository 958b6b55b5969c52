package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code longhubang} (龙虎榜) ← {@code stock_lhb_stock_detail_date_em(symbol)} for the dates the
 * stock was listed (the documented way to get {@code date}), then {@code
 * stock_lhb_stock_detail_em(symbol, date, flag)} with {@code flag} 买入 and 卖出 for the latest
 * date. Three calls per record.
 *
 * <p>Payload: envelope + {@code tradeDate} (the latest listing, {@code "2024-10-09"}),
 * {@code tradeDates} (every listing date AKShare returned, newest first), {@code buy} and
 * {@code sell} (rows 序号, 交易营业部名称, 买入金额, 买入金额-占总成交比例, 卖出金额,
 * 卖出金额-占总成交比例, 净额, 类型). Empty when the stock was never listed or both sides are empty.
 * A real AKTools answers a never-listed stock with HTTP 500 (AKShare fails on the empty answer),
 * which is retried and counted as a failure: a limitation of AKTools.
 */
public final class LonghubangMapping implements TypeMapping {
  /** The AKShare function for the details. */
  public static final String FUNCTION = "stock_lhb_stock_detail_em";

  /** The AKShare function for the listing dates. */
  public static final String DATES_FUNCTION = "stock_lhb_stock_detail_date_em";

  /** The {@code flag} for the buying seats. */
  public static final String BUY = "买入";

  /** The {@code flag} for the selling seats. */
  public static final String SELL = "卖出";

  @Override
  public String dataType() {
    return DataType.LONGHUBANG;
  }

  @Override
  public String function() {
    return FUNCTION;
  }

  @Override
  public Optional<ObjectNode> fetch(DataKey key, Caller caller, Clock clock) {
    Optional<ArrayNode> dateRows = caller.call(AkCall.of(DATES_FUNCTION, "symbol", key.stockCode()));
    if (dateRows.isEmpty()) {
      return Optional.empty();
    }
    TreeSet<LocalDate> dates = new TreeSet<>(Comparator.reverseOrder());
    for (JsonNode r : dateRows.get()) {
      String d = Payloads.date(r.path("交易日").asText(""));
      try {
        dates.add(LocalDate.parse(d));
      } catch (DateTimeParseException e) {
        // a row without a usable date is skipped
      }
    }
    if (dates.isEmpty()) {
      return Optional.empty();
    }
    LocalDate latest = dates.first();
    String date = latest.format(BASIC);
    ArrayNode buy = side(caller, key, date, BUY);
    ArrayNode sell = side(caller, key, date, SELL);
    if (buy.isEmpty() && sell.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode p = Payloads.envelope(key, FUNCTION, clock.instant());
    p.put("tradeDate", latest.toString());
    ArrayNode all = p.putArray("tradeDates");
    dates.forEach(d -> all.add(d.toString()));
    p.set("buy", buy);
    p.set("sell", sell);
    return Optional.of(p);
  }

  private static ArrayNode side(Caller caller, DataKey key, String date, String flag) {
    return caller.call(AkCall.of(FUNCTION, "symbol", key.stockCode(), "date", date, "flag", flag))
        .map(Payloads::rows)
        .orElseGet(Payloads::array);
  }
}
