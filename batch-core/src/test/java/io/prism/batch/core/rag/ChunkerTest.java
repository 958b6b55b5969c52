package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChunkerTest {
  private static final Pattern NUMBER = Pattern.compile("-?\\d[\\d,]*(?:\\.\\d+)?%?");

  private static Chunker chars(int max, int overlap) {
    return Chunker.builder().measure(Chunker.Measure.CHARACTERS).maxTokens(max)
        .overlapTokens(overlap).build();
  }

  /** Every number of the text, as written. */
  private static List<String> numbers(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void shouldKeepAShortTextInOneChunk() {
    List<Chunk> chunks = Chunker.defaults().chunk("贵州茅台2024年营业总收入1,748.51亿元。");

    assertThat(chunks).containsExactly(new Chunk(0, "贵州茅台2024年营业总收入1,748.51亿元。",
        Chunker.defaults().size("贵州茅台2024年营业总收入1,748.51亿元。")));
  }

  @Test
  void shouldReturnNoChunksForABlankText() {
    assertThat(Chunker.defaults().chunk(" \n\n ")).isEmpty();
    assertThat(Chunker.defaults().chunk("标题", " ")).extracting(Chunk::text)
        .containsExactly("标题");
  }

  @Test
  void shouldSplitAtSentenceEndsAndStayWithinTheBudget() {
    String text = "第一句话说的是营业收入。第二句话说的是净利润！第三句话问毛利率？第四句话讲负债率；第五句收尾。";
    Chunker chunker = chars(24, 0);

    List<Chunk> chunks = chunker.chunk(text);

    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(chunks).allSatisfy(c -> assertThat(c.size()).isLessThanOrEqualTo(24));
    assertThat(chunks).allSatisfy(c -> assertThat(c.text()).matches("(?s).*[。！？；]$"));
    assertThat(String.join("", chunks.stream().map(Chunk::text).toList())).isEqualTo(text);
  }

  @Test
  void shouldNeverCutInsideANumberEvenInAnOverlongSentence() {
    StringBuilder sb = new StringBuilder("营业总收入");
    for (int i = 0; i < 40; i++) {
      sb.append(" 1,234,567.89 与 12.5% 及 -8912327 和 2025-05-23");
    }
    String text = sb.toString();
    Chunker chunker = chars(40, 0);

    List<Chunk> chunks = chunker.chunk(text);

    assertThat(chunks).hasSizeGreaterThan(5);
    List<String> seen = new ArrayList<>();
    for (Chunk c : chunks) {
      assertThat(c.size()).isLessThanOrEqualTo(40);
      seen.addAll(numbers(c.text()));
    }
    assertThat(seen).isEqualTo(numbers(text));
    assertThat(seen).contains("1,234,567.89", "12.5%", "-8912327");
    assertThat(chunks).allSatisfy(c -> assertThat(c.text()).doesNotStartWith(",")
        .doesNotStartWith(".").doesNotStartWith("%"));
  }

  @Test
  void shouldNeverSplitATableRowThatFitsTheBudget() {
    List<String> rows = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      rows.add(String.format("2025-05-%02d：开盘 1,620.%02d元，收盘 1,619.62元，涨跌幅 -0.25%%，成交额 36.23亿元。", i % 28 + 1, i));
    }
    String text = String.join("\n", rows);

    List<Chunk> chunks = Chunker.builder().maxTokens(128).overlapTokens(0).build().chunk(text);

    assertThat(chunks).hasSizeGreaterThan(3);
    for (Chunk c : chunks) {
      for (String line : c.text().split("\n")) {
        assertThat(rows).contains(line);
      }
    }
  }

  @Test
  void shouldOverlapWithWholeSentencesOfThePreviousChunk() {
    String text = "甲甲甲甲甲甲。乙乙乙乙乙乙。丙丙丙丙丙丙。丁丁丁丁丁丁。戊戊戊戊戊戊。己己己己己己。";
    Chunker chunker = chars(21, 7);

    List<Chunk> chunks = chunker.chunk(text);

    assertThat(chunks).extracting(Chunk::text).containsExactly(
        "甲甲甲甲甲甲。乙乙乙乙乙乙。丙丙丙丙丙丙。",
        "丙丙丙丙丙丙。丁丁丁丁丁丁。戊戊戊戊戊戊。",
        "戊戊戊戊戊戊。己己己己己己。");
  }

  @Test
  void shouldLeaveTheOverlapEmptyWhenTheLastSentenceIsLongerThanIt() {
    String text = "甲甲甲甲甲甲甲甲甲。乙乙乙乙乙乙乙乙乙。丙丙丙丙丙丙丙丙丙。";

    List<Chunk> chunks = chars(20, 5).chunk(text);

    assertThat(chunks).extracting(Chunk::text).containsExactly(
        "甲甲甲甲甲甲甲甲甲。乙乙乙乙乙乙乙乙乙。", "丙丙丙丙丙丙丙丙丙。");
  }

  @Test
  void shouldRepeatTheHeaderInEveryChunkWithinTheBudget() {
    String body = "第一段内容。".repeat(30);

    List<Chunk> chunks = chars(40, 0).chunk("贵州茅台（600519.SH）财务摘要", body);

    assertThat(chunks).hasSizeGreaterThan(2);
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.text()).startsWith("贵州茅台（600519.SH）财务摘要\n");
      assertThat(c.size()).isLessThanOrEqualTo(40);
    });
    assertThat(chunks).extracting(Chunk::index).containsExactly(
        java.util.stream.IntStream.range(0, chunks.size()).boxed().toArray(Integer[]::new));
  }

  @Test
  void shouldKeepParagraphBreaks() {
    List<Chunk> chunks = Chunker.defaults().chunk("第一段第一行。\n第一段第二行。\n\n第二段。");

    assertThat(chunks).extracting(Chunk::text)
        .containsExactly("第一段第一行。\n第一段第二行。\n\n第二段。");
  }

  @Test
  void shouldGiveTheSameChunksForTheSameText() {
    String text = "营业总收入 1,748.51亿元，净利润 872.64亿元。".repeat(100);
    Chunker chunker = Chunker.builder().build();

    assertThat(chunker.chunk("头", text)).isEqualTo(Chunker.defaults().chunk("头", text));
  }

  @Test
  void shouldEstimateTokensForChineseDigitsAndLatin() {
    Chunker c = Chunker.defaults();

    assertThat(c.size("贵州茅台")).isEqualTo(4);
    assertThat(c.size("2025")).isEqualTo(2);
    assertThat(c.size("12345")).isEqualTo(3);
    assertThat(c.size("ROE roe")).isEqualTo(2);
    assertThat(c.size("1,234.56%")).isEqualTo(1 + 1 + 2 + 1 + 1 + 1);
  }

  @Test
  void shouldRefuseTooManyChunksAndBadSettings() {
    Chunker small = Chunker.builder().measure(Chunker.Measure.CHARACTERS).maxTokens(16)
        .overlapTokens(0).maxChunks(2).build();

    assertThatThrownBy(() -> small.chunk("一二三四五六七八九十。".repeat(10)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxChunks");
    assertThatThrownBy(() -> Chunker.builder().maxTokens(100).overlapTokens(50).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("overlapTokens");
    assertThatThrownBy(() -> Chunker.builder().maxTokens(8))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> chars(20, 0).chunk("很长很长很长很长很长的标题", "正文"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("header");
  }

  @Test
  void shouldDescribeItsSettingsInTheFingerprint() {
    assertThat(Chunker.defaults().fingerprint())
        .isEqualTo("chunker-v1;measure=APPROX_TOKENS;max=512;overlap=50;maxChunks=100");
    assertThat(Chunker.builder().overlapTokens(40).build().fingerprint())
        .isNotEqualTo(Chunker.defaults().fingerprint());
  }
}
