package io.prism.batch.core.rag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.core.testing.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Wires the RAG sync for tests on the embedded stores, with fault injection: a counting
 * {@link BigramEmbedder}, a {@link FaultyVectorStore} over an {@link InMemoryVectorStore}, a
 * {@link FaultyVersionStore} over a {@link FileVersionStore}, and an in-memory record store.
 * Records come from the replay source, patched to make new content.
 */
final class RagTestKit implements AutoCloseable {
  static final StockNames NAMES = StockNames.builder()
      .put("600519", "贵州茅台", "茅台").put("000001", "平安银行").put("688469", "芯联集成-U", "芯联集成")
      .put("600919", "江苏银行").put("300059", "东方财富").build();
  static final ReplayMarketDataSource REPLAY = ReplayMarketDataSource.create();
  private static final ObjectMapper JSON = new ObjectMapper();

  final SettableClock clock = new SettableClock(Instant.parse("2025-05-23T08:00:00Z"));
  final BigramEmbedder embedder;
  final InMemoryVectorStore realVectors;
  final FaultyVectorStore vectors;
  final FileVersionStore realVersions;
  final FaultyVersionStore versions;
  final FileRecordStore records = FileRecordStore.inMemory();
  final RagSyncProcessor sync;

  RagTestKit() {
    this(null, new BigramEmbedder(), RagSyncProcessor.builder());
  }

  RagTestKit(Path dir, BigramEmbedder embedder, RagSyncProcessor.Builder builder) {
    this.embedder = embedder;
    this.realVectors = dir == null ? InMemoryVectorStore.inMemory()
        : InMemoryVectorStore.builder().directory(dir).build();
    this.vectors = new FaultyVectorStore(realVectors);
    FileVersionStore.Builder vb = FileVersionStore.builder().clock(clock);
    this.realVersions = dir == null ? vb.build() : vb.directory(dir).build();
    this.versions = new FaultyVersionStore(realVersions);
    this.sync = builder.embedder(embedder).vectorStore(vectors).versionStore(versions)
        .recordStore(records)
        .renderer(MarketDocumentRenderer.builder().stockNames(NAMES).build())
        .build();
  }

  /** A replay record fetched at the kit's clock. */
  static DataRecord replay(String code, String type) {
    return REPLAY.fetch(new DataKey(code, type)).orElseThrow();
  }

  /**
   * A record with new content: the replay record with the first row's newest value replaced.
   *
   * @param code the stock
   * @param type the type
   * @param variant which content; 0 is the replay record itself
   * @return the record
   */
  DataRecord changed(String code, String type, int variant) {
    DataRecord r = replay(code, type);
    try {
      ObjectNode p = (ObjectNode) JSON.readTree(r.payload());
      p.put("fetchedAt", clock.instant().toString());
      if (variant != 0) {
        JsonNode rows = p.path("rows").isArray() ? p.path("rows") : p.path("buy");
        ObjectNode first = (ObjectNode) rows.get(0);
        String field = first.fieldNames().next();
        for (var it = first.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (first.get(f).isNumber()) {
            field = f;
          }
        }
        first.put(field, 1000 + variant + 0.25);
      }
      String payload = JSON.writeValueAsString(p);
      return new DataRecord(r.key(), payload, ContentHasher.defaults().recordHash(payload),
          clock.instant(), "test", false);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Stores records in the record store and advances the clock a minute. */
  void store(DataRecord... rs) {
    records.upsertAll(List.of(rs));
    clock.advance(Duration.ofMinutes(1));
  }

  /** The vector ids in a collection. */
  Set<String> ids(String collection) {
    return new TreeSet<>(realVectors.ids(collection, Map.of()));
  }

  /** The distinct version ids the vectors of a collection carry. */
  Set<String> versionIdsIn(String collection) {
    Set<String> out = new TreeSet<>();
    for (VectorEntry e : realVectors.get(collection, realVectors.ids(collection, Map.of()))) {
      out.add(String.valueOf(e.metadata().get(RagSyncProcessor.META_VERSION_ID)));
    }
    return out;
  }

  /** The vector ids the ledger maps for a version. */
  Set<String> mappedIds(String versionId) {
    Set<String> out = new TreeSet<>();
    realVersions.mappings(versionId).forEach(m -> out.add(m.vectorId()));
    return out;
  }

  /** A query that accepts every similarity, so the bigram embedder's scores pass. */
  RagQuery query() {
    return RagQuery.builder().embedder(embedder).vectorStore(vectors).versionStore(versions)
        .stockNames(NAMES).threshold(-1).topK(100).build();
  }

  Reconciler reconciler() {
    return Reconciler.builder().vectorStore(vectors).versionStore(versions).embedder(embedder)
        .clock(clock).build();
  }

  @Override
  public void close() {
    realVectors.close();
    realVersions.close();
    records.close();
  }
}
