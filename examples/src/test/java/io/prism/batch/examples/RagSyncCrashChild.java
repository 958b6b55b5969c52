package io.prism.batch.examples;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.chroma.ChromaVectorStore;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.onnx.OnnxEmbedder;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresVersionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The JVM that {@link RagSyncCrashIT} kills: runs the server main's RAG sync step ({@link
 * RagIndex}, {@link NightlyFlow#ragSync}) of one key on PostgreSQL, Chroma and the ONNX embedder,
 * with a vector store that, right after the sync's upsert has reached Chroma, writes the upserted
 * ids to a marker file and then blocks forever — so the parent can SIGKILL it between upsert and
 * activation. Exits with status 3 if the sync ever gets past the upsert.
 *
 * <p>Arguments: PostgreSQL URL, user, password (may be empty), schema, Chroma URL, collection
 * prefix, marker file, stock code, data type.
 */
public final class RagSyncCrashChild {
  private RagSyncCrashChild() {}

  /**
   * Runs the sync until the hook stops it.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    if (args.length != 9) {
      throw new IllegalArgumentException("expected 9 arguments, got " + List.of(args));
    }
    String schema = args[3];
    Path marker = Path.of(args[6]);
    DataKey key = new DataKey(args[7], args[8]);
    try (PostgresDataSource db = PostgresDataSource.builder().url(args[0]).user(args[1])
            .password(args[2]).maximumPoolSize(2).build();
        PostgresRecordStore records = PostgresRecordStore.builder(db.jdbi()).schema(schema)
            .migrate(false).build();
        PostgresVersionStore versions = PostgresVersionStore.builder(db.jdbi()).schema(schema)
            .migrate(false).build();
        OnnxEmbedder embedder = OnnxEmbedder.builder().build();
        ChromaVectorStore chroma = ChromaVectorStore.builder().url(args[4]).build()) {
      RagIndex rag = new RagIndex(embedder, new HaltAfterUpsert(chroma, marker), versions,
          CollectionNames.withPrefix(args[5]));
      NightlyFlow flow = new NightlyFlow(System.out, marker.resolveSibling("reports"));
      System.out.println("child: syncing " + key);
      flow.ragSync(rag.syncProcessor(records), List.of(key));
    }
    System.out.println("child: the sync got past the upsert without stopping");
    System.exit(3);
  }

  /** Delegates to a store; after the first upsert, writes the marker and never returns. */
  static final class HaltAfterUpsert implements VectorStore {
    private final VectorStore delegate;
    private final Path marker;

    HaltAfterUpsert(VectorStore delegate, Path marker) {
      this.delegate = delegate;
      this.marker = marker;
    }

    @Override
    public void ensureCollection(String collection) {
      delegate.ensureCollection(collection);
    }

    @Override
    public void upsert(String collection, List<VectorEntry> entries) {
      delegate.upsert(collection, entries);
      StringBuilder ids = new StringBuilder();
      entries.forEach(e -> ids.append(e.id()).append('\n'));
      try {
        Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
        Files.writeString(tmp, ids);
        Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      System.out.println("child: upserted " + entries.size() + " vectors into " + collection
          + "; waiting to be killed");
      CountDownLatch never = new CountDownLatch(1);
      while (true) {
        try {
          never.await();
        } catch (InterruptedException e) {
          // keep blocking: only SIGKILL ends this JVM
        }
      }
    }

    @Override
    public List<VectorEntry> get(String collection, Collection<String> ids) {
      return delegate.get(collection, ids);
    }

    @Override
    public List<String> ids(String collection, Map<String, Object> filter) {
      return delegate.ids(collection, filter);
    }

    @Override
    public List<VectorMatch> query(String collection, float[] vector, int limit,
        Map<String, Object> filter) {
      return delegate.query(collection, vector, limit, filter);
    }

    @Override
    public void delete(String collection, Collection<String> ids) {
      delegate.delete(collection, ids);
    }
  }
}
