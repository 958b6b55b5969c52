package io.prism.batch.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.rag.Embedder;
import io.prism.batch.core.rag.ContentHasher;
import io.prism.batch.core.source.ReplayMarketDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Records with new content, and a counting embedder, for the RAG integration tests. */
final class RagFixtures {
  /** 贵州茅台's financial summary: the record the tests change. */
  static final DataKey MAOTAI_FINANCIAL = new DataKey("600519", DataType.FINANCIAL);
  /** The period whose 营业总收入 a change raises: 2025年一季报. */
  static final String PERIOD = "20250331";

  private static final ReplayMarketDataSource REPLAY = ReplayMarketDataSource.create();
  private static final ObjectMapper JSON = new ObjectMapper();

  private RagFixtures() {}

  /**
   * 贵州茅台's real financial summary with 营业总收入 of 2025年一季报 raised by {@code variant} 亿元;
   * variant 0 is the replayed record itself. Every call has a new {@code fetchedAt}, a volatile
   * field, so equal variants have equal content hashes but different payloads.
   */
  static DataRecord maotaiFinancial(int variant) {
    DataRecord r = REPLAY.fetch(MAOTAI_FINANCIAL).orElseThrow();
    try {
      ObjectNode p = (ObjectNode) JSON.readTree(r.payload());
      Instant now = Instant.now();
      p.put("fetchedAt", now.toString());
      for (var row : p.withArray("rows")) {
        if ("营业总收入".equals(row.path("指标").asText())) {
          BigDecimal base = row.path(PERIOD).decimalValue();
          ((ObjectNode) row).put(PERIOD, base.add(BigDecimal.valueOf(variant * 100_000_000L)));
        }
      }
      String payload = JSON.writeValueAsString(p);
      return new DataRecord(r.key(), payload, ContentHasher.defaults().recordHash(payload), now,
          r.source(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How the renderer writes the changed 营业总收入 of a variant, e.g. {@code 营业总收入 489.93亿元}. */
  static String revenueText(int variant) {
    BigDecimal yi = new BigDecimal("48793388444.42").add(BigDecimal.valueOf(variant * 100_000_000L))
        .divide(BigDecimal.valueOf(100_000_000L), 2, RoundingMode.HALF_UP);
    return String.format(Locale.ROOT, "营业总收入 %s亿元", yi.toPlainString());
  }

  /** Counts the texts a delegate embeds; queries are not counted. Thread-safe. */
  static final class CountingEmbedder implements Embedder {
    private final Embedder delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger texts = new AtomicInteger();

    CountingEmbedder(Embedder delegate) {
      this.delegate = delegate;
    }

    @Override
    public String modelId() {
      return delegate.modelId();
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public List<float[]> embed(List<String> batch) {
      calls.incrementAndGet();
      texts.addAndGet(batch.size());
      return delegate.embed(batch);
    }

    @Override
    public float[] embedQuery(String query) {
      return delegate.embedQuery(query);
    }

    int calls() {
      return calls.get();
    }

    int texts() {
      return texts.get();
    }

    void reset() {
      calls.set(0);
      texts.set(0);
    }
  }
}
