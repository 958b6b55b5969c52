package io.prism.batch.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WordPieceTokenizerTest {

  private static final String TOKENIZER_RESOURCE = "bge-small-zh-v1.5-q-tokenizer.json";

  private static WordPieceTokenizer tokenizer;

  @BeforeAll
  static void loadTokenizer() throws IOException {
    tokenizer = read(TOKENIZER_RESOURCE);
  }

  private static WordPieceTokenizer read(String resource) throws IOException {
    try (InputStream in = resource(resource)) {
      return WordPieceTokenizer.read(in);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = WordPieceTokenizerTest.class.getClassLoader().getResourceAsStream(name);
    assertThat(in).as("class-path resource %s", name).isNotNull();
    return in;
  }

  private static WordPieceTokenizer fromText(String text) throws IOException {
    return WordPieceTokenizer.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldProduceNoUnknownTokenForUpperCaseFinanceTerms() {
    for (String text :
        List.of("贵州茅台的ROE为30.2%，EPS为49.93元。", "ROE", "EPS", "A股市场的PE与PB估值，ETF申购放量。")) {
      List<String> tokens = tokenizer.tokenize(text);

      assertThat(tokens).as("tokens of %s", text).isNotEmpty().doesNotContain("[UNK]");
      assertThat(tokenizer.encode(text, 512)).doesNotContain(tokenizer.unknownId());
    }
  }

  @Test
  void shouldLowerCaseLatinLetters() {
    assertThat(tokenizer.tokenize("ROE EPS ETF")).isEqualTo(tokenizer.tokenize("roe eps etf"));
    assertThat(tokenizer.tokenize("A股")).isEqualTo(tokenizer.tokenize("a股"));
  }

  @Test
  void shouldStripAccents() {
    assertThat(tokenizer.tokenize("Café Müller")).isEqualTo(tokenizer.tokenize("cafe muller"));
  }

  @Test
  void shouldSplitEveryChineseCharacterAndPunctuation() {
    assertThat(tokenizer.tokenize("平安银行（000001）上涨。"))
        .containsExactly("平", "安", "银", "行", "（", "000", "##001", "）", "上", "涨", "。");
  }

  @Test
  void shouldMatchHuggingFaceTokenizerOnTextWithoutUpperCase() throws IOException {
    List<String> texts = new ArrayList<>(io.prism.batch.onnx.FinanceTextsAccess.generate(200));
    texts.addAll(
        List.of(
            "",
            "   ",
            "hello world, this is a test of wordpiece: unbelievable tokenization!!!",
            "市盈率（ttm）为12.5倍；市净率1.3倍——估值处于历史低位…",
            "股价\t涨停\n成交量\r\n放大",
            "全角字符：ａｂｃ１２３，％＄",
            "emoji 📈 and rare 𠀀 characters",
            "zero\u200bwidth\u0000control\u0007chars",
            "网址 https://example.com/a_b?x=1&y=2 和邮箱 ir@company.com",
            "supercalifragilisticexpialidocious" + "x".repeat(120),
            "[CLS] 已有的特殊标记 [SEP] 与 [MASK] 和 [UNK]"));
    try (InputStream in = resource(TOKENIZER_RESOURCE);
        HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(in, Map.of())) {
      for (String text : texts) {
        Encoding expected = reference.encode(text);
        int[] expectedIds = Arrays.stream(expected.getIds()).mapToInt(Math::toIntExact).toArray();

        assertThat(tokenizer.encode(text, 512))
            .as("ids of %s (tokens %s)", text, Arrays.toString(expected.getTokens()))
            .containsExactly(expectedIds);
      }
    }
  }

  @Test
  void shouldTruncateToMaxLengthKeepingSpecialTokens() {
    String text = "沪深两市成交额突破万亿元".repeat(100);

    int[] ids = tokenizer.encode(text, 512);
    int[] short8 = tokenizer.encode(text, 8);

    assertThat(ids).hasSize(512);
    assertThat(tokenizer.token(ids[0])).isEqualTo("[CLS]");
    assertThat(tokenizer.token(ids[511])).isEqualTo("[SEP]");
    assertThat(short8).hasSize(8);
    assertThat(Arrays.copyOfRange(short8, 1, 7)).containsExactly(Arrays.copyOfRange(ids, 1, 7));
  }

  @Test
  void shouldEncodeEmptyTextAsClsAndSep() {
    int[] ids = tokenizer.encode("", 512);

    assertThat(ids).hasSize(2);
    assertThat(tokenizer.token(ids[0])).isEqualTo("[CLS]");
    assertThat(tokenizer.token(ids[1])).isEqualTo("[SEP]");
  }

  @Test
  void shouldSplitUnknownWordsIntoWordPieces() throws IOException {
    WordPieceTokenizer small =
        fromText("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nun\n##aff\n##able\nrunning\n,\n");

    assertThat(small.tokenize("UnAffable, running"))
        .containsExactly("un", "##aff", "##able", ",", "running");
    assertThat(small.tokenize("unknown")).containsExactly("[UNK]");
    assertThat(small.encode("running", 512)).containsExactly(2, 8, 3);
    assertThat(small.vocabularySize()).isEqualTo(10);
  }

  @Test
  void shouldRejectTokenizerJsonThatIsNotWordPiece() {
    String bpe = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}";

    assertThatThrownBy(() -> fromText(bpe))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not WordPiece");
  }

  @Test
  void shouldRejectVocabularyWithoutSpecialTokens() {
    assertThatThrownBy(() -> fromText("a\nb\nc\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[UNK]");
  }

  @Test
  void shouldRejectMalformedJson() {
    assertThatThrownBy(
            () -> fromText("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": }}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid JSON");
  }
}
