package io.prism.batch.core.queue;

import io.prism.batch.api.BatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Appends journal frames to segment files with group commit.
 *
 * <p>Producers encode frames straight into the active buffer under a small lock ({@link
 * #lockForAppend()} / {@link #unlockAfterAppend()}). A single writer thread swaps the active buffer
 * with a spare, writes it with one {@code write} and calls {@link FileChannel#force} once per
 * batch, at most once per commit interval unless someone waits for durability. Producers never wait
 * for the disk unless the active buffer is over its soft limit (back-pressure) or they ask to with
 * {@link #awaitDurable}.
 *
 * <p>Positions are logical: bytes appended since the writer started, across segments.
 *
 * <p>Thread-safe.
 */
final class JournalWriter implements AutoCloseable {

  private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{16})\\.log");

  private final Path dir;
  private final long commitIntervalNanos;
  private final int softLimit;
  private final Thread thread;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition dataReady = lock.newCondition();
  private final Condition spaceFreed = lock.newCondition();
  private final Condition durableReached = lock.newCondition();

  // guarded by lock
  private JournalCodec.Encoder active;
  private JournalCodec.Encoder spare;
  private long swappedBytes;
  private long durableBytes;
  private int durableWaiters;
  private boolean writerIdle;
  private boolean closing;
  private Throwable failure;
  private volatile boolean failed;
  private long tailSegment;
  private int rotateCut = -1;
  private long rotateSegment;
  private CompletableFuture<Void> rotated;

  // writer thread only
  private FileChannel channel;
  private long segment;
  private CompletableFuture<Void> rotationInFlight;

  /**
   * Opens a new segment and starts the writer thread.
   *
   * @param dir the journal directory
   * @param segment the number of the segment to create; it must not exist
   * @param commitIntervalNanos the least time between two forces when nobody waits for durability
   * @param bufferSize the soft limit of the active buffer in bytes
   * @param threadName the writer thread's name
   */
  JournalWriter(Path dir, long segment, long commitIntervalNanos, int bufferSize, String threadName)
      throws IOException {
    this.dir = dir;
    this.commitIntervalNanos = commitIntervalNanos;
    this.softLimit = bufferSize;
    this.active = new JournalCodec.Encoder(bufferSize + bufferSize / 4);
    this.spare = new JournalCodec.Encoder(bufferSize + bufferSize / 4);
    this.segment = segment;
    this.tailSegment = segment;
    this.channel = createSegment(dir, segment);
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  static String segmentName(long n) {
    return String.format("journal-%016d.log", n);
  }

  /** Returns the segment number of a journal file name, or -1 if it is not one. */
  static long segmentNumber(String fileName) {
    Matcher m = SEGMENT.matcher(fileName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static FileChannel createSegment(Path dir, long n) throws IOException {
    FileChannel ch =
        FileChannel.open(
            dir.resolve(segmentName(n)), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    DirectorySync.force(dir);
    return ch;
  }

  // ---------------------------------------------------------------- producers

  /**
   * Locks the active buffer for appending whole frames; waits while it is over its soft limit.
   * Always pair with {@link #unlockAfterAppend()} in a finally block.
   *
   * @throws BatchException if the journal has failed or is closed
   */
  JournalCodec.Encoder lockForAppend() {
    lock.lock();
    boolean ok = false;
    try {
      while (active.pos >= softLimit && failure == null && !closing) {
        wakeWriter();
        spaceFreed.awaitUninterruptibly();
      }
      checkUsable();
      ok = true;
      return active;
    } finally {
      if (!ok) {
        lock.unlock();
      }
    }
  }

  /** Publishes what was appended since {@link #lockForAppend()} and unlocks. */
  void unlockAfterAppend() {
    try {
      if (writerIdle && active.pos > 0) {
        wakeWriter();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the logical position after everything appended so far.
   *
   * @return the position
   */
  long position() {
    lock.lock();
    try {
      return swappedBytes + active.pos;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until everything up to {@code position} is forced to disk.
   *
   * @param position a value from {@link #position()}
   * @throws BatchException if the journal fails first
   */
  void awaitDurable(long position) {
    lock.lock();
    try {
      if (durableBytes >= position) {
        return;
      }
      durableWaiters++;
      try {
        wakeWriter();
        while (durableBytes < position) {
          checkFailure();
          if (closing && !thread.isAlive()) {
            throw new BatchException("the journal in " + dir + " was closed before a write");
          }
          durableReached.awaitUninterruptibly();
        }
      } finally {
        durableWaiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts a new segment at the current position: frames appended so far go to the current segment,
   * later ones to the new one.
   *
   * @return the new segment's number and a future completed once the old segment is forced and
   *     closed and the new one created
   */
  Rotation rotate() {
    lock.lock();
    try {
      checkUsable();
      if (rotated != null) {
        throw new IllegalStateException("a journal rotation is already pending");
      }
      rotateCut = active.pos;
      rotateSegment = ++tailSegment;
      rotated = new CompletableFuture<>();
      wakeWriter();
      return new Rotation(rotateSegment, rotated);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A requested rotation.
   *
   * @param segment the number of the new segment
   * @param done completes when the old segment is closed
   */
  record Rotation(long segment, CompletableFuture<Void> done) {}

  /** Throws if the writer has failed; cheap when it has not. */
  void checkHealthy() {
    if (!failed) {
      return;
    }
    lock.lock();
    try {
      checkFailure();
    } finally {
      lock.unlock();
    }
  }

  /** Forces everything appended, stops the writer and closes the segment. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closing = true;
      dataReady.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      durableReached.signalAll();
      spaceFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void wakeWriter() {
    writerIdle = false;
    dataReady.signal();
  }

  private void checkUsable() {
    checkFailure();
    if (closing) {
      throw new IllegalStateException("the journal in " + dir + " is closed");
    }
  }

  private void checkFailure() {
    if (failure != null) {
      throw new BatchException("the journal in " + dir + " failed: " + failure, failure);
    }
  }

  // ---------------------------------------------------------------- writer thread

  private void run() {
    long lastForce = System.nanoTime() - commitIntervalNanos;
    try {
      while (true) {
        JournalCodec.Encoder batch;
        int cut;
        long newSegment;
        CompletableFuture<Void> rotation;
        long end;
        lock.lock();
        try {
          while (!closing && active.pos == 0 && rotated == null) {
            writerIdle = true;
            dataReady.awaitUninterruptibly();
          }
          writerIdle = false;
          // group commit: let more frames collect unless someone waits or the buffer is full
          while (!closing && durableWaiters == 0 && active.pos < softLimit) {
            long wait = lastForce + commitIntervalNanos - System.nanoTime();
            if (wait <= 0) {
              break;
            }
            dataReady.awaitNanos(wait);
          }
          if (active.pos == 0 && rotated == null) {
            break; // closing and drained
          }
          batch = active;
          active = spare;
          spare = null;
          swappedBytes += batch.pos;
          end = swappedBytes;
          cut = rotateCut;
          newSegment = rotateSegment;
          rotation = rotated;
          rotationInFlight = rotation;
          rotateCut = -1;
          rotated = null;
          spaceFreed.signalAll();
        } finally {
          lock.unlock();
        }

        if (cut >= 0) {
          write(batch.buf, 0, cut);
          channel.force(false);
          channel.close();
          segment = newSegment;
          channel = createSegment(dir, segment);
          write(batch.buf, cut, batch.pos - cut);
        } else {
          write(batch.buf, 0, batch.pos);
        }
        channel.force(false);
        lastForce = System.nanoTime();
        if (rotation != null) {
          rotationInFlight = null;
          rotation.complete(null);
        }

        if (batch.buf.length > 4 * softLimit) {
          batch = new JournalCodec.Encoder(softLimit + softLimit / 4); // after one huge append
        }
        lock.lock();
        try {
          batch.reset();
          spare = batch;
          durableBytes = end;
          durableReached.signalAll();
          spaceFreed.signalAll();
        } finally {
          lock.unlock();
        }
      }
      channel.force(false);
      channel.close();
    } catch (Throwable t) {
      lock.lock();
      try {
        failure = t;
        failed = true;
        if (rotated != null) {
          rotated.completeExceptionally(t);
        }
        if (rotationInFlight != null) {
          rotationInFlight.completeExceptionally(t);
        }
        durableReached.signalAll();
        spaceFreed.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        channel.close();
      } catch (IOException suppressed) {
        t.addSuppressed(suppressed);
      }
    }
  }

  private void write(byte[] buf, int off, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
    while (bb.hasRemaining()) {
      channel.write(bb);
    }
  }
}
