package io.prism.batch.core.rag.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.rag.FileVersionStore;
import io.prism.batch.core.rag.InMemoryVectorStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The embedded RAG providers: {@link VectorStore} {@code memory} (settings {@code directory},
 * optional, and {@code flushEveryWrite}, default {@code true}); {@link VersionStore} {@code file}
 * (setting {@code directory}, required) and {@code memory} (no settings).
 */
public final class RagPlugins {
  /** The setting naming a store's directory. */
  public static final String DIRECTORY = "directory";
  /** The setting of the vector store's flush policy. */
  public static final String FLUSH_EVERY_WRITE = "flushEveryWrite";

  private RagPlugins() {}

  private static void known(Map<String, String> settings, Set<String> known) {
    for (String k : settings.keySet()) {
      if (!known.contains(k)) {
        throw new InvalidInputException(k, settings.get(k),
            "unknown setting; known: " + new TreeSet<>(known));
      }
    }
  }

  private static Path directory(String dir) {
    if (dir == null || dir.isBlank()) {
      throw new InvalidInputException(DIRECTORY, dir, "must name the store's directory");
    }
    try {
      return Path.of(dir.trim());
    } catch (InvalidPathException e) {
      throw new InvalidInputException(DIRECTORY, dir, "is not a valid path: " + e.getReason());
    }
  }

  /** The {@code memory} {@link VectorStore}. */
  public static final class MemoryVectorStorePlugin implements BatchPlugin<VectorStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemoryVectorStorePlugin() {}

    @Override
    public String name() {
      return InMemoryVectorStore.NAME;
    }

    @Override
    public Class<VectorStore> type() {
      return VectorStore.class;
    }

    @Override
    public VectorStore create(Map<String, String> settings) {
      known(settings, Set.of(DIRECTORY, FLUSH_EVERY_WRITE));
      InMemoryVectorStore.Builder b = InMemoryVectorStore.builder();
      if (settings.containsKey(DIRECTORY)) {
        b.directory(directory(settings.get(DIRECTORY)));
      }
      String flush = settings.get(FLUSH_EVERY_WRITE);
      if (flush != null) {
        String f = flush.trim().toLowerCase(java.util.Locale.ROOT);
        if (!f.equals("true") && !f.equals("false")) {
          throw new InvalidInputException(FLUSH_EVERY_WRITE, flush, "must be true or false");
        }
        b.flushEveryWrite(Boolean.parseBoolean(f));
      }
      return b.build();
    }
  }

  /** The {@code file} {@link VersionStore}. */
  public static final class FileVersionStorePlugin implements BatchPlugin<VersionStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public FileVersionStorePlugin() {}

    @Override
    public String name() {
      return FileVersionStore.NAME;
    }

    @Override
    public Class<VersionStore> type() {
      return VersionStore.class;
    }

    @Override
    public VersionStore create(Map<String, String> settings) {
      known(settings, Set.of(DIRECTORY));
      return FileVersionStore.builder().directory(directory(settings.get(DIRECTORY))).build();
    }
  }

  /** The {@code memory} {@link VersionStore}. */
  public static final class MemoryVersionStorePlugin implements BatchPlugin<VersionStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemoryVersionStorePlugin() {}

    @Override
    public String name() {
      return FileVersionStore.MEMORY_NAME;
    }

    @Override
    public Class<VersionStore> type() {
      return VersionStore.class;
    }

    @Override
    public VersionStore create(Map<String, String> settings) {
      known(settings, Set.of());
      return FileVersionStore.inMemory();
    }
  }
}
