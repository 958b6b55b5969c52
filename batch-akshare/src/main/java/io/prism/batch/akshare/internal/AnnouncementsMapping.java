package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;

/**
 * {@code announcements} ← {@code stock_individual_notice_report(security, symbol="全部",
 * begin_date, end_date)} (Eastmoney, per stock, all categories) over the last {@code days}
 * calendar days.
 *
 * <p>Payload: envelope + {@code rows} (代码, 名称, 公告标题, 公告类型, 公告日期, 网址) in AKShare's
 * order.
 */
public final class AnnouncementsMapping implements TypeMapping {
  /** The AKShare function. */
  public static final String FUNCTION = "stock_individual_notice_report";

  /** The category argument: all announcements. */
  public static final String ALL = "全部";

  private final int days;

  /**
   * Creates the mapping.
   *
   * @param days calendar days back from today
   */
  public AnnouncementsMapping(int days) {
    this.days = days;
  }

  @Override
  public String dataType() {
    return DataType.ANNOUNCEMENTS;
  }

  @Override
  public String function() {
    return FUNCTION;
  }

  @Override
  public Optional<ObjectNode> fetch(DataKey key, Caller caller, Clock clock) {
    LocalDate end = TypeMapping.today(clock);
    Optional<ArrayNode> rows = caller.call(AkCall.of(FUNCTION, "security", key.stockCode(),
        "symbol", ALL, "begin_date", end.minusDays(days).format(BASIC),
        "end_date", end.format(BASIC)));
    return rows.map(r -> {
      ObjectNode p = Payloads.envelope(key, FUNCTION, clock.instant());
      p.set("rows", Payloads.rows(r));
      return p;
    });
  }
}
