package io.prism.batch.core.queue;

import io.prism.batch.api.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.zip.CRC32;

/**
 * The binary form of journal and snapshot records.
 *
 * <p>A frame is {@code [int length][int crc][payload]}, big-endian, where {@code length} counts the
 * payload bytes and {@code crc} is the CRC32 of the four length bytes followed by the payload. A
 * payload starts with a type byte. Integers are unsigned LEB128 varints (signed ones zigzag
 * encoded); strings are a varint byte count and UTF-8 bytes; instants are a zigzag varint of epoch
 * seconds and a varint of nanoseconds. Tasks are referred to by their ordinal (position in enqueue
 * order), not their id, to keep the hot records (claim, complete) a dozen bytes long.
 *
 * <p>Not thread-safe; each encoder and decoder belongs to one thread at a time.
 */
final class JournalCodec {
  private JournalCodec() {}

  /** Bytes before a frame's payload. */
  static final int HEADER = 8;

  // journal record types
  static final byte ENQUEUE = 1;
  static final byte CLAIM = 2;
  static final byte COMPLETE = 3;
  static final byte FAIL = 4;
  static final byte RELEASE = 5;
  static final byte CANCEL_RUNNING = 6;
  static final byte CANCEL_PENDING = 7;
  // snapshot record types
  static final byte SNAPSHOT_HEADER = 20;
  static final byte SNAPSHOT_ENTRY = 21;
  static final byte SNAPSHOT_END = 22;

  static boolean isJournalType(byte type) {
    return type >= ENQUEUE && type <= CANCEL_PENDING;
  }

  /** Appends frames to a growable byte array. */
  static final class Encoder {
    private final CRC32 crc = new CRC32();
    byte[] buf;
    int pos;
    private int frameStart = -1;

    Encoder(int capacity) {
      buf = new byte[Math.max(64, capacity)];
    }

    /** Starts a frame with its type byte. */
    Encoder begin(byte type) {
      frameStart = pos;
      ensure(HEADER + 1);
      pos += HEADER;
      buf[pos++] = type;
      return this;
    }

    /** Ends the frame: fills in its length and CRC. */
    void end() {
      int start = frameStart;
      int len = pos - start - HEADER;
      putIntAt(start, len);
      crc.reset();
      crc.update(buf, start, 4);
      crc.update(buf, start + HEADER, len);
      putIntAt(start + 4, (int) crc.getValue());
      frameStart = -1;
    }

    void reset() {
      pos = 0;
      frameStart = -1;
    }

    Encoder putByte(int b) {
      ensure(1);
      buf[pos++] = (byte) b;
      return this;
    }

    Encoder putVarLong(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
      return this;
    }

    Encoder putSignedVarLong(long v) {
      return putVarLong((v << 1) ^ (v >> 63));
    }

    Encoder putInstant(Instant t) {
      putSignedVarLong(t.getEpochSecond());
      return putVarLong(t.getNano());
    }

    Encoder putString(String s) {
      int n = s.length();
      if (isAscii(s)) {
        putVarLong(n);
        ensure(n);
        for (int i = 0; i < n; i++) {
          buf[pos++] = (byte) s.charAt(i);
        }
      } else {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putVarLong(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
      }
      return this;
    }

    /** Writes a flag byte and, if present, the string. */
    Encoder putOptionalString(String s) {
      if (s == null) {
        return putByte(0);
      }
      putByte(1);
      return putString(s);
    }

    Encoder putTask(Task t) {
      putString(t.id());
      putString(t.type());
      if (t.dedupeKey().equals(t.id())) {
        putByte(0);
      } else {
        putByte(1);
        putString(t.dedupeKey());
      }
      putByte(t.priority());
      putString(t.payload());
      putVarLong(t.attempts());
      return putInstant(t.notBefore());
    }

    private void putIntAt(int at, int v) {
      buf[at] = (byte) (v >>> 24);
      buf[at + 1] = (byte) (v >>> 16);
      buf[at + 2] = (byte) (v >>> 8);
      buf[at + 3] = (byte) v;
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    private static boolean isAscii(String s) {
      for (int i = 0, n = s.length(); i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          return false;
        }
      }
      return true;
    }
  }

  /** Thrown by a {@link Decoder} when a payload does not parse. */
  static final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    DecodeException(String message) {
      super(message);
    }
  }

  /** Result of looking for a frame at an offset. */
  enum FrameCheck {
    OK,
    TORN_HEADER,
    BAD_LENGTH,
    BAD_CRC
  }

  /**
   * Checks the frame at {@code at} in {@code buf[0..limit)}.
   *
   * @return OK, or why there is no valid frame there
   */
  static FrameCheck checkFrame(byte[] buf, int at, int limit, CRC32 crc) {
    if (limit - at < HEADER) {
      return FrameCheck.TORN_HEADER;
    }
    int len = intAt(buf, at);
    if (len < 1 || len > limit - at - HEADER) {
      return FrameCheck.BAD_LENGTH;
    }
    crc.reset();
    crc.update(buf, at, 4);
    crc.update(buf, at + HEADER, len);
    return (int) crc.getValue() == intAt(buf, at + 4) ? FrameCheck.OK : FrameCheck.BAD_CRC;
  }

  /** Payload length of the (checked) frame at {@code at}. */
  static int frameLength(byte[] buf, int at) {
    return intAt(buf, at);
  }

  static int intAt(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  /**
   * Reads the fields of one payload at a time; {@link #at} moves it to the next. Keeps one copy of
   * repeated values (task types, the empty payload, the epoch, the latest instant) so a recovered
   * queue does not hold a million equal strings.
   */
  static final class Decoder {
    private static final int MAX_TYPES = 4096;
    private final byte[] buf;
    private final HashMap<String, String> types = new HashMap<>();
    private int pos;
    private int limit;
    private Instant lastInstant = Instant.EPOCH;

    Decoder(byte[] buf) {
      this.buf = buf;
    }

    /** Moves to the payload in {@code buf[from..limit)}. */
    Decoder at(int from, int limit) {
      this.pos = from;
      this.limit = limit;
      return this;
    }

    boolean atEnd() {
      return pos == limit;
    }

    byte getByte() throws DecodeException {
      if (pos >= limit) {
        throw new DecodeException("record ends early");
      }
      return buf[pos++];
    }

    long getVarLong() throws DecodeException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = getByte();
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new DecodeException("varint too long");
    }

    int getVarInt() throws DecodeException {
      long v = getVarLong();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new DecodeException("number out of range: " + v);
      }
      return (int) v;
    }

    long getSignedVarLong() throws DecodeException {
      long v = getVarLong();
      return (v >>> 1) ^ -(v & 1);
    }

    Instant getInstant() throws DecodeException {
      long seconds = getSignedVarLong();
      long nanos = getVarLong();
      if (nanos < 0 || nanos > 999_999_999L) {
        throw new DecodeException("bad nanoseconds: " + nanos);
      }
      if (seconds == lastInstant.getEpochSecond() && nanos == lastInstant.getNano()) {
        return lastInstant;
      }
      if (seconds == 0 && nanos == 0) {
        return Instant.EPOCH;
      }
      try {
        lastInstant = Instant.ofEpochSecond(seconds, nanos);
        return lastInstant;
      } catch (RuntimeException e) {
        throw new DecodeException("bad instant: " + e.getMessage());
      }
    }

    String getString() throws DecodeException {
      int n = getVarInt();
      if (n > limit - pos) {
        throw new DecodeException("string runs past the record");
      }
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    String getOptionalString() throws DecodeException {
      byte flag = getByte();
      if (flag == 0) {
        return null;
      }
      if (flag != 1) {
        throw new DecodeException("bad flag " + flag);
      }
      return getString();
    }

    Task getTask() throws DecodeException {
      String id = getString();
      String type = getString();
      String known = types.get(type);
      if (known != null) {
        type = known;
      } else if (types.size() < MAX_TYPES) {
        types.put(type, type);
      }
      byte sameKey = getByte();
      String dedupeKey;
      if (sameKey == 0) {
        dedupeKey = id;
      } else if (sameKey == 1) {
        dedupeKey = getString();
      } else {
        throw new DecodeException("bad flag " + sameKey);
      }
      int priority = getByte();
      String payload = getString();
      if (payload.equals(EMPTY_PAYLOAD)) {
        payload = EMPTY_PAYLOAD;
      }
      int attempts = getVarInt();
      Instant notBefore = getInstant();
      try {
        return new Task(id, type, dedupeKey, priority, payload, attempts, notBefore);
      } catch (RuntimeException e) {
        throw new DecodeException("bad task: " + e.getMessage());
      }
    }
  }

  private static final String EMPTY_PAYLOAD = "{}";
}
