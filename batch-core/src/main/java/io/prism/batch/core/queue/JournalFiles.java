package io.prism.batch.core.queue;

import static io.prism.batch.core.queue.JournalCodec.CANCEL_PENDING;
import static io.prism.batch.core.queue.JournalCodec.CANCEL_RUNNING;
import static io.prism.batch.core.queue.JournalCodec.CLAIM;
import static io.prism.batch.core.queue.JournalCodec.COMPLETE;
import static io.prism.batch.core.queue.JournalCodec.ENQUEUE;
import static io.prism.batch.core.queue.JournalCodec.FAIL;
import static io.prism.batch.core.queue.JournalCodec.HEADER;
import static io.prism.batch.core.queue.JournalCodec.RELEASE;
import static io.prism.batch.core.queue.JournalCodec.SNAPSHOT_END;
import static io.prism.batch.core.queue.JournalCodec.SNAPSHOT_ENTRY;
import static io.prism.batch.core.queue.JournalCodec.SNAPSHOT_HEADER;

import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.queue.JournalCodec.DecodeException;
import io.prism.batch.core.queue.JournalCodec.Decoder;
import io.prism.batch.core.queue.JournalCodec.Encoder;
import io.prism.batch.core.queue.JournalCodec.FrameCheck;
import io.prism.batch.core.queue.QueueCore.Entry;
import io.prism.batch.core.queue.QueueCore.EntryImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Snapshot files and journal recovery for {@link JournaledTaskQueue}.
 *
 * <p>Directory layout: {@code snapshot} (the state after every segment numbered below the one it
 * names), {@code snapshot.tmp} while one is written, {@code journal-NNNNNNNNNNNNNNNN.log} segments,
 * and {@code lock}.
 */
final class JournalFiles {
  private JournalFiles() {}

  static final String SNAPSHOT = "snapshot";
  static final String SNAPSHOT_TMP = "snapshot.tmp";
  static final String LOCK = "lock";

  private static final byte[] SNAPSHOT_MAGIC = "PBQSNAP1".getBytes(StandardCharsets.US_ASCII);
  private static final int SNAPSHOT_FORMAT = 1;
  private static final TaskState[] STATES = TaskState.values();

  // ---------------------------------------------------------------- snapshots

  /**
   * Writes a snapshot atomically: to {@code snapshot.tmp}, forced, then renamed over {@code
   * snapshot}, then the directory forced.
   *
   * @param firstSegment the first journal segment that is not in the snapshot
   */
  static void writeSnapshot(Path dir, QueueCore.Image image, long firstSegment) throws IOException {
    Path tmp = dir.resolve(SNAPSHOT_TMP);
    Encoder enc = new Encoder(256 * 1024);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(ch, ByteBuffer.wrap(SNAPSHOT_MAGIC));
      enc.begin(SNAPSHOT_HEADER)
          .putVarLong(SNAPSHOT_FORMAT)
          .putVarLong(firstSegment)
          .putVarLong(image.nextSeq())
          .putVarLong(image.lastToken())
          .putVarLong(image.entries().length)
          .end();
      for (EntryImage e : image.entries()) {
        enc.begin(SNAPSHOT_ENTRY)
            .putVarLong(e.ordinal())
            .putVarLong(e.seq())
            .putVarLong(e.token())
            .putByte(e.state().ordinal())
            .putTask(e.task())
            .putOptionalString(e.lastError())
            .putOptionalString(e.output())
            .putInstant(e.updatedAt())
            .end();
        if (enc.pos >= 192 * 1024) {
          writeFully(ch, ByteBuffer.wrap(enc.buf, 0, enc.pos));
          enc.reset();
        }
      }
      enc.begin(SNAPSHOT_END).putVarLong(image.entries().length).end();
      writeFully(ch, ByteBuffer.wrap(enc.buf, 0, enc.pos));
      ch.force(true);
    }
    Files.move(
        tmp,
        dir.resolve(SNAPSHOT),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    DirectorySync.force(dir);
  }

  /** Deletes journal segments numbered below {@code firstKept}. */
  static void deleteSegmentsBelow(Path dir, long firstKept) throws IOException {
    for (long n : listSegments(dir)) {
      if (n < firstKept) {
        Files.deleteIfExists(dir.resolve(JournalWriter.segmentName(n)));
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer bb) throws IOException {
    while (bb.hasRemaining()) {
      ch.write(bb);
    }
  }

  /** Loads a snapshot into an empty core; returns the first segment it does not cover. */
  private static long loadSnapshot(Path file, QueueCore core) throws IOException {
    byte[] buf = Files.readAllBytes(file);
    if (buf.length < SNAPSHOT_MAGIC.length
        || !Arrays.equals(
            buf, 0, SNAPSHOT_MAGIC.length, SNAPSHOT_MAGIC, 0, SNAPSHOT_MAGIC.length)) {
      throw corrupt(file, 0, "not a Prism Batch queue snapshot (bad magic)");
    }
    CRC32 crc = new CRC32();
    Decoder d = new Decoder(buf);
    int pos = SNAPSHOT_MAGIC.length;
    long firstSegment = -1;
    long expected = -1;
    long loaded = 0;
    boolean ended = false;
    while (pos < buf.length && !ended) {
      FrameCheck check = JournalCodec.checkFrame(buf, pos, buf.length, crc);
      if (check != FrameCheck.OK) {
        throw corrupt(file, pos, describe(check));
      }
      int len = JournalCodec.frameLength(buf, pos);
      d.at(pos + HEADER, pos + HEADER + len);
      try {
        byte type = d.getByte();
        if (expected < 0 && type != SNAPSHOT_HEADER) {
          throw new DecodeException("expected the snapshot header");
        }
        switch (type) {
          case SNAPSHOT_HEADER -> {
            if (expected >= 0) {
              throw new DecodeException("a second header");
            }
            long format = d.getVarLong();
            if (format != SNAPSHOT_FORMAT) {
              throw new DecodeException("unknown snapshot format " + format);
            }
            firstSegment = d.getVarLong();
            long nextSeq = d.getVarLong();
            long lastToken = d.getVarLong();
            expected = d.getVarLong();
            core.restoreCounters(nextSeq, lastToken);
            core.reserve((int) Math.min(expected, buf.length / 8));
          }
          case SNAPSHOT_ENTRY -> {
            int ordinal = d.getVarInt();
            long seq = d.getVarLong();
            long token = d.getVarLong();
            int state = d.getByte();
            if (state < 0 || state >= STATES.length) {
              throw new DecodeException("bad state " + state);
            }
            Task task = d.getTask();
            String lastError = d.getOptionalString();
            String output = d.getOptionalString();
            Instant updatedAt = d.getInstant();
            restore(
                core,
                new EntryImage(
                    ordinal, task, STATES[state], seq, token, lastError, output, updatedAt));
            loaded++;
          }
          case SNAPSHOT_END -> {
            long count = d.getVarLong();
            if (count != expected || count != loaded) {
              throw new DecodeException(
                  "holds " + loaded + " tasks but its header says " + expected);
            }
            ended = true;
          }
          default -> throw new DecodeException("unknown record type " + type);
        }
        if (!d.atEnd()) {
          throw new DecodeException("record longer than its fields");
        }
      } catch (DecodeException e) {
        throw corrupt(file, pos, e.getMessage());
      }
      pos += HEADER + len;
    }
    if (!ended) {
      throw corrupt(file, pos, "the snapshot ends before its end record");
    }
    if (pos != buf.length) {
      throw corrupt(file, pos, "bytes after the snapshot's end record");
    }
    return firstSegment;
  }

  private static void restore(QueueCore core, EntryImage image) throws DecodeException {
    try {
      core.restore(image);
    } catch (IllegalStateException e) {
      throw new DecodeException(e.getMessage());
    }
  }

  // ---------------------------------------------------------------- recovery

  /**
   * What recovery found.
   *
   * @param snapshotLoaded whether a snapshot was loaded
   * @param recordsReplayed journal records applied after the snapshot
   * @param runningRequeued tasks running at the crash, now pending again
   * @param corruptTail what was dropped from the journal's tail, if anything
   * @param nextSegment the number for the next segment to create
   */
  record Recovered(
      boolean snapshotLoaded,
      long recordsReplayed,
      int runningRequeued,
      Optional<String> corruptTail,
      long nextSegment) {}

  /**
   * Loads the snapshot and replays the journal into an empty core, truncating a torn or corrupt
   * tail of the last segment.
   *
   * @throws JournalCorruptedException if the snapshot is damaged, a segment is missing, or a bad
   *     record is followed by good ones
   */
  static Recovered recover(Path dir, QueueCore core) throws IOException {
    Files.deleteIfExists(dir.resolve(SNAPSHOT_TMP));
    List<Long> segments = listSegments(dir);
    long maxSegment = segments.isEmpty() ? 0 : segments.get(segments.size() - 1);
    core.lock.lock();
    try {
      Path snapshot = dir.resolve(SNAPSHOT);
      boolean snapshotLoaded = Files.exists(snapshot);
      long firstSegment;
      if (snapshotLoaded) {
        firstSegment = loadSnapshot(snapshot, core);
      } else {
        firstSegment = segments.isEmpty() ? 1 : segments.get(0);
      }
      List<Long> replay = new ArrayList<>();
      for (long n : segments) {
        if (n >= firstSegment) {
          long expected = replay.isEmpty() ? firstSegment : replay.get(replay.size() - 1) + 1;
          if (n != expected) {
            throw new JournalCorruptedException(
                "journal segment "
                    + dir.resolve(JournalWriter.segmentName(expected))
                    + " is missing; found "
                    + dir.resolve(JournalWriter.segmentName(n))
                    + " after it");
          }
          replay.add(n);
        }
      }
      long records = 0;
      Optional<String> corruptTail = Optional.empty();
      for (int i = 0; i < replay.size(); i++) {
        Path file = dir.resolve(JournalWriter.segmentName(replay.get(i)));
        Replay r = replaySegment(file, core, i == replay.size() - 1);
        records += r.records;
        if (r.corruptTail != null) {
          corruptTail = Optional.of(r.corruptTail);
        }
      }
      int requeued = core.rebuild();
      long next = Math.max(maxSegment, firstSegment - 1) + 1;
      return new Recovered(snapshotLoaded, records, requeued, corruptTail, next);
    } finally {
      core.lock.unlock();
    }
  }

  private static final class Replay {
    long records;
    String corruptTail;
  }

  private static Replay replaySegment(Path file, QueueCore core, boolean last) throws IOException {
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 64) {
      throw new JournalCorruptedException(
          "journal segment " + file + " is " + size + " bytes, too large to replay");
    }
    byte[] buf = Files.readAllBytes(file);
    CRC32 crc = new CRC32();
    Decoder d = new Decoder(buf);
    Replay result = new Replay();
    int pos = 0;
    while (pos < buf.length) {
      FrameCheck check = JournalCodec.checkFrame(buf, pos, buf.length, crc);
      if (check != FrameCheck.OK) {
        int dropped = buf.length - pos;
        if (!last) {
          throw corrupt(file, pos, describe(check) + " in a segment that is not the last");
        }
        int good = findValidFrame(buf, pos + 1, crc);
        if (good >= 0) {
          throw corrupt(
              file, pos, describe(check) + ", followed by a valid record at offset " + good);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(pos);
          ch.force(true);
        }
        result.corruptTail =
            file + " at offset " + pos + ": " + describe(check) + "; dropped " + dropped + " bytes";
        return result;
      }
      int len = JournalCodec.frameLength(buf, pos);
      try {
        apply(core, d.at(pos + HEADER, pos + HEADER + len));
      } catch (DecodeException e) {
        throw corrupt(file, pos, e.getMessage());
      }
      result.records++;
      pos += HEADER + len;
    }
    return result;
  }

  /** Returns the offset of the first valid journal frame at or after {@code from}, or -1. */
  private static int findValidFrame(byte[] buf, int from, CRC32 crc) {
    for (int p = from; p + HEADER < buf.length; p++) {
      if (!JournalCodec.isJournalType(buf[p + HEADER])) {
        continue;
      }
      if (JournalCodec.checkFrame(buf, p, buf.length, crc) == FrameCheck.OK) {
        return p;
      }
    }
    return -1;
  }

  private static void apply(QueueCore core, Decoder d) throws DecodeException {
    byte type = d.getByte();
    switch (type) {
      case ENQUEUE -> {
        int ordinal = d.getVarInt();
        long seq = d.getVarLong();
        Task task = d.getTask();
        Instant at = d.getInstant();
        restore(core, new EntryImage(ordinal, task, TaskState.PENDING, seq, 0, null, null, at));
      }
      case CLAIM -> {
        Entry e = entry(core, d.getVarInt());
        long token = d.getVarLong();
        int attempts = d.getVarInt();
        Instant at = d.getInstant();
        if (e.state != TaskState.PENDING && e.state != TaskState.RETRYING) {
          throw new DecodeException("claim of task " + e.task.id() + " in state " + e.state);
        }
        e.state = TaskState.RUNNING;
        e.token = token;
        e.task = withAttempts(e.task, attempts, e.task.notBefore());
        e.updatedAt = at;
        core.sawSeqAndToken(0, token);
      }
      case COMPLETE -> {
        Entry e = running(core, d.getVarInt(), d.getVarLong());
        String output = d.getOptionalString();
        e.updatedAt = d.getInstant();
        e.state = TaskState.SUCCEEDED;
        e.output = output;
      }
      case FAIL -> {
        Entry e = running(core, d.getVarInt(), d.getVarLong());
        byte retry = d.getByte();
        if (retry == 1) {
          long seq = d.getVarLong();
          Instant retryAt = d.getInstant();
          e.state = TaskState.RETRYING;
          e.seq = seq;
          e.task = withAttempts(e.task, e.task.attempts(), retryAt);
          core.sawSeqAndToken(seq, 0);
        } else if (retry == 0) {
          e.state = TaskState.FAILED;
        } else {
          throw new DecodeException("bad flag " + retry);
        }
        e.lastError = d.getString();
        e.updatedAt = d.getInstant();
      }
      case RELEASE -> {
        Entry e = running(core, d.getVarInt(), d.getVarLong());
        int attempts = d.getVarInt();
        e.updatedAt = d.getInstant();
        e.state = TaskState.PENDING;
        e.task = withAttempts(e.task, attempts, e.task.notBefore());
      }
      case CANCEL_RUNNING -> {
        Entry e = running(core, d.getVarInt(), d.getVarLong());
        e.updatedAt = d.getInstant();
        e.state = TaskState.CANCELLED;
      }
      case CANCEL_PENDING -> core.replayCancelPending(d.getInstant());
      default -> throw new DecodeException("unknown record type " + type);
    }
    if (!d.atEnd()) {
      throw new DecodeException("record longer than its fields");
    }
  }

  private static Task withAttempts(Task t, int attempts, Instant notBefore) {
    if (attempts == t.attempts() && notBefore.equals(t.notBefore())) {
      return t;
    }
    return t.withAttempts(attempts, notBefore);
  }

  private static Entry entry(QueueCore core, int ordinal) throws DecodeException {
    Entry e = core.byOrdinal(ordinal);
    if (e == null) {
      throw new DecodeException("refers to unknown task ordinal " + ordinal);
    }
    return e;
  }

  private static Entry running(QueueCore core, int ordinal, long token) throws DecodeException {
    Entry e = entry(core, ordinal);
    if (e.state != TaskState.RUNNING || e.token != token) {
      throw new DecodeException(
          "task "
              + e.task.id()
              + " is "
              + e.state
              + " with token "
              + e.token
              + ", not running with token "
              + token);
    }
    return e;
  }

  static List<Long> listSegments(Path dir) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            long n = JournalWriter.segmentNumber(f.getFileName().toString());
            if (n >= 0) {
              found.add(n);
            }
          });
    }
    found.sort(null);
    return found;
  }

  private static String describe(FrameCheck check) {
    return switch (check) {
      case TORN_HEADER -> "torn record header";
      case BAD_LENGTH -> "record length out of range";
      case BAD_CRC -> "CRC32 mismatch";
      case OK -> "ok";
    };
  }

  private static JournalCorruptedException corrupt(Path file, long offset, String what) {
    return new JournalCorruptedException(file + " is corrupt at offset " + offset + ": " + what);
  }
}
