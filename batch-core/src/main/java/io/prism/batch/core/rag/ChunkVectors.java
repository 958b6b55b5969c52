package io.prism.batch.core.rag;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.Embedder;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the sync, the rollback, the reconciler and the query agree on about chunk vectors: the
 * metadata every vector carries ({@link RagSyncProcessor#META_STOCK_CODE} and the rest), how an
 * embedding call's answer is checked, and how ledger chunks are embedded again. Stateless.
 */
final class ChunkVectors {

  private ChunkVectors() {}

  /**
   * One chunk as the ledger maps it: the version and its mapping.
   *
   * @param version the version the chunk belongs to
   * @param mapping the chunk's vector id, collection, index and text
   */
  record MappedChunk(DataVersion version, VectorMapping mapping) {}

  /**
   * Returns the metadata of a chunk's vector.
   *
   * @param key the record's key
   * @param versionId the version the chunk belongs to
   * @param chunkIndex the chunk's index
   * @return {@code stock_code, data_type, version_id, chunk_index}, in that order
   */
  static Map<String, Object> metadata(DataKey key, String versionId, int chunkIndex) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put(RagSyncProcessor.META_STOCK_CODE, key.stockCode());
    meta.put(RagSyncProcessor.META_DATA_TYPE, key.dataType());
    meta.put(RagSyncProcessor.META_VERSION_ID, versionId);
    meta.put(RagSyncProcessor.META_CHUNK_INDEX, chunkIndex);
    return meta;
  }

  /**
   * Returns the version a stored vector belongs to.
   *
   * @param metadata the vector's metadata
   * @return the version id, or {@code ""} if the metadata names none
   */
  static String versionId(Map<String, Object> metadata) {
    Object v = metadata.get(RagSyncProcessor.META_VERSION_ID);
    return v == null ? "" : v.toString();
  }

  /**
   * Embeds texts in one call and checks the answer.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @return one vector per text, in order
   * @throws BatchException if the embedder returns no list or one of another size
   * @throws NullPointerException if it returns a null vector
   */
  static List<float[]> embed(Embedder embedder, List<String> texts) {
    List<float[]> out = embedder.embed(List.copyOf(texts));
    if (out == null || out.size() != texts.size()) {
      throw new BatchException("embedder " + embedder.modelId() + " returned "
          + (out == null ? "null" : out.size() + " vectors") + " for " + texts.size()
          + " texts");
    }
    for (float[] v : out) {
      Objects.requireNonNull(v, "embedder returned a null vector");
    }
    return out;
  }

  /**
   * Embeds ledger chunks again from their recorded text, in calls of at most {@code batchSize}
   * texts, and hands each call's entries (same ids and metadata as the sync wrote) to {@code
   * upsert} before the next call.
   *
   * @param embedder the embedder
   * @param batchSize the most texts per call
   * @param chunks the chunks
   * @param upsert stores one call's entries
   * @return how many entries were handed over
   */
  static int reembed(Embedder embedder, int batchSize, List<MappedChunk> chunks,
      Consumer<List<VectorEntry>> upsert) {
    int done = 0;
    for (int from = 0; from < chunks.size(); from += batchSize) {
      List<MappedChunk> slice = chunks.subList(from, Math.min(chunks.size(), from + batchSize));
      List<float[]> vs = embed(embedder, slice.stream().map(c -> c.mapping().chunkText()).toList());
      List<VectorEntry> entries = new ArrayList<>(slice.size());
      for (int i = 0; i < slice.size(); i++) {
        DataVersion v = slice.get(i).version();
        VectorMapping m = slice.get(i).mapping();
        entries.add(new VectorEntry(m.vectorId(), vs.get(i), m.chunkText(),
            metadata(v.key(), v.versionId(), m.chunkIndex())));
      }
      upsert.accept(entries);
      done += entries.size();
    }
    return done;
  }
}
