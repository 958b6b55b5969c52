package io.prism.batch.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.MarketDataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReplayMarketDataSourceTest {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-05-23T08:00:00Z"), ZoneOffset.UTC);
  private final ReplayMarketDataSource source =
      ReplayMarketDataSource.builder().clock(CLOCK).build();

  @Test
  void shouldServeEveryTypeForTheFiveStocks() throws Exception {
    assertThat(source.stockCodes()).containsExactly("000001", "600519", "688469", "600919", "300059");
    assertThat(source.dataTypes()).hasSize(6);
    for (String code : source.stockCodes()) {
      for (String type : source.dataTypes()) {
        boolean neverListed = type.equals(DataType.LONGHUBANG)
            && (code.equals("600519") || code.equals("600919"));
        var record = source.fetch(new DataKey(code, type));
        assertThat(record.isPresent()).as("%s:%s", code, type).isEqualTo(!neverListed);
        if (record.isPresent()) {
          DataRecord r = record.get();
          JsonNode p = JSON.readTree(r.payload());
          assertThat(r.source()).isEqualTo("replay");
          assertThat(r.fetchedAt()).isEqualTo(CLOCK.instant());
          assertThat(p.get("stockCode").asText()).isEqualTo(code);
          assertThat(p.get("dataType").asText()).isEqualTo(type);
          assertThat(p.get("fetchedAt").asText()).isEqualTo("2025-05-23T08:00:00Z");
          assertThat(r.contentHash()).matches("[0-9a-f]{64}");
        }
      }
    }
  }

  @Test
  void shouldShapeDailyQuotesAsTheLastTradingDaysInDateOrder() throws Exception {
    JsonNode p = payload("600519", DataType.DAILY_QUOTES);

    assertThat(p.get("function").asText()).isEqualTo("stock_zh_a_hist");
    assertThat(p.get("period").asText()).isEqualTo("daily");
    assertThat(p.get("adjust").asText()).isEqualTo("qfq");
    JsonNode rows = p.get("rows");
    assertThat(rows).hasSize(ReplayMarketDataSource.DEFAULT_DAILY_TRADING_DAYS);
    List<String> dates = new ArrayList<>();
    rows.forEach(r -> dates.add(r.get("日期").asText()));
    assertThat(dates).isSorted().last().isEqualTo("2025-05-23");
    assertThat(fieldNames(rows.get(0))).containsExactly("日期", "股票代码", "开盘", "收盘", "最高",
        "最低", "成交量", "成交额", "振幅", "涨跌幅", "涨跌额", "换手率");
    assertThat(payload("300059", DataType.DAILY_QUOTES).get("adjust").asText()).isEmpty();
  }

  @Test
  void shouldKeepTheNewestFinancialPeriods() throws Exception {
    JsonNode p = payload("600519", DataType.FINANCIAL);

    assertThat(p.get("function").asText()).isEqualTo("stock_financial_abstract");
    List<String> periods = new ArrayList<>();
    p.get("periods").forEach(n -> periods.add(n.asText()));
    assertThat(periods).containsExactly("20250331", "20241231", "20240930", "20240630",
        "20240331", "20231231", "20230930", "20230630");
    JsonNode first = p.get("rows").get(0);
    assertThat(first.get("选项").asText()).isEqualTo("常用指标");
    assertThat(first.has("20230331")).isFalse();
    assertThat(fieldNames(first)).hasSize(2 + 8);
  }

  @Test
  void shouldServeTheLatestShareholderReport() throws Exception {
    JsonNode p = payload("600519", DataType.SHAREHOLDERS);

    assertThat(p.get("reportDate").asText()).isEqualTo("2025-03-31");
    assertThat(p.get("rows")).hasSize(10);
    assertThat(p.get("rows").get(0).get("股东名称").asText()).isEqualTo("中国贵州茅台酒厂(集团)有限责任公司");
  }

  @Test
  void shouldServeTheLatestLonghubangListingWithBothSides() throws Exception {
    JsonNode p = payload("300059", DataType.LONGHUBANG);

    assertThat(p.get("function").asText()).isEqualTo("stock_lhb_stock_detail_em");
    assertThat(p.get("tradeDate").asText()).isEqualTo("2024-11-07");
    assertThat(p.get("tradeDates")).hasSize(3);
    assertThat(p.get("buy")).hasSize(5);
    assertThat(p.get("sell")).hasSize(5);
    assertThat(fieldNames(p.get("buy").get(0))).containsExactly("序号", "交易营业部名称", "买入金额",
        "买入金额-占总成交比例", "卖出金额", "卖出金额-占总成交比例", "净额", "类型");
  }

  @Test
  void shouldNormaliseAkToolsTimestampsToDates() throws Exception {
    JsonNode p = payload("000001", DataType.ANNOUNCEMENTS);

    assertThat(p.get("rows").get(0).get("公告日期").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
  }

  @Test
  void shouldReturnEmptyForAStockWithoutData() {
    assertThat(source.fetch(new DataKey("601398", DataType.FINANCIAL))).isEmpty();
  }

  @Test
  void shouldRejectATypeItDoesNotServe() {
    assertThatThrownBy(() -> source.fetch(new DataKey("600519", "news")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("news");
  }

  @Test
  void shouldKeepTheHashWhenOnlyTheFetchTimeChanges() {
    ReplayMarketDataSource later = ReplayMarketDataSource.builder()
        .clock(Clock.offset(CLOCK, Duration.ofDays(3))).build();
    for (String type : source.dataTypes()) {
      DataKey key = new DataKey("000001", type);
      DataRecord a = source.fetch(key).orElseThrow();
      DataRecord b = later.fetch(key).orElseThrow();
      assertThat(b.payload()).isNotEqualTo(a.payload());
      assertThat(b.contentHash()).isEqualTo(a.contentHash());
    }
  }

  @Test
  void shouldHashTheCanonicalPayloadWithoutFetchedAt() throws Exception {
    DataRecord r = source.fetch(new DataKey("600919", DataType.COMPANY_PROFILE)).orElseThrow();
    JsonNode p = JSON.readTree(r.payload());
    ((ObjectNode) p).remove("fetchedAt");
    String canonical = JSON.writeValueAsString(sorted(p));

    assertThat(canonical).startsWith("{\"dataType\":\"company_profile\",\"function\":");
    byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest(canonical.getBytes(StandardCharsets.UTF_8));
    assertThat(r.contentHash()).isEqualTo(HexFormat.of().formatHex(digest));
  }

  @Test
  void shouldThrowTheInjectedFailureForChosenKeys() {
    ReplayMarketDataSource failing = ReplayMarketDataSource.builder()
        .failWhen(k -> k.stockCode().equals("600919"))
        .build();
    ReplayMarketDataSource limited = ReplayMarketDataSource.builder()
        .failWhen(k -> k.dataType().equals(DataType.FINANCIAL),
            k -> new RateLimitedException("replay", "slow down for " + k))
        .build();

    assertThatThrownBy(() -> failing.fetch(new DataKey("600919", DataType.FINANCIAL)))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("600919:financial");
    assertThat(failing.fetch(new DataKey("600519", DataType.FINANCIAL))).isPresent();
    assertThatThrownBy(() -> limited.fetch(new DataKey("600519", DataType.FINANCIAL)))
        .isInstanceOf(RateLimitedException.class);
  }

  @Test
  void shouldWaitTheSimulatedLatency() {
    ReplayMarketDataSource slow =
        ReplayMarketDataSource.builder().latency(Duration.ofMillis(40)).build();
    long start = System.nanoTime();

    slow.fetch(new DataKey("600519", DataType.COMPANY_PROFILE));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
  }

  @Test
  void shouldBeCreatedByItsPlugin() {
    MarketDataSource s = Plugins.create(MarketDataSource.class, "replay",
        Map.of("latency", "0", "dailyTradingDays", "30"));

    assertThat(s.name()).isEqualTo("replay");
    assertThat(s.fetch(new DataKey("600519", DataType.DAILY_QUOTES)).orElseThrow().payload())
        .contains("\"2025-05-23\"");
    assertThatThrownBy(() -> Plugins.create(MarketDataSource.class, "replay", Map.of("speed", "1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("speed");
  }

  @Test
  void shouldRejectInvalidSettings() {
    assertThatThrownBy(() -> ReplayMarketDataSource.builder().latency(Duration.ofMillis(-1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("latency");
    assertThatThrownBy(() -> ReplayMarketDataSource.builder().dailyTradingDays(0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("dailyTradingDays");
  }

  private JsonNode payload(String code, String type) throws Exception {
    return JSON.readTree(source.fetch(new DataKey(code, type)).orElseThrow().payload());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Object sorted(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), sorted(e.getValue()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(sorted(x)));
      return l;
    }
    if (n.isNumber()) {
      BigDecimal d = n.decimalValue();
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    return n.isNull() ? null : n.isBoolean() ? n.booleanValue() : n.asText();
  }
}
