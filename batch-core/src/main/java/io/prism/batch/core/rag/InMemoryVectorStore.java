package io.prism.batch.core.rag;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.api.rag.VectorMatch;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.core.rag.internal.Filters;
import io.prism.batch.core.rag.internal.VectorFiles;
import io.prism.batch.core.store.internal.StoreDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded {@link VectorStore}: collections held in memory and searched exactly (cosine
 * similarity against every vector of the collection), optionally persisted to a directory.
 *
 * <p><b>Persistence.</b> With a {@linkplain Builder#directory directory}, each collection is one
 * file {@code DIR/vectors/<collection>.vec} (binary, with a checksum), loaded at {@link
 * Builder#build()} and replaced atomically (temporary file, fsync, rename, fsync of the
 * directory) after every write, so a crash never leaves a half-written collection. The
 * directory is locked while the store is open. With {@link Builder#flushEveryWrite
 * flushEveryWrite(false)} writes only mark collections dirty and {@link #flush()} (or {@link
 * #close()}) persists them: faster bulk loads at the price of losing unflushed writes in a crash
 * (the {@link Reconciler} repairs that from the ledger). Meant for up to some hundred thousand
 * vectors; beyond that use a vector database (the {@code chroma} provider).
 *
 * <p><b>Semantics</b> (the same as the Chroma adapter's): collection names are 3–512
 * characters of {@code [a-zA-Z0-9._-]} starting and ending with a letter or digit; {@link
 * #upsert} needs an {@linkplain #ensureCollection existing} collection and vectors of one
 * dimension per collection; reading from a collection that does not exist finds nothing.
 * Filters are equality on metadata: a value, a collection of values, or {@code {"$in": [...]}};
 * numbers compare numerically. Results tie-break by id, so searches are deterministic.
 *
 * <p>Thread-safe: searches share a lock, writes take it exclusively.
 *
 * <pre>{@code
 * try (VectorStore vectors = InMemoryVectorStore.builder().directory(Path.of("data")).build()) {
 *   vectors.ensureCollection("prism_financial");
 *   vectors.upsert("prism_financial", entries);
 *   List<VectorMatch> top = vectors.query("prism_financial", q, 5, Map.of("stock_code", "600519"));
 * }
 * }</pre>
 */
public final class InMemoryVectorStore implements VectorStore {

  /** The provider name, {@value}. */
  public static final String NAME = "memory";
  /** The sub-directory of the store's directory holding its files, {@value}. */
  public static final String SUBDIRECTORY = "vectors";

  private static final String SUFFIX = ".vec";

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Coll> collections = new TreeMap<>();
  private final StoreDirectory dir;
  private final boolean flushEveryWrite;
  private boolean closed;

  private InMemoryVectorStore(StoreDirectory dir, boolean flushEveryWrite) {
    this.dir = dir;
    this.flushEveryWrite = flushEveryWrite;
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
   * Returns an empty store that is not persisted.
   *
   * @return the store
   */
  public static InMemoryVectorStore inMemory() {
    return new InMemoryVectorStore(null, true);
  }

  /**
   * Returns the directory the store writes to.
   *
   * @return the directory, or empty when not persisted
   */
  public Optional<Path> directory() {
    return dir == null ? Optional.empty() : Optional.of(dir.path());
  }

  /**
   * Lists the collections.
   *
   * @return the names, sorted
   */
  public List<String> collections() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return List.copyOf(collections.keySet());
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Counts a collection's entries.
   *
   * @param collection the collection
   * @return the count; 0 if it does not exist
   */
  public int count(String collection) {
    lock.readLock().lock();
    try {
      ensureOpen();
      Coll c = collections.get(collection);
      return c == null ? 0 : c.entries.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void ensureCollection(String collection) {
    CollectionNames.requireValid(collection);
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (!collections.containsKey(collection)) {
        Coll c = new Coll(collection);
        collections.put(collection, c);
        c.dirty = true;
        persist(c);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void upsert(String collection, List<VectorEntry> entries) {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(entries, "entries");
    List<Stored> checked = new ArrayList<>(entries.size());
    Set<String> ids = new HashSet<>();
    int dim = -1;
    for (VectorEntry e : entries) {
      Stored s = Stored.of(Objects.requireNonNull(e, "entries contains null"));
      if (!ids.add(s.id)) {
        throw new InvalidInputException("entries", s.id, "the same id is given twice");
      }
      if (dim >= 0 && dim != s.vector.length) {
        throw new InvalidInputException("vector", s.id,
            "has " + s.vector.length + " dimensions, others in the call have " + dim);
      }
      dim = s.vector.length;
      checked.add(s);
    }
    if (checked.isEmpty()) {
      return;
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      Coll c = existing(collection);
      if (c.dimension > 0 && c.dimension != dim && !c.entries.isEmpty()) {
        throw new InvalidInputException("vector", checked.get(0).id,
            "has " + dim + " dimensions; collection " + collection + " holds " + c.dimension);
      }
      Map<String, Stored> before = new LinkedHashMap<>(c.entries);
      int beforeDim = c.dimension;
      c.dimension = dim;
      for (Stored s : checked) {
        c.entries.put(s.id, s);
      }
      c.dirty = true;
      try {
        persist(c);
      } catch (RuntimeException e) {
        c.entries.clear();
        c.entries.putAll(before);
        c.dimension = beforeDim;
        throw e;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<VectorEntry> get(String collection, Collection<String> ids) {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(ids, "ids");
    lock.readLock().lock();
    try {
      ensureOpen();
      Coll c = collections.get(collection);
      List<VectorEntry> out = new ArrayList<>();
      if (c == null) {
        return out;
      }
      Set<String> seen = new HashSet<>();
      for (String id : ids) {
        Stored s = id == null ? null : c.entries.get(id);
        if (s != null && seen.add(id)) {
          out.add(s.entry());
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<String> ids(String collection, Map<String, Object> filter) {
    Objects.requireNonNull(collection, "collection");
    Filters.Compiled f = Filters.compile(filter);
    lock.readLock().lock();
    try {
      ensureOpen();
      Coll c = collections.get(collection);
      if (c == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (Stored s : c.entries.values()) {
        if (f.test(s.metadata)) {
          out.add(s.id);
        }
      }
      out.sort(null);
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<VectorMatch> query(
      String collection, float[] vector, int limit, Map<String, Object> filter) {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(vector, "vector");
    if (limit < 1) {
      throw new InvalidInputException("limit", limit, "must be at least 1");
    }
    double qNorm = norm(vector);
    if (vector.length == 0 || !(qNorm > 0) || !Double.isFinite(qNorm)) {
      throw new InvalidInputException("vector", vector.length + " dimensions",
          "must be a non-empty, non-zero vector of finite values");
    }
    Filters.Compiled f = Filters.compile(filter);
    lock.readLock().lock();
    try {
      ensureOpen();
      Coll c = collections.get(collection);
      if (c == null || c.entries.isEmpty()) {
        return List.of();
      }
      if (c.dimension != vector.length) {
        throw new InvalidInputException("vector", vector.length + " dimensions",
            "collection " + collection + " holds vectors of " + c.dimension);
      }
      Comparator<Scored> worstFirst = Comparator.comparingDouble((Scored s) -> s.similarity)
          .thenComparing(s -> s.stored.id, Comparator.reverseOrder());
      PriorityQueue<Scored> top = new PriorityQueue<>(worstFirst);
      for (Stored s : c.entries.values()) {
        if (!f.test(s.metadata)) {
          continue;
        }
        double dot = 0;
        for (int i = 0; i < vector.length; i++) {
          dot += (double) vector[i] * s.vector[i];
        }
        top.add(new Scored(s, dot / (qNorm * s.norm)));
        if (top.size() > limit) {
          top.poll();
        }
      }
      List<Scored> best = new ArrayList<>(top);
      best.sort(worstFirst.reversed());
      List<VectorMatch> out = new ArrayList<>(best.size());
      for (Scored s : best) {
        out.add(new VectorMatch(s.stored.id, s.stored.text, s.stored.metadata, s.similarity));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void delete(String collection, Collection<String> ids) {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(ids, "ids");
    lock.writeLock().lock();
    try {
      ensureOpen();
      Coll c = collections.get(collection);
      if (c == null || ids.isEmpty()) {
        return;
      }
      Map<String, Stored> removed = new LinkedHashMap<>();
      for (String id : ids) {
        Stored s = id == null ? null : c.entries.remove(id);
        if (s != null) {
          removed.put(id, s);
        }
      }
      if (removed.isEmpty()) {
        return;
      }
      c.dirty = true;
      try {
        persist(c);
      } catch (RuntimeException e) {
        c.entries.putAll(removed);
        throw e;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Writes every collection changed since the last write; a no-op when not persisted or when
   * every write is flushed already.
   */
  public void flush() {
    lock.writeLock().lock();
    try {
      ensureOpen();
      for (Coll c : collections.values()) {
        if (c.dirty) {
          write(c);
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Flushes, then releases the directory. Idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      try {
        if (dir != null) {
          for (Coll c : collections.values()) {
            if (c.dirty) {
              write(c);
            }
          }
        }
      } finally {
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
    return "InMemoryVectorStore[" + (dir == null ? "not persisted" : dir.path()) + "]";
  }

  private Coll existing(String collection) {
    Coll c = collections.get(collection);
    if (c == null) {
      throw new InvalidInputException("collection", collection,
          "does not exist; call ensureCollection first");
    }
    return c;
  }

  private void persist(Coll c) {
    if (dir != null && flushEveryWrite) {
      write(c);
    }
  }

  private void write(Coll c) {
    if (dir == null) {
      c.dirty = false;
      return;
    }
    List<VectorEntry> entries = new ArrayList<>(c.entries.size());
    for (Stored s : c.entries.values()) {
      entries.add(new VectorEntry(s.id, s.vector, s.text, s.metadata));
    }
    dir.write(c.name + SUFFIX, VectorFiles.encode(c.name, entries));
    c.dirty = false;
  }

  private void load() {
    for (Path p : dir.list(SUFFIX)) {
      String file = p.getFileName().toString();
      VectorFiles.Decoded d = VectorFiles.decode(dir.readIfExists(file), p.toString());
      Coll c = new Coll(d.name());
      for (VectorEntry e : d.entries()) {
        Stored s = Stored.of(e);
        c.entries.put(s.id, s);
        c.dimension = s.vector.length;
      }
      collections.put(c.name, c);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new BatchException(this + " is closed");
    }
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float f : v) {
      sum += (double) f * f;
    }
    return Math.sqrt(sum);
  }

  private static final class Coll {
    final String name;
    final Map<String, Stored> entries = new LinkedHashMap<>();
    int dimension;
    boolean dirty;

    Coll(String name) {
      this.name = name;
    }
  }

  private record Scored(Stored stored, double similarity) {}

  private static final class Stored {
    final String id;
    final float[] vector;
    final double norm;
    final String text;
    final Map<String, Object> metadata;

    private Stored(String id, float[] vector, double norm, String text,
        Map<String, Object> metadata) {
      this.id = id;
      this.vector = vector;
      this.norm = norm;
      this.text = text;
      this.metadata = metadata;
    }

    static Stored of(VectorEntry e) {
      if (e.id() == null || e.id().isEmpty()) {
        throw new InvalidInputException("id", e.id(), "must not be empty");
      }
      float[] v = Objects.requireNonNull(e.vector(), "vector").clone();
      double n = norm(v);
      if (v.length == 0 || !(n > 0) || !Double.isFinite(n)) {
        throw new InvalidInputException("vector", e.id(),
            "must be a non-empty, non-zero vector of finite values");
      }
      Filters.checkMetadata(e.metadata());
      return new Stored(e.id(), v, n, Objects.requireNonNull(e.text(), "text"), e.metadata());
    }

    VectorEntry entry() {
      return new VectorEntry(id, vector.clone(), text, metadata);
    }
  }

  /** Builds an {@link InMemoryVectorStore}. Not thread-safe. */
  public static final class Builder {
    private Path directory;
    private boolean flushEveryWrite = true;

    private Builder() {}

    /**
     * Persists the store under {@code directory/vectors}.
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
     * Sets whether every write is persisted before it returns (default true).
     *
     * @param flush false to persist only on {@link #flush()} and {@link #close()}
     * @return this builder
     */
    public Builder flushEveryWrite(boolean flush) {
      this.flushEveryWrite = flush;
      return this;
    }

    /**
     * Builds the store, loading the directory's collections.
     *
     * @return the store
     * @throws BatchException if the directory cannot be opened or is in use
     * @throws io.prism.batch.api.JournalCorruptedException if a collection file is damaged
     */
    public InMemoryVectorStore build() {
      return directory == null ? new InMemoryVectorStore(null, flushEveryWrite)
          : StoreDirectory.open(directory.resolve(SUBDIRECTORY),
              d -> new InMemoryVectorStore(d, flushEveryWrite));
    }
  }
}
