package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.core.testing.SettableClock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MarketDocumentRendererTest {
  private static final List<String> TYPES = List.of(DataType.DAILY_QUOTES,
      DataType.COMPANY_PROFILE, DataType.FINANCIAL, DataType.ANNOUNCEMENTS,
      DataType.SHAREHOLDERS, DataType.LONGHUBANG);
  private static final StockNames NAMES = StockNames.builder().put("600519", "贵州茅台", "茅台")
      .put("000001", "平安银行").build();

  private final MarketDocumentRenderer renderer =
      MarketDocumentRenderer.builder().stockNames(NAMES).build();
  private final ContentHasher hasher = ContentHasher.defaults();

  private static DataRecord replay(String code, String type, Instant at) {
    return ReplayMarketDataSource.builder().clock(new SettableClock(at)).build()
        .fetch(new DataKey(code, type)).orElseThrow();
  }

  private RenderedDocument render(DataRecord r) {
    return renderer.render(r.key(), hasher.canonical(r.payload()));
  }

  @Test
  void shouldRenderEveryReplayRecordTheSameWayWhenFetchedAtAnotherTime() {
    for (String code : List.of("000001", "600519", "688469", "600919", "300059")) {
      for (String type : TYPES) {
        Optional<DataRecord> a = ReplayMarketDataSource.builder()
            .clock(new SettableClock(Instant.parse("2025-05-23T08:00:00Z"))).build()
            .fetch(new DataKey(code, type));
        if (a.isEmpty()) {
          continue;
        }
        DataRecord b = replay(code, type, Instant.parse("2025-06-30T20:00:00Z"));
        assertThat(a.get().payload()).isNotEqualTo(b.payload());

        RenderedDocument da = render(a.get());
        RenderedDocument db = render(b);

        assertThat(da).isEqualTo(db);
        assertThat(da.body()).isNotBlank().doesNotContain("fetchedAt").doesNotContain("2025-06-30");
        assertThat(da.header()).contains(code);
      }
    }
  }

  @Test
  void shouldRenderTheFinancialSummaryWithPeriodsAndUnits() {
    RenderedDocument doc = render(replay("600519", DataType.FINANCIAL, Instant.EPOCH));

    assertThat(doc.header()).isEqualTo("贵州茅台（600519.SH）财务摘要");
    assertThat(doc.stockName()).contains("贵州茅台");
    assertThat(doc.body())
        .contains("数据来源：AKShare stock_financial_abstract")
        .contains("【2024年年报（2024-12-31）】")
        .contains("归母净利润 855.53亿元")
        .contains("毛利率 91.93%")
        .contains("基本每股收益 68.11元")
        .contains("流动比率 4.45")
        .contains("总资产周转天数 615.61天");
  }

  @Test
  void shouldRenderTheOtherTypesWithTheirSourceFacts() {
    assertThat(render(replay("600519", DataType.COMPANY_PROFILE, Instant.EPOCH)).body())
        .contains("总市值：19754.97亿元").contains("上市时间：2001-08-27")
        .contains("总股本：1256197800股（12.56亿股）");
    assertThat(render(replay("600519", DataType.ANNOUNCEMENTS, Instant.EPOCH)).body())
        .contains("2025-05-16 【股东大会决议公告】贵州茅台关于2024年年度股东大会决议的公告。");
    assertThat(render(replay("600519", DataType.SHAREHOLDERS, Instant.EPOCH)).body())
        .contains("报告期：2025-03-31")
        .contains("第2名：香港中央结算有限公司，流通A股，持股74961102股（7496.11万股），占总股本5.97%，"
            + "较上期减持8912327股（变动比率 -10.63%）。");
    assertThat(render(replay("000001", DataType.LONGHUBANG, Instant.EPOCH)).body())
        .contains("上榜日期：2024-10-09").contains("买入第1名：东方财富证券股份有限公司拉萨团结路第一证券营业部");
    RenderedDocument daily = render(replay("000001", DataType.DAILY_QUOTES, Instant.EPOCH));
    assertThat(daily.header()).isEqualTo("平安银行（000001.SZ）日线行情");
    assertThat(daily.body()).contains("前复权").contains("共120个交易日")
        .contains("2025-05-23：开盘 10.95元，收盘 10.86元");
  }

  @Test
  void shouldTakeTheNameFromThePayloadWhenTheTableHasNone() {
    DataRecord r = replay("688469", DataType.ANNOUNCEMENTS, Instant.EPOCH);

    RenderedDocument doc = MarketDocumentRenderer.create().render(r.key(),
        hasher.canonical(r.payload()));

    assertThat(doc.header()).isEqualTo("芯联集成-U（688469.SH）公司公告");
    assertThat(MarketDocumentRenderer.create().render(new DataKey("600519", "financial"), "{}")
        .header()).isEqualTo("股票600519.SH 财务摘要");
  }

  @Test
  void shouldRenderUnknownColumnsAndTypesAsNameAndValue() {
    String payload = "{\"stockCode\":\"600519\",\"function\":\"f\",\"rows\":[{\"日期\":\"2025-05-23\","
        + "\"收盘\":1572.6,\"市盈率\":21.3}],\"备注\":\"测试\"}";

    String daily = renderer.render(new DataKey("600519", DataType.DAILY_QUOTES), payload).body();
    String other = renderer.render(new DataKey("600519", "esg_rating"),
        "{\"评级\":\"AA\",\"rows\":[{\"机构\":\"某机构\",\"得分\":88.5}]}").body();

    assertThat(daily).contains("市盈率：21.3").contains("收盘 1572.6元").contains("备注：测试");
    assertThat(other).contains("评级：AA").contains("机构：某机构，得分：88.5");
  }

  @Test
  void shouldNotCrashOnMissingOrOddlyTypedFields() {
    for (String type : TYPES) {
      DataKey key = new DataKey("600519", type);
      for (String payload : List.of("{}", "[]", "42", "{\"rows\":null}", "{\"rows\":[1,\"x\",null,{}]}",
          "{\"rows\":[{\"日期\":null,\"收盘\":\"停牌\",\"持股数\":\"—\",\"item\":\"最新\",\"value\":\"—\"}],"
              + "\"periods\":\"x\",\"buy\":{},\"sell\":[{\"净额\":\"abc\"}],\"tradeDates\":5}")) {
        RenderedDocument doc = renderer.render(key, payload);
        assertThat(doc.header()).contains("600519");
      }
    }
  }

  @Test
  void shouldRejectAPayloadThatIsNotJson() {
    assertThatThrownBy(() -> renderer.render(new DataKey("600519", "financial"), "nope"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void shouldUseACustomRendererForItsType() {
    MarketDocumentRenderer r = MarketDocumentRenderer.builder()
        .type("esg_rating", (k, json) -> new RenderedDocument("ESG " + k.stockCode(), "正文",
            Optional.empty()))
        .build();

    assertThat(r.render(new DataKey("600519", "esg_rating"), "{}").text()).isEqualTo("ESG 600519\n正文");
  }
}
