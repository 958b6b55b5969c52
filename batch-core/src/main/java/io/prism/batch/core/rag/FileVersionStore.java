package io.prism.batch.core.rag;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorMapping;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.internal.CanonicalJson;
import io.prism.batch.core.rag.internal.VersionDocs;
import io.prism.batch.core.rag.internal.VersionDocs.KeyDoc;
import io.prism.batch.core.rag.internal.VersionDocs.MappingDoc;
import io.prism.batch.core.rag.internal.VersionDocs.VersionDoc;
import io.prism.batch.core.store.internal.StoreDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded {@link VersionStore}: the ledger of RAG data versions in memory, optionally
 * persisted as one JSON file per key ({@code DIR/rag-versions/600519_financial.json}) holding
 * the key's versions and their mappings.
 *
 * <p>Every change touches one key and replaces that key's file atomically (temporary file,
 * fsync, rename), so {@link #activate} (the new version active, the old one deprecated) is
 * all-or-nothing across a crash, and at most one version of a key is ever active. {@link
 * #archiveDeprecatedBefore} works key by key; after a crash it simply archives the rest on the
 * next call. The directory is locked while the store is open.
 *
 * <p>Like the PostgreSQL store, it keeps times to the microsecond, requires {@code sourceData}
 * to be JSON, and lets a vector (collection and id) belong to one version only.
 *
 * <p>Thread-safe: reads share a lock, writes (with their file I/O) take it exclusively.
 *
 * <pre>{@code
 * try (VersionStore ledger = FileVersionStore.builder().directory(Path.of("data")).build()) {
 *   DataVersion v = ledger.createPending(key, hash, "bge-small-zh-v1.5", payload);
 *   ledger.addMappings(v.versionId(), mappings);
 *   ledger.activate(v.versionId());
 * }
 * }</pre>
 */
public final class FileVersionStore implements VersionStore {

  /** The provider name of the persisted store, {@value}. */
  public static final String NAME = "file";
  /** The provider name of the in-memory store, {@value}. */
  public static final String MEMORY_NAME = "memory";
  /** The sub-directory of the store's directory holding its files, {@value}. */
  public static final String SUBDIRECTORY = "rag-versions";

  private static final String SUFFIX = ".json";

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<DataKey, List<Entry>> byKey = new HashMap<>();
  private final Map<String, DataKey> keyOf = new HashMap<>();
  /** collection + NUL + vector id → version id. */
  private final Map<String, String> vectorOwner = new HashMap<>();
  private final StoreDirectory dir;
  private final Clock clock;
  private long seq;
  private boolean closed;

  private FileVersionStore(StoreDirectory dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
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
   * Returns an empty store kept in memory only, on the system clock.
   *
   * @return the store
   */
  public static FileVersionStore inMemory() {
    return new FileVersionStore(null, Clock.systemUTC());
  }

  /**
   * Returns the directory the store writes to.
   *
   * @return the directory, or empty when not persisted
   */
  public Optional<Path> directory() {
    return dir == null ? Optional.empty() : Optional.of(dir.path());
  }

  @Override
  public DataVersion createPending(
      DataKey key, String dataHash, String embeddingModel, String sourceData) {
    Objects.requireNonNull(key, "key");
    requireText("dataHash", dataHash);
    requireText("embeddingModel", embeddingModel);
    CanonicalJson.parse("sourceData", sourceData);
    lock.writeLock().lock();
    try {
      ensureOpen();
      DataVersion v = new DataVersion(UUID.randomUUID().toString(), key, dataHash,
          VersionStatus.PENDING, embeddingModel, 0, sourceData, now(), Optional.empty(),
          Optional.empty(), Optional.empty());
      List<Entry> next = new ArrayList<>(entries(key));
      next.add(new Entry(seq + 1, v, List.of()));
      commit(key, next);
      seq++;
      return v;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void addMappings(String versionId, List<VectorMapping> mappings) {
    Objects.requireNonNull(mappings, "mappings");
    lock.writeLock().lock();
    try {
      ensureOpen();
      Entry e = require(versionId);
      if (e.version.status() != VersionStatus.PENDING) {
        throw new InvalidInputException("versionId", versionId,
            "is " + e.version.status() + "; only a pending version's mappings can be recorded");
      }
      Set<Integer> indexes = new HashSet<>();
      Set<String> vectors = new HashSet<>();
      for (VectorMapping m : mappings) {
        Objects.requireNonNull(m, "mappings contains null");
        if (!m.versionId().equals(versionId)) {
          throw new InvalidInputException("mapping.versionId", m.versionId(),
              "must be the version the mappings are added to, " + versionId);
        }
        if (m.chunkIndex() < 0 || !indexes.add(m.chunkIndex())) {
          throw new InvalidInputException("mapping.chunkIndex", m.chunkIndex(),
              "must be non-negative and unique within the version");
        }
        String owner = vectorOwner.get(vectorKey(m));
        if (!vectors.add(vectorKey(m)) || owner != null && !owner.equals(versionId)) {
          throw new InvalidInputException("mapping.vectorId", m.vectorId(),
              "is mapped twice in collection " + m.collection());
        }
      }
      List<VectorMapping> sorted = new ArrayList<>(mappings);
      sorted.sort(Comparator.comparingInt(VectorMapping::chunkIndex));
      DataVersion v = e.version;
      DataVersion updated = new DataVersion(v.versionId(), v.key(), v.dataHash(), v.status(),
          v.embeddingModel(), sorted.size(), v.sourceData(), v.createdAt(), v.activatedAt(),
          v.deprecatedAt(), v.error());
      replace(v.key(), Map.of(versionId, new Entry(e.seq, updated, List.copyOf(sorted))));
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public DataVersion activate(String versionId) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      Entry e = require(versionId);
      return activateLocked(e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void markFailed(String versionId, String error) {
    Objects.requireNonNull(error, "error");
    lock.writeLock().lock();
    try {
      ensureOpen();
      Entry e = require(versionId);
      DataVersion v = e.version;
      if (v.status() == VersionStatus.FAILED) {
        return;
      }
      if (v.status() != VersionStatus.PENDING) {
        throw new InvalidInputException("versionId", versionId,
            "is " + v.status() + "; only a pending version can fail");
      }
      replace(v.key(), Map.of(versionId, e.with(status(v, VersionStatus.FAILED,
          v.activatedAt(), v.deprecatedAt(), Optional.of(error)))));
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<DataVersion> rollback(DataKey key) {
    Objects.requireNonNull(key, "key");
    lock.writeLock().lock();
    try {
      ensureOpen();
      Optional<Entry> target = entries(key).stream()
          .filter(x -> x.version.status() == VersionStatus.DEPRECATED)
          .max(Comparator.comparing((Entry x) -> x.version.deprecatedAt().orElse(Instant.MIN))
              .thenComparingLong(x -> x.seq));
      return target.map(this::activateLocked);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<DataVersion> archiveDeprecatedBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    lock.writeLock().lock();
    try {
      ensureOpen();
      List<DataVersion> archived = new ArrayList<>();
      List<DataKey> keys = new ArrayList<>(byKey.keySet());
      keys.sort(Comparator.comparing(DataKey::toString));
      for (DataKey key : keys) {
        Map<String, Entry> changes = new HashMap<>();
        for (Entry e : entries(key)) {
          DataVersion v = e.version;
          if (v.status() == VersionStatus.DEPRECATED
              && v.deprecatedAt().map(d -> d.isBefore(cutoff)).orElse(true)) {
            DataVersion a = status(v, VersionStatus.ARCHIVED, v.activatedAt(), v.deprecatedAt(),
                v.error());
            changes.put(v.versionId(), new Entry(e.seq, a, List.of()));
          }
        }
        if (!changes.isEmpty()) {
          replace(key, changes);
          entries(key).stream().filter(x -> changes.containsKey(x.version.versionId()))
              .forEach(x -> archived.add(x.version));
        }
      }
      return archived;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<DataVersion> get(String versionId) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return find(versionId).map(e -> e.version);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<DataVersion> active(DataKey key) {
    Objects.requireNonNull(key, "key");
    lock.readLock().lock();
    try {
      ensureOpen();
      return entries(key).stream().map(e -> e.version)
          .filter(v -> v.status() == VersionStatus.ACTIVE).findFirst();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<DataVersion> history(DataKey key) {
    Objects.requireNonNull(key, "key");
    lock.readLock().lock();
    try {
      ensureOpen();
      List<DataVersion> out = new ArrayList<>();
      List<Entry> es = entries(key);
      for (int i = es.size() - 1; i >= 0; i--) {
        out.add(es.get(i).version);
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<DataVersion> byStatus(VersionStatus status) {
    Objects.requireNonNull(status, "status");
    lock.readLock().lock();
    try {
      ensureOpen();
      List<Entry> found = new ArrayList<>();
      for (List<Entry> es : byKey.values()) {
        for (Entry e : es) {
          if (e.version.status() == status) {
            found.add(e);
          }
        }
      }
      found.sort(Comparator.comparingLong(e -> e.seq));
      return found.stream().map(e -> e.version).toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<VectorMapping> mappings(String versionId) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return find(versionId).map(e -> e.mappings).orElse(List.of());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Set<String> activeAmong(Collection<String> versionIds) {
    Objects.requireNonNull(versionIds, "versionIds");
    lock.readLock().lock();
    try {
      ensureOpen();
      Set<String> out = new LinkedHashSet<>();
      for (String id : versionIds) {
        find(id).filter(e -> e.version.status() == VersionStatus.ACTIVE)
            .ifPresent(e -> out.add(id));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Releases the directory. Idempotent. */
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
    return "FileVersionStore[" + (dir == null ? "in memory" : dir.path()) + "]";
  }

  // ------------------------------------------------------------------ internals

  private DataVersion activateLocked(Entry e) {
    DataVersion v = e.version;
    switch (v.status()) {
      case ACTIVE:
        return v;
      case PENDING:
      case DEPRECATED:
        break;
      default:
        throw new InvalidInputException("versionId", v.versionId(),
            "is " + v.status() + "; only a pending or deprecated version can be activated");
    }
    Instant now = now();
    Map<String, Entry> changes = new HashMap<>();
    for (Entry other : entries(v.key())) {
      DataVersion o = other.version;
      if (o.status() == VersionStatus.ACTIVE) {
        changes.put(o.versionId(), other.with(status(o, VersionStatus.DEPRECATED,
            o.activatedAt(), Optional.of(now), o.error())));
      }
    }
    DataVersion activated = status(v, VersionStatus.ACTIVE, Optional.of(now), Optional.empty(),
        v.error());
    changes.put(v.versionId(), e.with(activated));
    replace(v.key(), changes);
    return activated;
  }

  private static DataVersion status(DataVersion v, VersionStatus s, Optional<Instant> activated,
      Optional<Instant> deprecated, Optional<String> error) {
    return new DataVersion(v.versionId(), v.key(), v.dataHash(), s, v.embeddingModel(),
        v.chunkCount(), v.sourceData(), v.createdAt(), activated, deprecated, error);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private List<Entry> entries(DataKey key) {
    return byKey.getOrDefault(key, List.of());
  }

  private Optional<Entry> find(String versionId) {
    if (versionId == null) {
      return Optional.empty();
    }
    DataKey key = keyOf.get(versionId);
    if (key == null) {
      return Optional.empty();
    }
    return entries(key).stream().filter(e -> e.version.versionId().equals(versionId))
        .findFirst();
  }

  private Entry require(String versionId) {
    return find(versionId).orElseThrow(() ->
        new InvalidInputException("versionId", versionId, "no such version"));
  }

  /** Replaces some of a key's entries by id and commits the key. */
  private void replace(DataKey key, Map<String, Entry> changes) {
    List<Entry> next = new ArrayList<>();
    for (Entry e : entries(key)) {
      next.add(changes.getOrDefault(e.version.versionId(), e));
    }
    commit(key, next);
  }

  /** Writes a key's new state, then installs it in memory. */
  private void commit(DataKey key, List<Entry> next) {
    if (dir != null) {
      dir.write(fileName(key), VersionDocs.write(doc(key, next)));
    }
    for (Entry old : entries(key)) {
      for (VectorMapping m : old.mappings) {
        vectorOwner.remove(vectorKey(m));
      }
    }
    install(key, next);
  }

  private void install(DataKey key, List<Entry> next) {
    byKey.put(key, List.copyOf(next));
    for (Entry e : next) {
      keyOf.put(e.version.versionId(), key);
      for (VectorMapping m : e.mappings) {
        vectorOwner.put(vectorKey(m), e.version.versionId());
      }
    }
  }

  private static String vectorKey(VectorMapping m) {
    return m.collection() + '\u0000' + m.vectorId();
  }

  private static String fileName(DataKey key) {
    return key.stockCode() + "_" + key.dataType() + SUFFIX;
  }

  private static KeyDoc doc(DataKey key, List<Entry> entries) {
    List<VersionDoc> versions = new ArrayList<>();
    for (Entry e : entries) {
      DataVersion v = e.version;
      List<MappingDoc> ms = new ArrayList<>();
      for (VectorMapping m : e.mappings) {
        ms.add(new MappingDoc(m.vectorId(), m.collection(), m.chunkIndex(), m.chunkText()));
      }
      versions.add(new VersionDoc(e.seq, v.versionId(), v.dataHash(), v.status().name(),
          v.embeddingModel(), v.chunkCount(), v.sourceData(), v.createdAt().toString(),
          v.activatedAt().map(Instant::toString).orElse(null),
          v.deprecatedAt().map(Instant::toString).orElse(null), v.error().orElse(null), ms));
    }
    return new KeyDoc(VersionDocs.FORMAT, key.stockCode(), key.dataType(), versions);
  }

  private void load() {
    for (Path p : dir.list(SUFFIX)) {
      String file = p.getFileName().toString();
      KeyDoc d = VersionDocs.read(dir.readIfExists(file), p.toString());
      DataKey key;
      List<Entry> entries = new ArrayList<>();
      try {
        key = new DataKey(d.stockCode(), d.dataType());
        for (VersionDoc v : d.versions()) {
          List<VectorMapping> ms = new ArrayList<>();
          for (MappingDoc m : v.mappings() == null ? List.<MappingDoc>of() : v.mappings()) {
            ms.add(new VectorMapping(v.versionId(), m.vectorId(), m.collection(), m.chunkIndex(),
                m.chunkText()));
          }
          DataVersion dv = new DataVersion(v.versionId(), key, v.dataHash(),
              VersionStatus.valueOf(v.status()), v.embeddingModel(), v.chunkCount(),
              v.sourceData(), Instant.parse(v.createdAt()), instant(v.activatedAt()),
              instant(v.deprecatedAt()), Optional.ofNullable(v.error()));
          entries.add(new Entry(v.seq(), dv, List.copyOf(ms)));
          seq = Math.max(seq, v.seq());
        }
      } catch (RuntimeException e) {
        throw new JournalCorruptedException("version file " + p + " is invalid: " + e);
      }
      entries.sort(Comparator.comparingLong(x -> x.seq));
      install(key, entries);
    }
  }

  private static Optional<Instant> instant(String s) {
    return s == null ? Optional.empty() : Optional.of(Instant.parse(s));
  }

  private void ensureOpen() {
    if (closed) {
      throw new BatchException(this + " is closed");
    }
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, value, "must not be blank");
    }
  }

  private record Entry(long seq, DataVersion version, List<VectorMapping> mappings) {
    Entry with(DataVersion v) {
      return new Entry(seq, v, mappings);
    }
  }

  /** Builds a {@link FileVersionStore}. Not thread-safe. */
  public static final class Builder {
    private Path directory;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Persists the store under {@code directory/rag-versions}; without one it is kept in
     * memory only.
     *
     * @param directory the directory; created if missing
     * @return this builder
     */
    public Builder directory(Path directory) {
      if (directory == null) {
        throw new InvalidInputException("directory", null, "must not be null");
      }
      this.directory = directory;
      return this;
    }

    /**
     * Sets the clock that stamps creation, activation and deprecation.
     *
     * @param clock the clock; default system UTC
     * @return this builder
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new InvalidInputException("clock", null, "must not be null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Builds the store, loading the directory's files.
     *
     * @return the store
     * @throws BatchException if the directory cannot be opened or is in use
     * @throws JournalCorruptedException if a file is damaged
     */
    public FileVersionStore build() {
      return directory == null ? new FileVersionStore(null, clock)
          : StoreDirectory.open(directory.resolve(SUBDIRECTORY),
              d -> new FileVersionStore(d, clock));
    }
  }
}
