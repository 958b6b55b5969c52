package io.prism.batch.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.Exchange;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.api.data.StockCode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticMarketDataSourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-05-23T08:00:00Z"), ZoneOffset.UTC);
  private static final List<String> FOUR_TYPES = List.of(DataType.FINANCIAL,
      DataType.ANNOUNCEMENTS, DataType.SHAREHOLDERS, DataType.DAILY_QUOTES);

  @Test
  void shouldGenerateDistinctValidCodesAcrossBoards() {
    List<String> codes = SyntheticMarketDataSource.builder().stockCount(1_000).build().stockCodes();

    assertThat(codes).hasSize(1_000).doesNotHaveDuplicates().isSorted();
    Set<Exchange> exchanges = EnumSet.noneOf(Exchange.class);
    for (String c : codes) {
      exchanges.add(StockCode.parse(c).exchange());
    }
    assertThat(exchanges).containsExactlyInAnyOrder(Exchange.SH, Exchange.SZ, Exchange.BJ);
    assertThat(codes).anyMatch(c -> c.startsWith("688")).anyMatch(c -> c.startsWith("30"))
        .anyMatch(c -> c.startsWith("60")).anyMatch(c -> c.startsWith("00"));
    assertThat(SyntheticMarketDataSource.builder().stockCount(1_000).build().stockCodes())
        .isEqualTo(codes);
    assertThat(SyntheticMarketDataSource.builder().stockCount(1_000).seed(7).build().stockCodes())
        .isNotEqualTo(codes);
  }

  @Test
  void shouldProduceTheSameRecordsForTheSameSettings() {
    SyntheticMarketDataSource a = source(0);
    SyntheticMarketDataSource b = source(0);

    for (String code : a.stockCodes().subList(0, 10)) {
      for (String type : a.dataTypes()) {
        DataKey key = new DataKey(code, type);
        assertThat(b.fetch(key).orElseThrow().payload())
            .isEqualTo(a.fetch(key).orElseThrow().payload());
      }
    }
  }

  @Test
  void shouldChangeOnlyTheMutatedRecordsHash() {
    SyntheticMarketDataSource s = source(0);
    DataKey key = new DataKey(s.stockCodes().get(0), DataType.FINANCIAL);
    DataKey other = new DataKey(s.stockCodes().get(1), DataType.FINANCIAL);
    String before = s.fetch(key).orElseThrow().contentHash();
    String otherBefore = s.fetch(other).orElseThrow().contentHash();

    assertThat(s.mutate(key)).isEqualTo(1);

    assertThat(s.revision(key)).isEqualTo(1);
    assertThat(s.fetch(key).orElseThrow().contentHash()).isNotEqualTo(before);
    assertThat(s.fetch(other).orElseThrow().contentHash()).isEqualTo(otherBefore);
  }

  @Test
  void shouldChangeEveryHashWithTheVersion() {
    SyntheticMarketDataSource v0 = source(0);
    SyntheticMarketDataSource v1 = source(1);

    for (String type : v0.dataTypes()) {
      DataKey key = new DataKey(v0.stockCodes().get(3), type);
      assertThat(v1.fetch(key).orElseThrow().contentHash())
          .as(type).isNotEqualTo(v0.fetch(key).orElseThrow().contentHash());
    }
  }

  @Test
  void shouldFailTheSameFetchesAtTheConfiguredRate() {
    SyntheticMarketDataSource a = failing();
    SyntheticMarketDataSource b = failing();

    List<DataKey> failedA = failures(a);
    List<DataKey> failedB = failures(b);

    assertThat(failedA).isEqualTo(failedB);
    assertThat(failedA.size()).isBetween(100, 220);
  }

  @Test
  void shouldShapeRecordsLikeTheReplaySource() throws Exception {
    SyntheticMarketDataSource synthetic = source(0);
    ReplayMarketDataSource replay = ReplayMarketDataSource.builder().clock(CLOCK).build();

    for (String type : synthetic.dataTypes()) {
      JsonNode s = JSON.readTree(
          synthetic.fetch(new DataKey(synthetic.stockCodes().get(0), type)).orElseThrow().payload());
      JsonNode r = JSON.readTree(replay.fetch(new DataKey("000001", type)).orElseThrow().payload());
      assertThat(names(s)).as(type).isEqualTo(names(r));
      String rowsField = type.equals(DataType.LONGHUBANG) ? "buy" : "rows";
      if (!type.equals(DataType.FINANCIAL)) {
        assertThat(names(s.get(rowsField).get(0))).as(type).isEqualTo(names(r.get(rowsField).get(0)));
      }
    }
  }

  @Test
  void shouldServeGivenCodesAndNothingElse() {
    SyntheticMarketDataSource s = SyntheticMarketDataSource.builder()
        .stockCodes(List.of("600519.SH", "000001")).build();

    assertThat(s.stockCodes()).containsExactly("000001", "600519");
    assertThat(s.fetch(new DataKey("600519", DataType.LONGHUBANG))).isPresent();
    assertThat(s.fetch(new DataKey("300059", DataType.LONGHUBANG))).isEmpty();
  }

  @Test
  void shouldServeAThousandStocksTimesFourTypes() {
    SyntheticMarketDataSource s = SyntheticMarketDataSource.builder()
        .stockCount(1_000).dailyTradingDays(20).clock(CLOCK).build();
    Set<String> hashes = new HashSet<>();

    for (String code : s.stockCodes()) {
      for (String type : FOUR_TYPES) {
        DataRecord r = s.fetch(new DataKey(code, type)).orElseThrow();
        assertThat(r.source()).isEqualTo("synthetic");
        hashes.add(r.contentHash());
      }
    }

    assertThat(hashes).hasSize(4_000);
  }

  @Test
  void shouldRejectInvalidSettings() {
    assertThatThrownBy(() -> SyntheticMarketDataSource.builder().stockCount(0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("stockCount");
    assertThatThrownBy(() -> SyntheticMarketDataSource.builder().failureRate(1.5))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("failureRate");
    assertThatThrownBy(() -> SyntheticMarketDataSource.builder().stockCodes(List.of("12345")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("stockCode");
  }

  @Test
  void shouldBeCreatedByItsPlugin() {
    MarketDataSource s = Plugins.create(MarketDataSource.class, "synthetic",
        Map.of("stockCount", "5", "seed", "9", "failureRate", "0"));

    assertThat(s.name()).isEqualTo("synthetic");
    assertThat(((SyntheticMarketDataSource) s).stockCodes()).hasSize(5);
    assertThatThrownBy(() -> Plugins.create(MarketDataSource.class, "synthetic",
        Map.of("stockCount", "5", "stockCodes", "600519")))
        .isInstanceOf(InvalidInputException.class);
  }

  private static SyntheticMarketDataSource source(long version) {
    return SyntheticMarketDataSource.builder().stockCount(20).version(version).clock(CLOCK).build();
  }

  private static SyntheticMarketDataSource failing() {
    return SyntheticMarketDataSource.builder().stockCount(100).failureRate(0.4).build();
  }

  private static List<DataKey> failures(SyntheticMarketDataSource s) {
    List<DataKey> failed = new ArrayList<>();
    for (String code : s.stockCodes()) {
      for (String type : List.of(DataType.COMPANY_PROFILE, DataType.FINANCIAL,
          DataType.ANNOUNCEMENTS, DataType.SHAREHOLDERS)) {
        DataKey key = new DataKey(code, type);
        try {
          s.fetch(key);
        } catch (BatchException e) {
          failed.add(key);
        }
      }
    }
    return failed;
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
