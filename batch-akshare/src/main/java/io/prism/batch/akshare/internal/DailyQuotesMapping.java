package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code daily_quotes} ← {@code stock_zh_a_hist(symbol, period="daily", start_date, end_date,
 * adjust)}. The window ends today and starts far enough back (1.5 × days + 30 calendar days) to
 * hold the wanted number of trading days; the payload keeps the last {@code tradingDays} rows in
 * date order.
 *
 * <p>Payload: envelope + {@code period} ({@code "daily"}), {@code adjust} ({@code "qfq"},
 * {@code "hfq"} or {@code ""}), {@code rows} (日期, 股票代码, 开盘, 收盘, 最高, 最低, 成交量, 成交额,
 * 振幅, 涨跌幅, 涨跌额, 换手率).
 */
public final class DailyQuotesMapping implements TypeMapping {
  /** The AKShare function. */
  public static final String FUNCTION = "stock_zh_a_hist";

  private final int tradingDays;
  private final String adjust;

  /**
   * Creates the mapping.
   *
   * @param tradingDays rows to keep
   * @param adjust {@code qfq}, {@code hfq} or empty
   */
  public DailyQuotesMapping(int tradingDays, String adjust) {
    this.tradingDays = tradingDays;
    this.adjust = adjust;
  }

  @Override
  public String dataType() {
    return DataType.DAILY_QUOTES;
  }

  @Override
  public String function() {
    return FUNCTION;
  }

  @Override
  public Optional<ObjectNode> fetch(DataKey key, Caller caller, Clock clock) {
    LocalDate end = TypeMapping.today(clock);
    LocalDate start = end.minusDays(tradingDays * 3L / 2 + 30);
    Optional<ArrayNode> rows = caller.call(AkCall.of(FUNCTION,
        "symbol", key.stockCode(), "period", "daily", "start_date", start.format(BASIC),
        "end_date", end.format(BASIC), "adjust", adjust));
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    List<JsonNode> sorted = new ArrayList<>();
    Payloads.rows(rows.get()).forEach(sorted::add);
    sorted.sort(Comparator.comparing(r -> r.path("日期").asText()));
    ArrayNode kept = Payloads.array();
    sorted.subList(Math.max(0, sorted.size() - tradingDays), sorted.size()).forEach(kept::add);
    ObjectNode p = Payloads.envelope(key, FUNCTION, clock.instant());
    p.put("period", "daily");
    p.put("adjust", adjust);
    p.set("rows", kept);
    return Optional.of(p);
  }
}
