package io.prism.batch.core.source.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.core.internal.CanonicalJson;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns AKTools-shaped records into the payload of each data type, exactly as the AKShare source
 * ({@code io.prism.batch.akshare.AkToolsSource}) does. Stateless; thread-safe.
 */
public final class AkShapes {
  /** {@code daily_quotes}: {@code stock_zh_a_hist}. */
  public static final String DAILY = "stock_zh_a_hist";
  /** {@code company_profile}: {@code stock_individual_info_em}. */
  public static final String PROFILE = "stock_individual_info_em";
  /** {@code financial}: {@code stock_financial_abstract}. */
  public static final String FINANCIAL = "stock_financial_abstract";
  /** {@code announcements}: {@code stock_individual_notice_report}. */
  public static final String ANNOUNCEMENTS = "stock_individual_notice_report";
  /** {@code shareholders}: {@code stock_gdfx_top_10_em}. */
  public static final String SHAREHOLDERS = "stock_gdfx_top_10_em";
  /** {@code longhubang}: {@code stock_lhb_stock_detail_em}. */
  public static final String LONGHUBANG = "stock_lhb_stock_detail_em";
  /** The listing dates of a stock on the 龙虎榜: {@code stock_lhb_stock_detail_date_em}. */
  public static final String LONGHUBANG_DATES = "stock_lhb_stock_detail_date_em";

  /** The data types with a payload shape: all six built-in types, in their usual order. */
  public static final Set<String> DATA_TYPES = Collections.unmodifiableSet(new LinkedHashSet<>(
      List.of(DataType.DAILY_QUOTES, DataType.COMPANY_PROFILE, DataType.FINANCIAL,
          DataType.ANNOUNCEMENTS, DataType.SHAREHOLDERS, DataType.LONGHUBANG)));

  private static final Pattern PERIOD = Pattern.compile("\\d{8}");

  private AkShapes() {}

  /**
   * {@code daily_quotes}: rows sorted by 日期, the last {@code tradingDays} kept.
   *
   * @param key the key
   * @param fetchedAt the fetch time
   * @param rows {@code stock_zh_a_hist} records
   * @param tradingDays rows to keep
   * @param adjust qfq, hfq or empty
   * @return the payload
   */
  public static ObjectNode daily(
      DataKey key, Instant fetchedAt, ArrayNode rows, int tradingDays, String adjust) {
    List<JsonNode> sorted = new ArrayList<>();
    Payloads.rows(rows).forEach(sorted::add);
    sorted.sort(Comparator.comparing(r -> r.path("日期").asText()));
    ArrayNode kept = Payloads.array();
    sorted.subList(Math.max(0, sorted.size() - tradingDays), sorted.size()).forEach(kept::add);
    ObjectNode p = Payloads.envelope(key, DAILY, fetchedAt);
    p.put("period", "daily");
    p.put("adjust", adjust);
    p.set("rows", kept);
    return p;
  }

  /**
   * A payload that is just the envelope and the rows ({@code company_profile},
   * {@code announcements}).
   *
   * @param key the key
   * @param function the AKShare function
   * @param fetchedAt the fetch time
   * @param rows the records
   * @return the payload
   */
  public static ObjectNode rows(DataKey key, String function, Instant fetchedAt, ArrayNode rows) {
    ObjectNode p = Payloads.envelope(key, function, fetchedAt);
    p.set("rows", Payloads.rows(rows));
    return p;
  }

  /**
   * {@code financial}: the newest {@code periods} period columns kept.
   *
   * @param key the key
   * @param fetchedAt the fetch time
   * @param rows {@code stock_financial_abstract} records
   * @param periods period columns to keep
   * @return the payload
   */
  public static ObjectNode financial(DataKey key, Instant fetchedAt, ArrayNode rows, int periods) {
    TreeSet<String> all = new TreeSet<>(Comparator.reverseOrder());
    for (JsonNode row : rows) {
      row.fieldNames().forEachRemaining(f -> {
        if (PERIOD.matcher(f).matches()) {
          all.add(f);
        }
      });
    }
    List<String> kept = all.stream().limit(periods).toList();
    Set<String> keptSet = Set.copyOf(kept);
    ArrayNode out = Payloads.array();
    for (JsonNode row : Payloads.rows(rows)) {
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
    ObjectNode p = Payloads.envelope(key, FINANCIAL, fetchedAt);
    ArrayNode names = p.putArray("periods");
    kept.forEach(names::add);
    p.set("rows", out);
    return p;
  }

  /**
   * {@code shareholders}.
   *
   * @param key the key
   * @param fetchedAt the fetch time
   * @param reportDate the report's quarter end
   * @param rows {@code stock_gdfx_top_10_em} records
   * @return the payload
   */
  public static ObjectNode shareholders(
      DataKey key, Instant fetchedAt, LocalDate reportDate, ArrayNode rows) {
    ObjectNode p = Payloads.envelope(key, SHAREHOLDERS, fetchedAt);
    p.put("reportDate", reportDate.toString());
    p.set("rows", Payloads.rows(rows));
    return p;
  }

  /**
   * Reads the listing dates from {@code stock_lhb_stock_detail_date_em} records.
   *
   * @param dateRows the records (column 交易日)
   * @return distinct dates, newest first
   */
  public static List<LocalDate> listingDates(ArrayNode dateRows) {
    TreeSet<LocalDate> dates = new TreeSet<>(Comparator.reverseOrder());
    for (JsonNode r : dateRows) {
      try {
        dates.add(LocalDate.parse(Payloads.date(r.path("交易日").asText(""))));
      } catch (DateTimeParseException e) {
        // a row without a usable date is skipped, as the AKShare source does
      }
    }
    return List.copyOf(dates);
  }

  /**
   * {@code longhubang}.
   *
   * @param key the key
   * @param fetchedAt the fetch time
   * @param dates the listing dates, newest first; the first is the trade date
   * @param buy the 买入 records
   * @param sell the 卖出 records
   * @return the payload
   */
  public static ObjectNode longhubang(
      DataKey key, Instant fetchedAt, List<LocalDate> dates, ArrayNode buy, ArrayNode sell) {
    ObjectNode p = Payloads.envelope(key, LONGHUBANG, fetchedAt);
    p.put("tradeDate", dates.get(0).toString());
    ArrayNode all = p.putArray("tradeDates");
    dates.forEach(d -> all.add(d.toString()));
    p.set("buy", Payloads.rows(buy));
    p.set("sell", Payloads.rows(sell));
    return p;
  }

  /**
   * Makes the record of a payload, as the AKShare source does: its compact JSON and its {@link
   * CanonicalJson#contentHash content hash}, never stale.
   *
   * @param key the key
   * @param payload the payload
   * @param fetchedAt the fetch time
   * @param source the source name
   * @return the record
   */
  public static DataRecord record(
      DataKey key, ObjectNode payload, Instant fetchedAt, String source) {
    return new DataRecord(
        key, text(payload), CanonicalJson.contentHash(payload), fetchedAt, source, false);
  }

  private static String text(ObjectNode payload) {
    try {
      return CanonicalJson.MAPPER.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a payload", e);
    }
  }
}
