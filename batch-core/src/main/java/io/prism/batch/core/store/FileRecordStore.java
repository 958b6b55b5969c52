package io.prism.batch.core.store;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.core.store.internal.Docs.RecordEntry;
import io.prism.batch.core.store.internal.Docs.RecordShard;
import io.prism.batch.core.store.internal.StoreDirectory;
import io.prism.batch.core.store.internal.StoreJson;
import io.prism.batch.core.store.internal.Values;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded L2 {@link RecordStore}: records in memory, optionally persisted to a directory
 * as JSON, one file per stock ({@code DIR/records/600519.json}) holding that stock's records of
 * every data type.
 *
 * <p>Every file is replaced atomically, so a crash never leaves a half-written file: a write
 * first puts each changed stock's new file in a temporary file and syncs it (a failure there
 * changes nothing), then renames them all into place and syncs the directory once. After a
 * crash each stock's records are either all from before or all from after a write; a crash
 * during the renames of a batch that spans several stocks can keep the stocks renamed so far.
 * The directory is locked while the store is open; a second store on it fails at {@link
 * Builder#build()}.
 *
 * <p>Like PostgreSQL, the store keeps times to the microsecond, refuses a payload that is not
 * JSON, and never returns a record marked stale. {@link #upsertAll} always stores the new
 * payload, fetch time and source, and reports a key only when it is new or its content hash
 * changed.
 *
 * <p>Thread-safe: reads share a lock, writes (including their file I/O) take it exclusively.
 *
 * <pre>{@code
 * try (RecordStore l2 = FileRecordStore.builder().directory(Path.of("data")).build()) {
 *   List<DataKey> changed = l2.upsertAll(records);
 * }
 * RecordStore forTests = FileRecordStore.inMemory();
 * }</pre>
 */
public final class FileRecordStore implements RecordStore {

  /** The provider name of the persisted store, {@value}. */
  public static final String FILE_PROVIDER = "file";
  /** The provider name of the in-memory store, {@value}. */
  public static final String MEMORY_PROVIDER = "memory";
  /** The sub-directory of the store's directory that holds its files, {@value}. */
  public static final String SUBDIRECTORY = "records";

  private static final String SUFFIX = ".json";
  private static final Comparator<DataKey> KEY_ORDER =
      Comparator.comparing(DataKey::stockCode).thenComparing(DataKey::dataType);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** stock code to (data type to record); the inner maps are replaced, never mutated. */
  private final Map<String, Map<String, DataRecord>> byStock = new HashMap<>();
  private final StoreDirectory dir;
  private boolean closed;

  private FileRecordStore(StoreDirectory dir) {
    this.dir = dir;
    if (dir != null) {
      load();
    }
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns an empty store that keeps records in memory only.
   *
   * @return the store
   */
  public static FileRecordStore inMemory() {
    return new FileRecordStore(null);
  }

  /**
   * Returns the directory the store writes to.
   *
   * @return the directory, or empty for an in-memory store
   */
  public Optional<Path> directory() {
    return dir == null ? Optional.empty() : Optional.of(dir.path());
  }

  @Override
  public Optional<DataRecord> get(DataKey key) {
    Objects.requireNonNull(key, "key");
    lock.readLock().lock();
    try {
      ensureOpen();
      return Optional.ofNullable(find(key));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<DataKey, DataRecord> getAll(Collection<DataKey> keys) {
    Objects.requireNonNull(keys, "keys");
    Map<DataKey, DataRecord> found = new LinkedHashMap<>();
    lock.readLock().lock();
    try {
      ensureOpen();
      for (DataKey k : keys) {
        DataRecord r = find(k);
        if (r != null) {
          found.put(k, r);
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return found;
  }

  @Override
  public List<DataKey> upsertAll(Collection<DataRecord> records) {
    Objects.requireNonNull(records, "records");
    // the last record of a key wins, as with several writes in a row
    Map<DataKey, DataRecord> incoming = new LinkedHashMap<>();
    for (DataRecord r : records) {
      Objects.requireNonNull(r, "records contains null");
      incoming.put(r.key(), Values.storable(r));
    }
    if (incoming.isEmpty()) {
      return List.of();
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      List<DataKey> changed = new ArrayList<>();
      Map<String, Map<String, DataRecord>> shards = new LinkedHashMap<>();
      for (DataRecord r : incoming.values()) {
        DataKey k = r.key();
        DataRecord old = find(k);
        if (old == null || !old.contentHash().equals(r.contentHash())) {
          changed.add(k);
        } else if (old.equals(r)) {
          continue; // nothing to write
        }
        shards
            .computeIfAbsent(k.stockCode(), s -> new TreeMap<>(byStock.getOrDefault(s, Map.of())))
            .put(k.dataType(), r);
      }
      commit(shards);
      return List.copyOf(changed);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int deleteAll(Collection<DataKey> keys) {
    Objects.requireNonNull(keys, "keys");
    lock.writeLock().lock();
    try {
      ensureOpen();
      Map<String, Map<String, DataRecord>> shards = new LinkedHashMap<>();
      int existed = 0;
      for (DataKey k : new LinkedHashSet<>(keys)) {
        Map<String, DataRecord> current = byStock.get(k.stockCode());
        if (current == null || !current.containsKey(k.dataType())) {
          continue;
        }
        existed++;
        shards.computeIfAbsent(k.stockCode(), s -> new TreeMap<>(current)).remove(k.dataType());
      }
      commit(shards);
      return existed;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<DataKey> keysFetchedBefore(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    Values.requireLimit(limit);
    lock.readLock().lock();
    try {
      ensureOpen();
      return byStock.values().stream()
          .flatMap(m -> m.values().stream())
          .filter(r -> r.fetchedAt().isBefore(before))
          .sorted(Comparator.comparing(DataRecord::fetchedAt)
              .thenComparing(DataRecord::key, KEY_ORDER))
          .limit(limit)
          .map(DataRecord::key)
          .toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<DataKey> keys() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return byStock.values().stream()
          .flatMap(m -> m.values().stream())
          .map(DataRecord::key)
          .sorted(KEY_ORDER)
          .toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Releases the directory. Idempotent; the store refuses every call afterwards. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        if (dir != null) {
          dir.close();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "FileRecordStore[" + (dir == null ? "memory" : dir.path().toString()) + "]";
  }

  private DataRecord find(DataKey key) {
    Map<String, DataRecord> m = byStock.get(key.stockCode());
    return m == null ? null : m.get(key.dataType());
  }

  /** Writes the stocks' files, then publishes their new records in memory. */
  private void commit(Map<String, Map<String, DataRecord>> shards) {
    if (shards.isEmpty()) {
      return;
    }
    if (dir != null) {
      Map<String, byte[]> writes = new LinkedHashMap<>();
      List<String> deletes = new ArrayList<>();
      shards.forEach((stockCode, records) -> {
        if (records.isEmpty()) {
          deletes.add(stockCode + SUFFIX);
        } else {
          List<RecordEntry> entries = records.values().stream().map(RecordEntry::of).toList();
          writes.put(stockCode + SUFFIX,
              StoreJson.write(new RecordShard(StoreJson.FORMAT, stockCode, entries)));
        }
      });
      dir.writeAll(writes, deletes);
    }
    shards.forEach((stockCode, records) -> {
      if (records.isEmpty()) {
        byStock.remove(stockCode);
      } else {
        byStock.put(stockCode, Map.copyOf(records));
      }
    });
  }

  private void load() {
    for (Path file : dir.list(SUFFIX)) {
      RecordShard shard = StoreJson.read(dir.readIfExists(file.getFileName().toString()),
          RecordShard.class, file);
      String expected = file.getFileName().toString();
      expected = expected.substring(0, expected.length() - SUFFIX.length());
      if (!expected.equals(shard.stockCode()) || shard.records() == null) {
        throw new JournalCorruptedException(
            "store file " + file + " holds stock " + shard.stockCode() + ", expected " + expected);
      }
      Map<String, DataRecord> m = new TreeMap<>();
      for (RecordEntry e : shard.records()) {
        try {
          m.put(e.dataType(), e.toRecord(expected));
        } catch (RuntimeException ex) {
          throw new JournalCorruptedException(
              "store file " + file + " has an invalid record: " + ex.getMessage());
        }
      }
      if (!m.isEmpty()) {
        byStock.put(expected, Map.copyOf(m));
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new BatchException(this + " is closed");
    }
  }

  /** Builds a {@link FileRecordStore}. Not thread-safe. */
  public static final class Builder {
    private Path directory;

    private Builder() {}

    /**
     * Sets the directory; the store writes under {@code directory/records}, creating it.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      if (directory == null) {
        throw new InvalidInputException("directory", null, "must be a directory path");
      }
      this.directory = directory;
      return this;
    }

    /**
     * Opens the store, reading what the directory holds.
     *
     * @return the store
     * @throws InvalidInputException if no directory was set
     * @throws BatchException if the directory cannot be used or is locked by another store
     * @throws JournalCorruptedException if a file cannot be read
     */
    public FileRecordStore build() {
      if (directory == null) {
        throw new InvalidInputException(
            "directory", null, "must be set; use FileRecordStore.inMemory() for no files");
      }
      return StoreDirectory.open(directory.resolve(SUBDIRECTORY), FileRecordStore::new);
    }
  }
}
