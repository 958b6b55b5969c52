package io.prism.batch.core.engine.internal;

import io.prism.batch.api.BatchException;
import io.prism.batch.core.internal.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Counts one resource's calls per day. With a file, the count survives a restart: each
 * consumed call rewrites a one-line file ({@code date count}) atomically and durably ({@link
 * AtomicFiles}), so a crash leaves either the old or the new count.
 */
final class QuotaLedger {
  private final long quota;
  private final Optional<Path> file;
  private LocalDate day;
  private long used;

  QuotaLedger(long quota, Optional<Path> file) {
    this.quota = quota;
    this.file = file;
    file.ifPresent(this::load);
  }

  /** Consumes one call of {@code today}'s quota; false when it is used up. */
  synchronized boolean tryConsume(LocalDate today) {
    if (!today.equals(day)) {
      day = today;
      used = 0;
    }
    if (used >= quota) {
      return false;
    }
    used++;
    file.ifPresent(this::store);
    return true;
  }

  synchronized long used(LocalDate today) {
    return today.equals(day) ? used : 0;
  }

  long quota() {
    return quota;
  }

  private void load(Path f) {
    try {
      if (!Files.exists(f)) {
        return;
      }
      String[] parts = Files.readString(f, StandardCharsets.UTF_8).trim().split(" ");
      day = LocalDate.parse(parts[0]);
      used = Long.parseLong(parts[1]);
    } catch (IOException | RuntimeException e) {
      throw new BatchException("cannot read quota ledger " + f + ": " + e.getMessage(), e);
    }
  }

  private void store(Path f) {
    try {
      Files.createDirectories(f.toAbsolutePath().getParent());
      AtomicFiles.replace(f, (day + " " + used + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new BatchException("cannot write quota ledger " + f + ": " + e.getMessage(), e);
    }
  }
}
