package io.prism.batch.akshare.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import java.time.Clock;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code financial} ← {@code stock_financial_abstract(symbol)} (Sina key indicators): one row per
 * indicator, one column per report period. The payload keeps the newest {@code periods} period
 * columns.
 *
 * <p>Payload: envelope + {@code periods} (kept period names, newest first, e.g.
 * {@code "20250331"}), {@code rows} ({@code 选项}, {@code 指标}, then the kept periods in AKShare's
 * column order).
 */
public final class FinancialMapping implements TypeMapping {
  /** The AKShare function. */
  public static final String FUNCTION = "stock_financial_abstract";

  private static final Pattern PERIOD = Pattern.compile("\\d{8}");

  private final int periods;

  /**
   * Creates the mapping.
   *
   * @param periods report periods to keep
   */
  public FinancialMapping(int periods) {
    this.periods = periods;
  }

  @Override
  public String dataType() {
    return DataType.FINANCIAL;
  }

  @Override
  public String function() {
    return FUNCTION;
  }

  @Override
  public Optional<ObjectNode> fetch(DataKey key, Caller caller, Clock clock) {
    Optional<ArrayNode> rows = caller.call(AkCall.of(FUNCTION, "symbol", key.stockCode()));
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    TreeSet<String> all = new TreeSet<>(Comparator.reverseOrder());
    for (JsonNode row : rows.get()) {
      row.fieldNames().forEachRemaining(f -> {
        if (PERIOD.matcher(f).matches()) {
          all.add(f);
        }
      });
    }
    List<String> kept = all.stream().limit(periods).toList();
    Set<String> keptSet = Set.copyOf(kept);
    ArrayNode out = Payloads.array();
    for (JsonNode row : Payloads.rows(rows.get())) {
      ObjectNode o = (ObjectNode) row;
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        String f = it.next().getKey();
        if (PERIOD.matcher(f).matches() && !keptSet.contains(f)) {
          it.remove();
        }
      }
      out.add(o);
    }
    ObjectNode p = Payloads.envelope(key, FUNCTION, clock.instant());
    ArrayNode names = p.putArray("periods");
    kept.forEach(names::add);
    p.set("rows", out);
    return Optional.of(p);
  }
}
