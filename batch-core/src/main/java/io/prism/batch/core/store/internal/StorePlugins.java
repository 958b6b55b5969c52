package io.prism.batch.core.store.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.core.store.FileJobStore;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.core.store.FileWatchlistStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code memory} and {@code file} providers of the embedded stores. The {@code file}
 * providers take one required setting, {@code directory}; the {@code memory} providers take none.
 */
public final class StorePlugins {
  /** The setting naming a {@code file} store's directory. */
  public static final String DIRECTORY = "directory";

  private StorePlugins() {}

  private abstract static class Base<T> implements BatchPlugin<T> {
    private final String name;
    private final Class<T> type;
    private final Function<Path, T> fromDirectory;
    private final Supplier<T> inMemory;

    Base(String name, Class<T> type, Function<Path, T> fromDirectory,
        Supplier<T> inMemory) {
      this.name = name;
      this.type = type;
      this.fromDirectory = fromDirectory;
      this.inMemory = inMemory;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Class<T> type() {
      return type;
    }

    @Override
    public T create(Map<String, String> settings) {
      Set<String> known = fromDirectory == null ? Set.of() : Set.of(DIRECTORY);
      for (String k : settings.keySet()) {
        if (!known.contains(k)) {
          throw new InvalidInputException(k, settings.get(k), "unknown setting; known: " + known);
        }
      }
      if (fromDirectory == null) {
        return inMemory.get();
      }
      String dir = settings.get(DIRECTORY);
      if (dir == null || dir.isBlank()) {
        throw new InvalidInputException(DIRECTORY, dir, "must name the store's directory");
      }
      try {
        return fromDirectory.apply(Path.of(dir.trim()));
      } catch (InvalidPathException e) {
        throw new InvalidInputException(DIRECTORY, dir, "is not a valid path: " + e.getReason());
      }
    }
  }

  /** The {@code memory} {@link RecordStore}. */
  public static final class MemoryRecordStorePlugin extends Base<RecordStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemoryRecordStorePlugin() {
      super(FileRecordStore.MEMORY_PROVIDER, RecordStore.class, null, FileRecordStore::inMemory);
    }
  }

  /** The {@code file} {@link RecordStore}. */
  public static final class FileRecordStorePlugin extends Base<RecordStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public FileRecordStorePlugin() {
      super(FileRecordStore.FILE_PROVIDER, RecordStore.class,
          d -> FileRecordStore.builder().directory(d).build(), null);
    }
  }

  /** The {@code memory} {@link WatchlistStore}. */
  public static final class MemoryWatchlistStorePlugin extends Base<WatchlistStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemoryWatchlistStorePlugin() {
      super(FileRecordStore.MEMORY_PROVIDER, WatchlistStore.class, null,
          FileWatchlistStore::inMemory);
    }
  }

  /** The {@code file} {@link WatchlistStore}. */
  public static final class FileWatchlistStorePlugin extends Base<WatchlistStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public FileWatchlistStorePlugin() {
      super(FileRecordStore.FILE_PROVIDER, WatchlistStore.class,
          d -> FileWatchlistStore.builder().directory(d).build(), null);
    }
  }

  /** The {@code memory} {@link JobStore}. */
  public static final class MemoryJobStorePlugin extends Base<JobStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemoryJobStorePlugin() {
      super(FileRecordStore.MEMORY_PROVIDER, JobStore.class, null, FileJobStore::inMemory);
    }
  }

  /** The {@code file} {@link JobStore}. */
  public static final class FileJobStorePlugin extends Base<JobStore> {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public FileJobStorePlugin() {
      super(FileRecordStore.FILE_PROVIDER, JobStore.class,
          d -> FileJobStore.builder().directory(d).build(), null);
    }
  }
}
