package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.Exchange;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code shareholders} ← {@code stock_gdfx_top_10_em(symbol="sh600519", date)}: the top-10
 * shareholders of the latest published report. It asks for the latest quarter end at least
 * {@code lagDays} before today, then for earlier quarter ends while AKShare has no data, at most
 * {@code maxQuarters} calls in all.
 *
 * <p>Payload: envelope + {@code reportDate} ({@code "2025-03-31"}), {@code rows} (名次, 股东名称,
 * 股份类型, 持股数, 占总股本持股比例, 增减, 变动比率).
 */
public final class ShareholdersMapping implements TypeMapping {
  /** The AKShare function. */
  public static final String FUNCTION = "stock_gdfx_top_10_em";

  private final int lagDays;
  private final int maxQuarters;

  /**
   * Creates the mapping.
   *
   * @param lagDays days a report takes to appear after its quarter end
   * @param maxQuarters quarters to try
   */
  public ShareholdersMapping(int lagDays, int maxQuarters) {
    this.lagDays = lagDays;
    this.maxQuarters = maxQuarters;
  }

  @Override
  public String dataType() {
    return DataType.SHAREHOLDERS;
  }

  @Override
  public String function() {
    return FUNCTION;
  }

  @Override
  public Optional<ObjectNode> fetch(DataKey key, Caller caller, Clock clock) {
    String symbol =
        Exchange.of(key.stockCode()).name().toLowerCase(Locale.ROOT) + key.stockCode();
    LocalDate quarter = quarterEndOnOrBefore(TypeMapping.today(clock).minusDays(lagDays));
    for (int i = 0; i < maxQuarters; i++) {
      Optional<ArrayNode> rows =
          caller.call(AkCall.of(FUNCTION, "symbol", symbol, "date", quarter.format(BASIC)));
      if (rows.isPresent()) {
        ObjectNode p = Payloads.envelope(key, FUNCTION, clock.instant());
        p.put("reportDate", quarter.toString());
        p.set("rows", Payloads.rows(rows.get()));
        return Optional.of(p);
      }
      quarter = quarterEndOnOrBefore(quarter.withDayOfMonth(1).minusDays(1));
    }
    return Optional.empty();
  }

  /**
   * Returns the latest quarter end (03-31, 06-30, 09-30, 12-31) on or before a date.
   *
   * @param d the date
   * @return the quarter end
   */
  public static LocalDate quarterEndOnOrBefore(LocalDate d) {
    int endMonth = ((d.getMonthValue() - 1) / 3) * 3 + 3;
    LocalDate end = LocalDate.of(d.getYear(), endMonth, 1).plusMonths(1).minusDays(1);
    if (end.isAfter(d)) {
      LocalDate prev = LocalDate.of(d.getYear(), endMonth, 1).minusMonths(3);
      end = prev.plusMonths(1).minusDays(1);
    }
    return end;
  }
}
