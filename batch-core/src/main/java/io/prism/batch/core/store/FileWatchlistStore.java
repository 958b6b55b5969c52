package io.prism.batch.core.store;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.api.data.WatchlistUsage;
import io.prism.batch.core.store.internal.Docs.UsageDoc;
import io.prism.batch.core.store.internal.Docs.UsageEntry;
import io.prism.batch.core.store.internal.Docs.WatchlistEntry;
import io.prism.batch.core.store.internal.Docs.WatchlistsDoc;
import io.prism.batch.core.store.internal.StoreDirectory;
import io.prism.batch.core.store.internal.StoreJson;
import io.prism.batch.core.store.internal.Values;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded {@link WatchlistStore}: watchlists and their daily usage statistics in memory,
 * optionally persisted to a directory as JSON ({@code DIR/watchlists/watchlists.json} and
 * {@code DIR/watchlists/usage.json}).
 *
 * <p>Every write is validated first — the {@link Watchlist} checks its own fields and the store
 * checks its data types against its {@link DataTypes} registry — and an invalid write throws
 * {@link InvalidInputException} naming the field and leaves the store unchanged. Ids are never
 * reused, as with a database sequence. Statistics are kept per list and per day in Shanghai
 * time: access count, last access, mean response time and cache hit rate.
 *
 * <p>Watchlist writes are written through, atomically (temporary file, fsync, rename). Reads
 * recorded with {@link #recordAccess} are frequent and cheap, so their statistics are written at
 * most once per {@linkplain Builder#usageFlushInterval flush interval} (default 1 s), on every
 * watchlist write, on {@link #flush()} and on {@link #close()}; a crash loses at most the last
 * interval's counts.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * WatchlistStore lists = FileWatchlistStore.builder().directory(Path.of("data")).build();
 * Watchlist w = lists.create(Watchlist.builder("u1", "白酒").codes(List.of("600519")).build());
 * lists.recordAccess(w.id(), Duration.ofMillis(12), true);
 * }</pre>
 */
public final class FileWatchlistStore implements WatchlistStore {

  /** The sub-directory of the store's directory that holds its files, {@value}. */
  public static final String SUBDIRECTORY = "watchlists";
  /** The default interval between writes of usage statistics: 1 second. */
  public static final Duration DEFAULT_USAGE_FLUSH_INTERVAL = Duration.ofSeconds(1);
  /** The time zone that decides the day of a usage statistic. */
  public static final ZoneId ZONE = FreshnessPolicy.SHANGHAI;

  private static final String LISTS_FILE = "watchlists.json";
  private static final String USAGE_FILE = "usage.json";
  private static final Comparator<Watchlist> BATCH_ORDER =
      Comparator.comparingInt(Watchlist::priority).reversed().thenComparingLong(Watchlist::id);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<Long, Watchlist> lists = new TreeMap<>();
  private final TreeMap<UsageKey, Usage> usage = new TreeMap<>();
  private final DataTypes types;
  private final Clock clock;
  private final Duration usageFlushInterval;
  private final StoreDirectory dir;
  private long nextId = 1;
  private boolean usageDirty;
  private Instant lastUsageFlush = Instant.MIN;
  private boolean closed;

  private FileWatchlistStore(Builder b, StoreDirectory dir) {
    this.types = b.types;
    this.clock = b.clock;
    this.usageFlushInterval = b.usageFlushInterval;
    this.dir = dir;
    if (dir != null) {
      load();
    }
  }

  /**
   * Starts a builder with the defaults: {@link DataTypes#defaults()}, the system clock, a
   * usage flush interval of 1 s.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns an empty in-memory store with the default data types.
   *
   * @return the store
   */
  public static FileWatchlistStore inMemory() {
    return builder().buildInMemory();
  }

  @Override
  public Watchlist create(Watchlist watchlist) {
    Objects.requireNonNull(watchlist, "watchlist").requireKnownTypes(types);
    lock.writeLock().lock();
    try {
      ensureOpen();
      Instant now = now();
      Watchlist stored = watchlist.withIdentity(nextId, now, now);
      TreeMap<Long, Watchlist> next = new TreeMap<>(lists);
      next.put(stored.id(), stored);
      writeLists(next, nextId + 1);
      lists.put(stored.id(), stored);
      nextId++;
      return stored;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Watchlist update(Watchlist watchlist) {
    Objects.requireNonNull(watchlist, "watchlist").requireKnownTypes(types);
    lock.writeLock().lock();
    try {
      ensureOpen();
      Watchlist old = lists.get(watchlist.id());
      if (old == null) {
        throw new InvalidInputException("id", watchlist.id(), "no watchlist has this id");
      }
      Watchlist stored = watchlist.withIdentity(old.id(), old.createdAt(), now());
      TreeMap<Long, Watchlist> next = new TreeMap<>(lists);
      next.put(stored.id(), stored);
      writeLists(next, nextId);
      lists.put(stored.id(), stored);
      return stored;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean delete(long id) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (!lists.containsKey(id)) {
        return false;
      }
      TreeMap<Long, Watchlist> next = new TreeMap<>(lists);
      next.remove(id);
      writeLists(next, nextId);
      lists.remove(id);
      // statistics of a list that no longer exists are also dropped when loading
      usage.keySet().removeIf(k -> k.watchlistId == id);
      usageDirty = true;
      flushUsageLocked();
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<Watchlist> get(long id) {
    lock.readLock().lock();
    try {
      ensureOpen();
      return Optional.ofNullable(lists.get(id));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<Watchlist> listByUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    lock.readLock().lock();
    try {
      ensureOpen();
      return lists.values().stream().filter(w -> w.userId().equals(userId)).toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<Watchlist> activeAutoBatch() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return lists.values().stream()
          .filter(w -> w.active() && w.autoBatch())
          .sorted(BATCH_ORDER)
          .toList();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void recordAccess(long watchlistId, Duration responseTime, boolean cacheHit) {
    double millis = responseMillis(responseTime);
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (!lists.containsKey(watchlistId)) {
        throw new InvalidInputException("watchlistId", watchlistId, "no watchlist has this id");
      }
      Instant now = now();
      UsageKey key = new UsageKey(watchlistId, LocalDate.ofInstant(now, ZONE));
      Usage old = usage.get(key);
      usage.put(key, old == null
          ? new Usage(1, now, millis, cacheHit ? 1 : 0)
          : new Usage(old.count + 1, old.last.isAfter(now) ? old.last : now,
              old.totalMillis + millis,
              old.hits + (cacheHit ? 1 : 0)));
      usageDirty = true;
      if (!now.isBefore(lastUsageFlush.plus(usageFlushInterval))) {
        flushUsageLocked();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Optional<WatchlistUsage> usage(long watchlistId, LocalDate day) {
    Objects.requireNonNull(day, "day");
    lock.readLock().lock();
    try {
      ensureOpen();
      Usage u = usage.get(new UsageKey(watchlistId, day));
      return u == null ? Optional.empty() : Optional.of(u.toUsage(watchlistId, day));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Writes pending usage statistics now. */
  public void flush() {
    lock.writeLock().lock();
    try {
      ensureOpen();
      flushUsageLocked();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Writes pending statistics and releases the directory. Idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      try {
        flushUsageLocked();
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
    return "FileWatchlistStore[" + (dir == null ? "memory" : dir.path().toString()) + "]";
  }

  /**
   * Converts a response time to milliseconds.
   *
   * @param responseTime the time
   * @return milliseconds with a fraction
   * @throws InvalidInputException naming {@code responseTime} if negative
   */
  static double responseMillis(Duration responseTime) {
    if (responseTime == null || responseTime.isNegative()) {
      throw new InvalidInputException("responseTime", responseTime, "must be zero or positive");
    }
    return responseTime.toNanos() / 1_000_000.0;
  }

  private Instant now() {
    return Values.micros(clock.instant());
  }

  private void writeLists(Map<Long, Watchlist> all, long newNextId) {
    if (dir == null) {
      return;
    }
    List<WatchlistEntry> entries = all.values().stream().map(WatchlistEntry::of).toList();
    dir.write(LISTS_FILE, StoreJson.write(new WatchlistsDoc(StoreJson.FORMAT, newNextId, entries)));
  }

  private void flushUsageLocked() {
    if (!usageDirty) {
      return;
    }
    if (dir != null) {
      List<UsageEntry> entries = new ArrayList<>(usage.size());
      usage.forEach((k, u) -> entries.add(new UsageEntry(k.watchlistId, k.day.toString(),
          u.count, u.last.toString(), u.totalMillis, u.hits)));
      dir.write(USAGE_FILE, StoreJson.write(new UsageDoc(StoreJson.FORMAT, entries)));
    }
    usageDirty = false;
    lastUsageFlush = now();
  }

  private void load() {
    Path listsFile = dir.path().resolve(LISTS_FILE);
    byte[] bytes = dir.readIfExists(LISTS_FILE);
    if (bytes != null) {
      WatchlistsDoc doc = StoreJson.read(bytes, WatchlistsDoc.class, listsFile);
      long maxId = 0;
      for (WatchlistEntry e : doc.watchlists() == null ? List.<WatchlistEntry>of()
          : doc.watchlists()) {
        Watchlist w;
        try {
          w = e.toWatchlist();
        } catch (RuntimeException ex) {
          throw new JournalCorruptedException(
              "store file " + listsFile + " has an invalid watchlist: " + ex.getMessage());
        }
        lists.put(w.id(), w);
        maxId = Math.max(maxId, w.id());
      }
      nextId = Math.max(doc.nextId(), maxId + 1);
    }
    Path usageFile = dir.path().resolve(USAGE_FILE);
    bytes = dir.readIfExists(USAGE_FILE);
    if (bytes != null) {
      UsageDoc doc = StoreJson.read(bytes, UsageDoc.class, usageFile);
      for (UsageEntry e : doc.usage() == null ? List.<UsageEntry>of() : doc.usage()) {
        if (!lists.containsKey(e.watchlistId())) {
          continue; // the list was deleted; the crash came before its statistics were written
        }
        try {
          usage.put(new UsageKey(e.watchlistId(), LocalDate.parse(e.day())),
              new Usage(e.accessCount(), Instant.parse(e.lastAccessed()),
                  e.totalResponseMillis(), e.cacheHits()));
        } catch (RuntimeException ex) {
          throw new JournalCorruptedException(
              "store file " + usageFile + " has an invalid entry: " + ex.getMessage());
        }
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new BatchException(this + " is closed");
    }
  }

  private record UsageKey(long watchlistId, LocalDate day) implements Comparable<UsageKey> {
    @Override
    public int compareTo(UsageKey o) {
      int c = Long.compare(watchlistId, o.watchlistId);
      return c != 0 ? c : day.compareTo(o.day);
    }
  }

  private record Usage(long count, Instant last, double totalMillis, long hits) {
    WatchlistUsage toUsage(long watchlistId, LocalDate day) {
      return new WatchlistUsage(watchlistId, day, count, last, totalMillis / count,
          (double) hits / count);
    }
  }

  /** Builds a {@link FileWatchlistStore}. Not thread-safe. */
  public static final class Builder {
    private Path directory;
    private DataTypes types = DataTypes.defaults();
    private Clock clock = Clock.systemUTC();
    private Duration usageFlushInterval = DEFAULT_USAGE_FLUSH_INTERVAL;

    private Builder() {}

    /**
     * Sets the directory; the store writes under {@code directory/watchlists}, creating it.
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
     * Sets the registry that a watchlist's data types must be in.
     *
     * @param types the registry
     * @return this builder
     */
    public Builder dataTypes(DataTypes types) {
      if (types == null) {
        throw new InvalidInputException("dataTypes", null, "must be a registry");
      }
      this.types = types;
      return this;
    }

    /**
     * Sets the clock that stamps lists and accesses.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new InvalidInputException("clock", null, "must be a clock");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Sets the longest time usage statistics stay in memory only; zero writes on every access.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder usageFlushInterval(Duration interval) {
      if (interval == null || interval.isNegative()) {
        throw new InvalidInputException("usageFlushInterval", interval, "must be zero or more");
      }
      this.usageFlushInterval = interval;
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
    public FileWatchlistStore build() {
      if (directory == null) {
        throw new InvalidInputException(
            "directory", null, "must be set; use buildInMemory() for no files");
      }
      return StoreDirectory.open(
          directory.resolve(SUBDIRECTORY), d -> new FileWatchlistStore(this, d));
    }

    /**
     * Creates an empty store that keeps everything in memory; the directory, if set, is
     * ignored.
     *
     * @return the store
     */
    public FileWatchlistStore buildInMemory() {
      return new FileWatchlistStore(this, null);
    }
  }
}
