package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.VectorEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RagQueryTest {
  private final RagTestKit kit = new RagTestKit();

  @AfterEach
  void close() {
    kit.close();
  }

  private RagQuery.Builder query() {
    return RagQuery.builder().embedder(kit.embedder).vectorStore(kit.vectors)
        .versionStore(kit.versions).stockNames(RagTestKit.NAMES);
  }

  /** Syncs a record whose document is one short sentence, so similarities are high. */
  private SyncResult syncText(String code, String type, String text) {
    RagSyncProcessor sync = RagSyncProcessor.builder().embedder(kit.embedder)
        .vectorStore(kit.vectors).versionStore(kit.versions)
        .renderer((k, json) -> new RenderedDocument("", text, Optional.empty())).build();
    String payload = "{\"text\":\"" + text + "\"}";
    return sync.sync(new DataRecord(new DataKey(code, type), payload, "h", kit.clock.instant(),
        "test", false));
  }

  @Test
  void shouldRecogniseStocksByCodeNameOrAliasAndTypesByKeyword() {
    RagQuery q = query().build();

    QuestionAnalysis a = q.analyze("茅台和000001 平安银行2024年的净利润与龙虎榜");
    QuestionAnalysis b = q.analyze("贵州茅台股东大会决议公告");
    QuestionAnalysis none = q.analyze("今天天气怎么样 202405");

    assertThat(a.stockCodes()).containsExactlyInAnyOrder("600519", "000001");
    assertThat(a.dataTypes()).containsExactlyInAnyOrder(DataType.FINANCIAL, DataType.LONGHUBANG);
    assertThat(b.stockCodes()).containsExactly("600519");
    assertThat(b.dataTypes()).containsExactly(DataType.ANNOUNCEMENTS);
    assertThat(none.stockCodes()).isEmpty();
    assertThat(none.dataTypes()).isEmpty();
  }

  @Test
  void shouldScoreMetadataAsTheShareOfNamedDimensionsMatched() {
    QuestionAnalysis a = new QuestionAnalysis(java.util.Set.of("600519"),
        java.util.Set.of(DataType.FINANCIAL));

    assertThat(a.match("600519", DataType.FINANCIAL)).isEqualTo(1.0);
    assertThat(a.match("600519", DataType.ANNOUNCEMENTS)).isEqualTo(0.5);
    assertThat(a.match("000001", DataType.ANNOUNCEMENTS)).isEqualTo(0.0);
    assertThat(new QuestionAnalysis(java.util.Set.of(), java.util.Set.of())
        .match("600519", DataType.FINANCIAL)).isEqualTo(0.0);
  }

  @Test
  void shouldDropMatchesBelowTheThresholdAndRankByTheHybridScore() {
    syncText("600519", DataType.FINANCIAL, "贵州茅台2024年净利润862亿元");
    syncText("000001", DataType.FINANCIAL, "平安银行2024年净利润445亿元");
    syncText("600519", DataType.ANNOUNCEMENTS, "贵州茅台关于2024年年度股东大会决议的公告");

    List<RagHit> hits = query().build().search("贵州茅台2024年净利润");

    assertThat(hits).isNotEmpty();
    assertThat(hits).allSatisfy(h -> assertThat(h.similarity()).isGreaterThanOrEqualTo(0.7));
    RagHit top = hits.get(0);
    assertThat(top.stockCode()).isEqualTo("600519");
    assertThat(top.dataType()).isEqualTo(DataType.FINANCIAL);
    assertThat(top.metadataMatch()).isEqualTo(1.0);
    assertThat(top.score()).isCloseTo(0.7 * top.similarity() + 0.3,
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(top.chunkIndex()).isZero();
    assertThat(top.text()).isEqualTo("贵州茅台2024年净利润862亿元");
    List<RagHit> all = query().threshold(-1).build().search("贵州茅台2024年净利润");
    assertThat(all).hasSize(3);
    assertThat(all).isSortedAccordingTo((x, y) -> Double.compare(y.score(), x.score()));
  }

  @Test
  void shouldSearchOnlyTheRequestedTypesAndStocks() {
    syncText("600519", DataType.FINANCIAL, "贵州茅台2024年净利润862亿元");
    syncText("000001", DataType.FINANCIAL, "平安银行2024年净利润445亿元");
    syncText("600519", DataType.ANNOUNCEMENTS, "贵州茅台2024年年度报告");
    RagQuery q = query().threshold(-1).build();

    assertThat(q.search(RagQuery.request("2024年净利润").stockCodes("000001.SZ").build()))
        .extracting(RagHit::stockCode).containsOnly("000001");
    assertThat(q.search(RagQuery.request("2024年").dataTypes(DataType.ANNOUNCEMENTS).build()))
        .extracting(RagHit::dataType).containsOnly(DataType.ANNOUNCEMENTS);
    assertThat(q.search(RagQuery.request("2024年").topK(1).build())).hasSize(1);
  }

  @Test
  void shouldReturnOnlyActiveVersionsEvenWhenOthersCrowdTheTop() {
    SyncResult active = syncText("600519", DataType.FINANCIAL, "贵州茅台2024年净利润862亿元");
    List<VectorEntry> crowd = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      crowd.add(new VectorEntry("pending-" + i, BigramEmbedder.vector("贵州茅台2024年净利润"),
          "贵州茅台2024年净利润" + i, Map.of("stock_code", "600519", "data_type", "financial",
          "version_id", "pending-version", "chunk_index", i)));
    }
    kit.realVectors.upsert("prism_financial", crowd);

    List<RagHit> hits = query().topK(1).build().search("贵州茅台2024年净利润");

    assertThat(hits).extracting(RagHit::versionId).containsExactly(active.versionId());
  }

  @Test
  void shouldHonourCustomWeightsAndValidateSettings() {
    syncText("600519", DataType.FINANCIAL, "贵州茅台2024年净利润862亿元");

    RagHit h = query().weights(1, 0).build().search("贵州茅台2024年净利润").get(0);

    assertThat(h.score()).isEqualTo(h.similarity());
    assertThatThrownBy(() -> query().weights(-1, 1)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> query().threshold(2)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RagQuery.request(" ")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RagQuery.builder().build()).isInstanceOf(InvalidInputException.class);
  }
}
