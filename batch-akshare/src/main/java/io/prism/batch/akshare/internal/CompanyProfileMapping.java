package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code company_profile} ← {@code stock_individual_info_em(symbol)}.
 *
 * <p>Payload: envelope + {@code rows}: {@code {"item": …, "value": …}} pairs as AKShare returns
 * them (最新, 股票代码, 股票简称, 总股本, 流通股, 总市值, 流通市值, 行业, 上市时间).
 */
public final class CompanyProfileMapping implements TypeMapping {
  /** The AKShare function. */
  public static final String FUNCTION = "stock_individual_info_em";

  @Override
  public String dataType() {
    return DataType.COMPANY_PROFILE;
  }

  @Override
  public String function() {
    return FUNCTION;
  }

  @Override
  public Optional<ObjectNode> fetch(DataKey key, Caller caller, Clock clock) {
    Optional<ArrayNode> rows = caller.call(AkCall.of(FUNCTION, "symbol", key.stockCode()));
    return rows.map(r -> {
      ObjectNode p = Payloads.envelope(key, FUNCTION, clock.instant());
      p.set("rows", Payloads.rows(r));
      return p;
    });
  }
}
