package io.prism.batch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

  private static OnnxEmbedder embedder;

  @BeforeAll
  static void startEmbedder() {
    embedder = OnnxEmbedder.builder().threads(2).build();
  }

  @AfterAll
  static void closeEmbedder() {
    embedder.close();
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  static double cosine(float[] a, float[] b) {
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  }

  @Test
  void shouldDescribeTheDefaultModel() {
    assertThat(embedder.modelId()).isEqualTo("bge-small-zh-v1.5-q");
    assertThat(embedder.dimension()).isEqualTo(512);
    assertThat(embedder.threads()).isEqualTo(2);
    assertThat(embedder.maxLength()).isEqualTo(512);
    assertThat(embedder.queryInstruction()).isEqualTo("为这个句子生成表示以用于检索相关文章：");
  }

  @Test
  void shouldMatchLangchain4jQuantizedModelOn200Texts() {
    List<String> texts = FinanceTexts.generate(200);
    assertThat(texts)
        .allSatisfy(t -> assertThat(t).hasSizeBetween(30, 200).doesNotContainPattern("[A-Z]"));
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    List<Embedding> expected;
    try {
      expected = new BgeSmallZhV15QuantizedEmbeddingModel(executor).embedAll(segments).content();
    } finally {
      executor.shutdown();
    }

    List<float[]> actual = embedder.embed(texts);

    assertThat(actual).hasSize(200);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(actual.get(i)).hasSize(512);
      assertThat(cosine(actual.get(i), expected.get(i).vector()))
          .as("cosine of text %d: %s", i, texts.get(i))
          .isGreaterThanOrEqualTo(0.999);
    }
  }

  @Test
  void shouldGiveIdenticalVectorAloneAndInsideFullCall() {
    List<String> others = FinanceTexts.generateShort(2047);
    String text = "宁德时代（300750）发布公告，动力电池出货量同比增长三成，储能业务毛利率提升。";
    List<String> call = new ArrayList<>(others.subList(0, 1000));
    call.add(text);
    call.addAll(others.subList(1000, 2047));
    assertThat(call).hasSize(2048);

    float[] alone = embedder.embed(List.of(text)).get(0);
    List<float[]> together = embedder.embed(call);

    assertThat(together).hasSize(2048);
    assertThat(Arrays.equals(together.get(1000), alone)).isTrue();
    assertThat(Arrays.equals(together.get(0), embedder.embed(List.of(call.get(0))).get(0)))
        .isTrue();
    assertThat(Arrays.equals(together.get(2047), embedder.embed(List.of(call.get(2047))).get(0)))
        .isTrue();
  }

  @Test
  void shouldReturnUnitVectorsInInputOrder() {
    List<String> texts = List.of("招商银行净息差收窄", "光伏组件价格下跌", "招商银行净息差收窄");

    List<float[]> vectors = embedder.embed(texts);

    assertThat(vectors).hasSize(3);
    for (float[] v : vectors) {
      assertThat(dot(v, v)).isCloseTo(1.0, within(1e-5));
    }
    assertThat(Arrays.equals(vectors.get(0), vectors.get(2))).isTrue();
    assertThat(Arrays.equals(vectors.get(0), vectors.get(1))).isFalse();
  }

  @Test
  void shouldSplitInputsLargerThanOneCall() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < OnnxEmbedder.MAX_TEXTS_PER_CALL + 52; i++) {
      texts.add("第" + (i % 7) + "号");
    }

    List<float[]> vectors = embedder.embed(texts);

    assertThat(vectors).hasSize(2100);
    for (int i : new int[] {0, 6, 2047, 2048, 2099}) {
      assertThat(Arrays.equals(vectors.get(i), embedder.embed(List.of(texts.get(i))).get(0)))
          .as("vector %d", i)
          .isTrue();
    }
  }

  @Test
  void shouldServeConcurrentCallsWithTheSameVectors() throws Exception {
    List<String> texts = FinanceTexts.generate(40);
    List<float[]> expected = embedder.embed(texts);
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<float[]>>> calls = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        calls.add(callers.submit(() -> embedder.embed(texts)));
      }
      Future<float[]> query = callers.submit(() -> embedder.embedQuery(texts.get(0)));

      for (Future<List<float[]>> call : calls) {
        List<float[]> actual = call.get(2, TimeUnit.MINUTES);
        for (int i = 0; i < texts.size(); i++) {
          assertThat(Arrays.equals(actual.get(i), expected.get(i))).as("vector %d", i).isTrue();
        }
      }
      assertThat(query.get(2, TimeUnit.MINUTES)).hasSize(512);
    } finally {
      callers.shutdown();
    }
  }

  @Test
  void shouldEmbedEmptyInputAsEmptyList() {
    assertThat(embedder.embed(List.of())).isEmpty();
  }

  @Test
  void shouldPutQueryInstructionBeforeQuery() {
    String query = "茅台的股价是多少";

    float[] viaQuery = embedder.embedQuery(query);
    float[] withPrefix =
        embedder.embed(List.of(OnnxEmbedder.BGE_ZH_QUERY_INSTRUCTION + query)).get(0);
    float[] plain = embedder.embed(List.of(query)).get(0);

    assertThat(Arrays.equals(viaQuery, withPrefix)).isTrue();
    assertThat(Arrays.equals(viaQuery, plain)).isFalse();
  }

  @Test
  void shouldRankTheRelevantPassageFirst() {
    List<float[]> passages =
        embedder.embed(
            List.of(
                "贵州茅台（600519）今日收盘价为1680.00元，白酒板块整体走强。",
                "招商银行（600036）发布年报，净息差同比收窄，不良率保持稳定。",
                "宁德时代（300750）动力电池装机量继续位居全球第一。"));

    float[] query = embedder.embedQuery("茅台今天收盘多少钱");

    assertThat(dot(query, passages.get(0))).isGreaterThan(dot(query, passages.get(1)));
    assertThat(dot(query, passages.get(0))).isGreaterThan(dot(query, passages.get(2)));
  }

  @Test
  void shouldKeepUpperCaseFinanceTermsMeaningful() {
    assertThat(embedder.encode("ROE与EPS双双提升")).doesNotContain(embedder.tokenizer().unknownId());
    float[] upper = embedder.embed(List.of("ROE与EPS双双提升")).get(0);
    float[] lower = embedder.embed(List.of("roe与eps双双提升")).get(0);

    assertThat(Arrays.equals(upper, lower)).isTrue();
  }

  @Test
  void shouldFallBackToSingleTextsWhenGroupFails() {
    AtomicInteger failedGroups = new AtomicInteger();
    AtomicInteger singles = new AtomicInteger();
    List<String> texts = FinanceTexts.generate(20);
    List<float[]> expected = embedder.embed(texts);
    try (OnnxEmbedder failing =
        OnnxEmbedder.builder()
            .threads(2)
            .runnerDecorator(
                real ->
                    group -> {
                      if (group.size() > 1) {
                        failedGroups.incrementAndGet();
                        throw new IllegalStateException("injected group failure");
                      }
                      singles.incrementAndGet();
                      return real.run(group);
                    })
            .build()) {

      List<float[]> actual = failing.embed(texts);

      assertThat(failedGroups.get()).isEqualTo(3); // groups of 8, 8, 4
      assertThat(singles.get()).isEqualTo(20);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(Arrays.equals(actual.get(i), expected.get(i))).as("vector %d", i).isTrue();
      }
    }
  }

  @Test
  void shouldSpreadASmallCallOverEveryThread() {
    List<Integer> groups = Collections.synchronizedList(new ArrayList<>());
    List<String> texts = FinanceTexts.generate(8); // one record's chunks, say
    List<float[]> expected = embedder.embed(texts);
    try (OnnxEmbedder counting =
        OnnxEmbedder.builder()
            .threads(2)
            .runnerDecorator(
                real ->
                    group -> {
                      groups.add(group.size());
                      return real.run(group);
                    })
            .build()) {

      List<float[]> actual = counting.embed(texts);
      List<Integer> eight = List.copyOf(groups);
      groups.clear();
      counting.embed(FinanceTexts.generate(3));
      List<Integer> three = List.copyOf(groups);
      groups.clear();
      counting.embed(FinanceTexts.generate(20));

      assertThat(eight).containsExactly(4, 4);
      assertThat(three).containsExactlyInAnyOrder(2, 1);
      assertThat(groups).containsExactlyInAnyOrder(8, 8, 4); // full groups for large calls
      for (int i = 0; i < texts.size(); i++) {
        assertThat(Arrays.equals(actual.get(i), expected.get(i))).as("vector %d", i).isTrue();
      }
    }
    assertThat(OnnxEmbedder.groupSize(1, 2)).isEqualTo(1);
    assertThat(OnnxEmbedder.groupSize(8, 1)).isEqualTo(8);
    assertThat(OnnxEmbedder.groupSize(100, 4)).isEqualTo(OnnxEmbedder.GROUP_SIZE);
  }

  @Test
  void shouldNameTheTextThatFailsAloneAfterTryingTheOthers() {
    List<String> texts = new ArrayList<>(FinanceTexts.generate(12));
    texts.set(9, "这段文字会失败");
    AtomicInteger runs = new AtomicInteger();
    try (OnnxEmbedder failing =
        OnnxEmbedder.builder()
            .threads(1)
            .runnerDecorator(
                real -> {
                  int[] poison = embedderEncoding("这段文字会失败");
                  return group -> {
                    for (int[] ids : group) {
                      if (Arrays.equals(ids, poison)) {
                        throw new IllegalStateException("injected text failure");
                      }
                    }
                    runs.addAndGet(group.size());
                    return real.run(group);
                  };
                })
            .build()) {

      assertThatThrownBy(() -> failing.embed(texts))
          .isInstanceOf(BatchException.class)
          .hasMessageContaining("1 of 12 texts")
          .hasMessageContaining("text 9")
          .hasMessageContaining("injected text failure");
      assertThat(runs.get()).isEqualTo(11);
    }
  }

  private static int[] embedderEncoding(String text) {
    return embedder.encode(text);
  }

  @Test
  void shouldRejectNullTextsNamingTheIndex() {
    assertThatThrownBy(() -> embedder.embed(Arrays.asList("平安银行", null)))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("texts[1]"));
    assertThatThrownBy(() -> embedder.embed(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("texts"));
    assertThatThrownBy(() -> embedder.embedQuery(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("query"));
  }

  @Test
  void shouldRefuseWorkAfterClose() {
    OnnxEmbedder closing = OnnxEmbedder.builder().threads(1).build();
    closing.close();
    closing.close();

    assertThatThrownBy(() -> closing.embed(List.of("平安银行")))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closing.embedQuery("平安银行"))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("closed");
  }
}
