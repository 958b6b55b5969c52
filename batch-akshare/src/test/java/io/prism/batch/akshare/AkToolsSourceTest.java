package io.prism.batch.akshare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.akshare.AkToolsReplayServer.Request;
import io.prism.batch.akshare.AkToolsReplayServer.Response;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.core.source.ReplayMarketDataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AkToolsSourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 16:00 in Shanghai on 2025-05-23, the replay data's date. */
  private static final Clock AS_OF =
      Clock.fixed(Instant.parse("2025-05-23T08:00:00Z"), ZoneOffset.UTC);

  private final AkToolsReplayServer server = new AkToolsReplayServer();

  @AfterEach
  void stopServer() {
    server.close();
  }

  private AkToolsSource.Builder source() {
    return AkToolsSource.builder()
        .baseUrl(server.baseUrl())
        .clock(AS_OF)
        .retries(3, Duration.ofMillis(1), Duration.ofMillis(10))
        .circuitBreaker(50, Duration.ofHours(1));
  }

  @Test
  void shouldMapDailyQuotesFromStockZhAHist() throws Exception {
    JsonNode p = payload(source().build(), "600519", DataType.DAILY_QUOTES);

    assertThat(server.requests()).singleElement().satisfies(r -> {
      assertThat(r.path()).isEqualTo("/api/public/stock_zh_a_hist");
      assertThat(r.params()).containsExactly(Map.entry("symbol", "600519"),
          Map.entry("period", "daily"), Map.entry("start_date", "20241025"),
          Map.entry("end_date", "20250523"), Map.entry("adjust", "qfq"));
    });
    assertThat(p.get("function").asText()).isEqualTo("stock_zh_a_hist");
    assertThat(p.get("fetchedAt").asText()).isEqualTo("2025-05-23T08:00:00Z");
    assertThat(p.get("period").asText()).isEqualTo("daily");
    assertThat(p.get("adjust").asText()).isEqualTo("qfq");
    assertThat(p.get("rows")).hasSize(AkToolsSource.DEFAULT_DAILY_TRADING_DAYS);
    JsonNode last = p.get("rows").get(119);
    assertThat(last.get("日期").asText()).isEqualTo("2025-05-23");
    assertThat(last.get("股票代码").asText()).isEqualTo("600519");
    assertThat(last.get("收盘").decimalValue()).isPositive();
  }

  @Test
  void shouldMapCompanyProfileFromStockIndividualInfoEm() throws Exception {
    JsonNode p = payload(source().build(), "000001", DataType.COMPANY_PROFILE);

    assertThat(server.requests().get(0).function()).isEqualTo("stock_individual_info_em");
    assertThat(server.requests().get(0).params()).containsExactly(Map.entry("symbol", "000001"));
    List<String> items = new ArrayList<>();
    p.get("rows").forEach(r -> items.add(r.get("item").asText()));
    assertThat(items).containsExactly("最新", "股票代码", "股票简称", "总股本", "流通股", "总市值",
        "流通市值", "行业", "上市时间");
    assertThat(p.get("rows").get(2).get("value").asText()).isEqualTo("平安银行");
  }

  @Test
  void shouldMapFinancialFromStockFinancialAbstractKeepingTheNewestPeriods() throws Exception {
    JsonNode p = payload(source().financialPeriods(4).build(), "600519", DataType.FINANCIAL);

    assertThat(server.requests().get(0).function()).isEqualTo("stock_financial_abstract");
    assertThat(p.get("periods").toString())
        .isEqualTo("[\"20250331\",\"20241231\",\"20240930\",\"20240630\"]");
    JsonNode grossMargin = null;
    for (JsonNode r : p.get("rows")) {
      if (r.get("选项").asText().equals("常用指标") && r.get("指标").asText().equals("毛利率")) {
        grossMargin = r;
      }
    }
    assertThat(grossMargin).isNotNull();
    assertThat(grossMargin.get("20241231").asDouble()).isEqualTo(91.93);
    assertThat(grossMargin.has("20231231")).isFalse();
  }

  @Test
  void shouldMapAnnouncementsFromStockIndividualNoticeReport() throws Exception {
    JsonNode p = payload(source().build(), "300059", DataType.ANNOUNCEMENTS);

    Request r = server.requests().get(0);
    assertThat(r.function()).isEqualTo("stock_individual_notice_report");
    assertThat(r.params()).containsExactly(Map.entry("security", "300059"),
        Map.entry("symbol", "全部"), Map.entry("begin_date", "20250222"),
        Map.entry("end_date", "20250523"));
    assertThat(p.get("rows")).hasSize(5);
    assertThat(p.get("rows").get(0).get("公告日期").asText()).isEqualTo("2025-05-20");
    assertThat(p.get("rows").get(0).get("名称").asText()).isEqualTo("东方财富");
  }

  @Test
  void shouldMapShareholdersFromStockGdfxTop10EmWithTheExchangePrefix() throws Exception {
    JsonNode p = payload(source().build(), "600519", DataType.SHAREHOLDERS);

    assertThat(server.requests().get(0).params())
        .containsExactly(Map.entry("symbol", "sh600519"), Map.entry("date", "20250331"));
    assertThat(p.get("reportDate").asText()).isEqualTo("2025-03-31");
    assertThat(p.get("rows")).hasSize(10);
    assertThat(p.get("rows").get(1).get("增减").asLong()).isEqualTo(-8912327);
  }

  @Test
  void shouldFallBackToEarlierQuartersForShareholders() throws Exception {
    Clock july = Clock.fixed(Instant.parse("2025-07-25T08:00:00Z"), ZoneOffset.UTC);

    JsonNode p = payload(source().clock(july).build(), "000001", DataType.SHAREHOLDERS);

    assertThat(server.requests()).extracting(r -> r.params().get("symbol") + "@" + r.params().get("date"))
        .containsExactly("sz000001@20250630", "sz000001@20250331");
    assertThat(p.get("reportDate").asText()).isEqualTo("2025-03-31");
  }

  @Test
  void shouldMapLonghubangFromTheListingDatesAndBothSides() throws Exception {
    JsonNode p = payload(source().build(), "300059", DataType.LONGHUBANG);

    assertThat(server.requests()).extracting(Request::function).containsExactly(
        "stock_lhb_stock_detail_date_em", "stock_lhb_stock_detail_em", "stock_lhb_stock_detail_em");
    assertThat(server.requests().get(1).params()).containsExactly(Map.entry("symbol", "300059"),
        Map.entry("date", "20241107"), Map.entry("flag", "买入"));
    assertThat(server.requests().get(2).params().get("flag")).isEqualTo("卖出");
    assertThat(p.get("tradeDate").asText()).isEqualTo("2024-11-07");
    assertThat(p.get("tradeDates").toString())
        .isEqualTo("[\"2024-11-07\",\"2024-11-05\",\"2024-10-08\"]");
    assertThat(p.get("buy")).hasSize(5);
    assertThat(p.get("sell")).hasSize(5);
  }

  @Test
  void shouldPercentEncodeChineseValuesAsUtf8() {
    AkToolsSource s = source().build();

    s.fetch(new DataKey("300059", DataType.ANNOUNCEMENTS));
    s.fetch(new DataKey("300059", DataType.LONGHUBANG));

    List<String> raw = server.requests().stream().map(Request::rawQuery).toList();
    assertThat(raw.get(0)).isEqualTo(
        "security=300059&symbol=%E5%85%A8%E9%83%A8&begin_date=20250222&end_date=20250523");
    assertThat(raw.get(2)).endsWith("&flag=%E4%B9%B0%E5%85%A5");
    assertThat(raw.get(3)).endsWith("&flag=%E5%8D%96%E5%87%BA");
    assertThat(raw).allSatisfy(q -> assertThat(q).doesNotContain("timeout"));
  }

  @Test
  void shouldProduceTheReplaySourcesPayloadsAndHashes() throws Exception {
    ReplayMarketDataSource replay = ReplayMarketDataSource.builder().clock(AS_OF).build();
    AkToolsSource qfq = source().build();
    AkToolsSource unadjusted = source().adjust("").build();
    int compared = 0;

    for (String code : replay.stockCodes()) {
      for (String type : replay.dataTypes()) {
        DataKey key = new DataKey(code, type);
        boolean raw = type.equals(DataType.DAILY_QUOTES)
            && (code.equals("688469") || code.equals("300059"));
        Optional<DataRecord> fromAkTools = (raw ? unadjusted : qfq).fetch(key);
        Optional<DataRecord> fromReplay = replay.fetch(key);
        assertThat(fromAkTools.isPresent()).as(key.toString()).isEqualTo(fromReplay.isPresent());
        if (fromReplay.isPresent()) {
          assertThat(fromAkTools.get().contentHash()).as(key.toString())
              .isEqualTo(fromReplay.get().contentHash());
          assertThat(fromAkTools.get().payload()).as(key.toString())
              .isEqualTo(fromReplay.get().payload());
          assertThat(fromAkTools.get().source()).isEqualTo("akshare");
          compared++;
        }
      }
    }
    assertThat(compared).isEqualTo(28);
  }

  @Test
  void shouldRetryA500AndThenSucceed() {
    server.thenAnswer(r -> Response.of(500, "Internal Server Error"));

    Optional<DataRecord> r = source().build().fetch(new DataKey("600519", DataType.COMPANY_PROFILE));

    assertThat(r).isPresent();
    assertThat(server.hits()).isEqualTo(2);
  }

  @Test
  void shouldRetry502To504() {
    server.thenAnswer(r -> Response.of(502, "Bad Gateway"))
        .thenAnswer(r -> Response.of(503, "Service Unavailable"))
        .thenAnswer(r -> Response.of(504, "Gateway Timeout"));

    assertThat(source().build().fetch(new DataKey("600519", DataType.FINANCIAL))).isPresent();
    assertThat(server.hits()).isEqualTo(4);
  }

  @Test
  void shouldOpenTheCircuitBreakerWhen500Persists() {
    server.alwaysAnswer(r -> Response.of(500, "Internal Server Error"));
    AkToolsSource s = source()
        .retries(2, Duration.ofMillis(1), Duration.ofMillis(5))
        .circuitBreaker(3, Duration.ofHours(1))
        .build();
    DataKey key = new DataKey("600519", DataType.FINANCIAL);

    assertThatThrownBy(() -> s.fetch(key))
        .isInstanceOf(BatchException.class)
        .isNotInstanceOf(PermanentTaskException.class)
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("stock_financial_abstract");
    assertThat(server.hits()).isEqualTo(3);
    assertThat(s.isCircuitOpen()).isTrue();

    assertThatThrownBy(() -> s.fetch(new DataKey("000001", DataType.DAILY_QUOTES)))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("circuit breaker open");
    assertThat(server.hits()).isEqualTo(3);
  }

  @Test
  void shouldRaiseRateLimitedWhen429Persists() {
    server.alwaysAnswer(r -> new Response(429, "Too Many Requests", Map.of("Retry-After", "0")));

    assertThatThrownBy(() -> source().build().fetch(new DataKey("600519", DataType.FINANCIAL)))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.resource()).isEqualTo("akshare");
          assertThat(e.getMessage()).contains("HTTP 429").contains("4 attempt(s)");
        });
    assertThat(server.hits()).isEqualTo(4);
  }

  @Test
  void shouldFailPermanentlyOnAnUnknownFunctionNamingItAndItsParameters() {
    server.thenAnswer(r -> Response.of(404, AkToolsReplayServer.UNKNOWN_FUNCTION));

    assertThatThrownBy(() -> source().build().fetch(new DataKey("600519", DataType.FINANCIAL)))
        .isInstanceOf(PermanentTaskException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("stock_financial_abstract(symbol=\"600519\")")
        .hasMessageContaining("未找到该接口");
    assertThat(server.hits()).isEqualTo(1);
  }

  @Test
  void shouldFailPermanentlyOnAParameterError() {
    server.thenAnswer(r -> Response.of(404, "{\"error\":\"请输入正确的参数错误 'symbol'\"}"));

    assertThatThrownBy(() -> source().build().fetch(new DataKey("600519", DataType.DAILY_QUOTES)))
        .isInstanceOf(PermanentTaskException.class)
        .hasMessageContaining("stock_zh_a_hist(symbol=\"600519\", period=\"daily\"");
  }

  @Test
  void shouldReturnEmptyWhenAkToolsHasNoData() {
    AkToolsSource s = source().build();

    assertThat(s.fetch(new DataKey("600519", DataType.LONGHUBANG))).isEmpty();
    assertThat(server.requests().get(0).function()).isEqualTo("stock_lhb_stock_detail_date_em");
    assertThat(s.fetch(new DataKey("601398", DataType.COMPANY_PROFILE))).isEmpty();
    server.thenAnswer(r -> Response.of(200, "[]"));
    assertThat(s.fetch(new DataKey("600519", DataType.FINANCIAL))).isEmpty();
    assertThat(server.hits()).isEqualTo(3);
  }

  @Test
  void shouldRetryATimedOutRequest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.thenAnswer(r -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Response.of(500, "late");
    });
    AkToolsSource s = source().requestTimeout(Duration.ofMillis(300)).build();

    Optional<DataRecord> r = s.fetch(new DataKey("600519", DataType.COMPANY_PROFILE));
    release.countDown();

    assertThat(r).isPresent();
    assertThat(server.hits()).isEqualTo(2);
  }

  @Test
  void shouldCallThePrivateApiWithTheBearerToken() {
    AkToolsSource s = source().bearerToken("tok-123").build();

    assertThat(s.fetch(new DataKey("600519", DataType.COMPANY_PROFILE))).isPresent();
    assertThat(server.requests().get(0).path()).isEqualTo("/api/private/stock_individual_info_em");
    assertThat(server.requests().get(0).authorization()).contains("Bearer tok-123");

    server.thenAnswer(r -> Response.of(401, "{\"detail\":\"Could not validate credentials\"}"));
    assertThatThrownBy(() -> s.fetch(new DataKey("600519", DataType.COMPANY_PROFILE)))
        .isInstanceOf(PermanentTaskException.class)
        .hasMessageContaining("bearer token");
  }

  @Test
  void shouldKeepTheHashAcrossFetchTimes() {
    Clock later = Clock.offset(AS_OF, Duration.ofHours(2));
    DataRecord a = source().build().fetch(new DataKey("600919", DataType.FINANCIAL)).orElseThrow();
    DataRecord b = source().clock(later).build()
        .fetch(new DataKey("600919", DataType.FINANCIAL)).orElseThrow();

    assertThat(b.fetchedAt()).isEqualTo(a.fetchedAt().plus(Duration.ofHours(2)));
    assertThat(b.payload()).isNotEqualTo(a.payload());
    assertThat(b.contentHash()).isEqualTo(a.contentHash());
  }

  @Test
  void shouldRejectATypeItDoesNotServe() {
    assertThatThrownBy(() -> source().build().fetch(new DataKey("600519", "news")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("news");
    assertThat(server.hits()).isZero();
  }

  @Test
  void shouldRejectInvalidSettings() {
    assertThatThrownBy(() -> AkToolsSource.builder().baseUrl("ftp://x"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> AkToolsSource.builder().baseUrl("http://h:8080/?a=b"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("query");
    assertThatThrownBy(() -> AkToolsSource.builder()
        .retries(2, Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> AkToolsSource.builder().adjust("bfq"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("adjust");
    assertThatThrownBy(() -> AkToolsSource.builder().requestTimeout(Duration.ZERO))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> AkToolsSource.builder().bearerToken("a b"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("bearerToken")
        .hasMessageNotContaining("a b");
  }

  @Test
  void shouldBeCreatedByItsPlugin() {
    MarketDataSource s = Plugins.create(MarketDataSource.class, "akshare",
        Map.of("baseUrl", server.baseUrl() + "/", "requestTimeout", "PT5S"));

    assertThat(s.name()).isEqualTo("akshare");
    assertThat(((AkToolsSource) s).baseUrl().toString()).isEqualTo(server.baseUrl());
    assertThat(s.dataTypes()).containsExactlyInAnyOrder(DataType.DAILY_QUOTES,
        DataType.COMPANY_PROFILE, DataType.FINANCIAL, DataType.ANNOUNCEMENTS,
        DataType.SHAREHOLDERS, DataType.LONGHUBANG);
    assertThat(s.fetch(new DataKey("600519", DataType.COMPANY_PROFILE))).isPresent();
    assertThatThrownBy(() -> Plugins.create(MarketDataSource.class, "akshare",
        Map.of("baseURL", "http://x")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("baseURL");
  }

  private static JsonNode payload(AkToolsSource s, String code, String type) throws Exception {
    DataRecord r = s.fetch(new DataKey(code, type)).orElseThrow();
    assertThat(r.source()).isEqualTo("akshare");
    JsonNode p = JSON.readTree(r.payload());
    assertThat(p.get("stockCode").asText()).isEqualTo(code);
    assertThat(p.get("dataType").asText()).isEqualTo(type);
    assertThat(p.get("fetchedAt").asText()).isEqualTo(r.fetchedAt().toString());
    return (ObjectNode) p;
  }
}
