package io.prism.batch.core.store.internal;

import io.prism.batch.api.BatchException;
import io.prism.batch.core.internal.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A directory owned by one store: held with an exclusive file lock, written only by atomic
 * replacement ({@link AtomicFiles}: temporary file, fsync, rename, fsync of the directory), so a
 * reader or a restart never sees a half-written file.
 *
 * <p>Not thread-safe; the stores call it under their own write lock.
 */
public final class StoreDirectory implements AutoCloseable {
  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StoreDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the directory if needed, locks it and removes temporary files a crash left behind.
   *
   * @param dir the directory
   * @return the opened directory
   * @throws BatchException if it cannot be created or another store holds it
   */
  public static StoreDirectory open(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    FileChannel ch = null;
    try {
      Files.createDirectories(abs);
      ch = FileChannel.open(
          abs.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        throw new BatchException(
            "store directory " + abs + " is already open in another store or process");
      }
      StoreDirectory d = new StoreDirectory(abs, ch, l);
      AtomicFiles.removeTemporaryFiles(abs);
      return d;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new BatchException("cannot open store directory " + abs + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /**
   * Opens a directory for a store and passes it to the store's constructor; if the constructor
   * fails (a damaged file, say), the directory is closed again, so a failed build never keeps the
   * lock.
   *
   * @param dir the directory
   * @param store makes the store from the opened directory, reading its files
   * @param <T> the store type
   * @return the store
   * @throws BatchException if the directory cannot be created or another store holds it
   */
  public static <T> T open(Path dir, Function<StoreDirectory, T> store) {
    StoreDirectory d = open(dir);
    try {
      return store.apply(d);
    } catch (RuntimeException e) {
      try {
        d.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * Returns the directory.
   *
   * @return the absolute path
   */
  public Path path() {
    return dir;
  }

  /**
   * Lists the regular files whose names end with a suffix, in name order.
   *
   * @param suffix e.g. {@code .json}
   * @return the files
   */
  public List<Path> list(String suffix) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.endsWith(suffix) && !n.startsWith(".") && Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw new BatchException("cannot list store directory " + dir + ": " + e, e);
    }
    files.sort(null);
    return files;
  }

  /**
   * Reads a file.
   *
   * @param name the file name in this directory
   * @return its bytes, or null when it does not exist
   */
  public byte[] readIfExists(String name) {
    Path p = dir.resolve(name);
    try {
      return Files.exists(p) ? Files.readAllBytes(p) : null;
    } catch (IOException e) {
      throw new BatchException("cannot read " + p + ": " + e, e);
    }
  }

  /**
   * Replaces a file atomically and durably.
   *
   * @param name the file name in this directory
   * @param bytes the new content
   */
  public void write(String name, byte[] bytes) {
    Path target = dir.resolve(name);
    try {
      AtomicFiles.replace(target, bytes);
    } catch (IOException e) {
      throw new BatchException("cannot write " + target + ": " + e, e);
    }
  }

  /**
   * Replaces and deletes several files with one directory sync: every new file is written to a
   * temporary file and synced first, so a failure before the renames changes nothing; then the
   * files are renamed into place and deleted, and the directory is synced once.
   *
   * @param writes new contents by file name
   * @param deletes names of files to delete
   */
  public void writeAll(Map<String, byte[]> writes, Collection<String> deletes) {
    Map<String, Path> temps = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, byte[]> e : writes.entrySet()) {
        Path tmp = AtomicFiles.temporaryFor(dir.resolve(e.getKey()));
        temps.put(e.getKey(), tmp);
        AtomicFiles.writeSynced(tmp, e.getValue());
      }
      for (Map.Entry<String, Path> e : temps.entrySet()) {
        AtomicFiles.moveIntoPlace(e.getValue(), dir.resolve(e.getKey()));
      }
      temps.clear();
      for (String name : deletes) {
        Files.deleteIfExists(dir.resolve(name));
      }
      AtomicFiles.syncDirectory(dir);
    } catch (IOException e) {
      for (Path tmp : temps.values()) {
        AtomicFiles.deleteQuietly(tmp, e);
      }
      throw new BatchException("cannot write store files in " + dir + ": " + e, e);
    }
  }

  /**
   * Deletes a file durably.
   *
   * @param name the file name in this directory
   */
  public void delete(String name) {
    Path p = dir.resolve(name);
    try {
      if (Files.deleteIfExists(p)) {
        AtomicFiles.syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new BatchException("cannot delete " + p + ": " + e, e);
    }
  }

  /** Releases the lock. Idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      throw new BatchException("cannot unlock store directory " + dir + ": " + e, e);
    } finally {
      closeQuietly(lockChannel);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing after a failure; the first failure is the one reported
    }
  }
}
