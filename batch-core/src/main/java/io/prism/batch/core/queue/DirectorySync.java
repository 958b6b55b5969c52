package io.prism.batch.core.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forces a directory's entries (file creations, renames, deletions) to disk where supported. */
final class DirectorySync {
  private DirectorySync() {}

  static void force(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms (Windows) cannot open or force a directory; the rename is still atomic
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("win")) {
        throw e;
      }
    }
  }
}
