package io.prism.batch.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.UUID;

/**
 * batch-core's one way to replace a file so that a reader or a restart never sees it half
 * written: write a temporary file next to it, fsync it, rename it over the target atomically,
 * fsync the directory. Temporary files are named {@code .<name>.<uuid>.tmp}, so {@link
 * #removeTemporaryFiles} can clear what a crash left behind.
 *
 * <p>Stateless and thread-safe; callers serialise writes to the same file.
 */
public final class AtomicFiles {
  private static final String TMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /**
   * Replaces a file atomically and durably; on failure the temporary file is removed and the
   * target is unchanged. The directory must exist.
   *
   * @param target the file
   * @param bytes the new content
   * @throws IOException if it cannot be written
   */
  public static void replace(Path target, byte[] bytes) throws IOException {
    Path tmp = temporaryFor(target);
    try {
      writeSynced(tmp, bytes);
      moveIntoPlace(tmp, target);
      syncDirectory(directoryOf(target));
    } catch (IOException e) {
      deleteQuietly(tmp, e);
      throw e;
    }
  }

  /**
   * Returns a new temporary file name next to a target, for {@link #writeSynced} and {@link
   * #moveIntoPlace}.
   *
   * @param target the file it will replace
   * @return {@code .<name>.<uuid>.tmp} in the target's directory
   */
  public static Path temporaryFor(Path target) {
    return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + TMP_SUFFIX);
  }

  /**
   * Creates a new file with the content and fsyncs it.
   *
   * @param file a file that does not exist yet
   * @param bytes the content
   * @throws IOException if it exists or cannot be written
   */
  public static void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(
        file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  /**
   * Renames a synced temporary file over its target atomically; durable after {@link
   * #syncDirectory}.
   *
   * @param tmp the temporary file
   * @param target the file it replaces
   * @throws IOException if the rename fails
   */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Makes the renames and deletions in a directory durable.
   *
   * @param dir the directory
   * @throws IOException if it cannot be synced
   */
  public static void syncDirectory(Path dir) throws IOException {
    // POSIX needs an fsync of the directory to make a rename durable; some platforms (Windows)
    // cannot open a directory for reading, and there the rename is already durable.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
        return;
      }
      throw e;
    }
  }

  /**
   * Deletes the temporary files a crash left in a directory.
   *
   * @param dir the directory
   * @throws IOException if it cannot be listed or a file cannot be deleted
   */
  public static void removeTemporaryFiles(Path dir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*" + TMP_SUFFIX)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Deletes a temporary file after a failure, adding a failure to delete it to the first one.
   *
   * @param tmp the file
   * @param failure the failure being reported
   */
  public static void deleteQuietly(Path tmp, IOException failure) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  private static Path directoryOf(Path file) {
    return file.toAbsolutePath().getParent();
  }
}
