package io.prism.batch.examples;

import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.rag.Embedder;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.core.rag.MarketDocumentRenderer;
import io.prism.batch.core.rag.RagQuery;
import io.prism.batch.core.rag.RagSyncProcessor;
import io.prism.batch.core.rag.Reconciler;
import io.prism.batch.core.rag.StockNames;
import java.util.List;
import java.util.Objects;

/**
 * The RAG side of the nightly mains, wired the same way whichever stores hold it: the embedded
 * main passes an {@code InMemoryVectorStore} and a {@code FileVersionStore}, the server main a
 * {@code ChromaVectorStore} and a {@code PostgresVersionStore}. The sync processor, the query and
 * the reconciler made here share the embedder, the collection names and the seed's stock names.
 *
 * <pre>{@code
 * RagIndex rag = new RagIndex(embedder, vectors, versions, CollectionNames.defaults());
 * RagSyncProcessor sync = rag.syncProcessor(recordStore);
 * List<RagHit> hits = rag.query().search("贵州茅台的营业收入是多少");
 * }</pre>
 *
 * <p>Immutable; as thread-safe as the stores given.
 *
 * @param embedder the embedder of chunks and questions
 * @param vectors the vector store
 * @param versions the version ledger
 * @param collections the collection of each data type
 */
record RagIndex(Embedder embedder, VectorStore vectors, VersionStore versions,
    CollectionNames collections) {

  /** The seed's stocks by name and alias: document headers and stocks named in questions. */
  static final StockNames STOCK_NAMES = StockNames.builder()
      .put("000001", "平安银行")
      .put("600519", "贵州茅台", "茅台")
      .put("688469", "芯联集成-U", "芯联集成")
      .put("600919", "江苏银行")
      .put("300059", "东方财富", "东财")
      .build();

  /** The questions the nightly mains answer from the index after their sync. */
  static final List<String> QUESTIONS =
      List.of("贵州茅台的营业收入是多少", "平安银行的十大股东有哪些", "东方财富最近的龙虎榜");

  /**
   * The similarity threshold of the examples' queries. bge-small-zh-v1.5 (int8, with its query
   * instruction) scores these questions against the chunks that answer them at about 0.63 to
   * 0.80, so {@link RagQuery#DEFAULT_THRESHOLD} (0.7) would drop right answers such as 贵州茅台's
   * 营业总收入; unrelated stocks' chunks of the same type score a little lower, and the hybrid
   * score ranks them below the stock the question names.
   */
  static final double QUERY_THRESHOLD = 0.6;

  /** Chunks returned per question. */
  static final int TOP_K = 3;

  /** Records per {@code processBatch} call: small enough for the progress line to move. */
  static final int SYNC_BATCH_SIZE = 8;

  /** Checks for nulls. */
  RagIndex {
    Objects.requireNonNull(embedder, "embedder");
    Objects.requireNonNull(vectors, "vectors");
    Objects.requireNonNull(versions, "versions");
    Objects.requireNonNull(collections, "collections");
  }

  /** The {@code rag_sync} processor, reading the records named by its tasks from {@code records}. */
  RagSyncProcessor syncProcessor(RecordStore records) {
    return RagSyncProcessor.builder()
        .embedder(embedder).vectorStore(vectors).versionStore(versions).recordStore(records)
        .collections(collections)
        .renderer(MarketDocumentRenderer.builder().stockNames(STOCK_NAMES).build())
        .batchSize(SYNC_BATCH_SIZE)
        .build();
  }

  /** The query over active versions, with the seed's stock names and the examples' threshold. */
  RagQuery query() {
    return RagQuery.builder()
        .embedder(embedder).vectorStore(vectors).versionStore(versions).collections(collections)
        .stockNames(STOCK_NAMES).threshold(QUERY_THRESHOLD).topK(TOP_K)
        .build();
  }

  /** The reconciler of the vector store against the ledger. */
  Reconciler reconciler() {
    return Reconciler.builder()
        .vectorStore(vectors).versionStore(versions).embedder(embedder).collections(collections)
        .build();
  }
}
