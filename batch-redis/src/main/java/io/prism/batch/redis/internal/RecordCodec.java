package io.prism.batch.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import java.time.Instant;
import java.util.Optional;

/**
 * The binary form of a {@link DataRecord} in Redis. The key is not stored: it is the Redis key.
 *
 * <pre>
 * byte    format version (1)
 * byte    flags: bit 0 = stale
 * int64   fetchedAt epoch second, big-endian
 * int32   fetchedAt nanosecond, big-endian
 * varint  length of contentHash, then its UTF-8 bytes
 * varint  length of source, then its UTF-8 bytes
 * ...     payload, UTF-8, to the end
 * </pre>
 *
 * <p>The header costs 16 bytes plus the hash and source; the JSON payload is stored as is, with no
 * escaping. Thread-safe (stateless).
 */
public final class RecordCodec {
  /** The format version written in the first byte. */
  public static final byte VERSION = 1;

  private static final int STALE = 1;
  private static final int FIXED_HEADER = 1 + 1 + 8 + 4;

  private RecordCodec() {}

  /**
   * Encodes a record.
   *
   * @param r the record
   * @return its bytes
   */
  public static byte[] encode(DataRecord r) {
    byte[] hash = r.contentHash().getBytes(UTF_8);
    byte[] source = r.source().getBytes(UTF_8);
    byte[] payload = r.payload().getBytes(UTF_8);
    int size =
        FIXED_HEADER
            + varintSize(hash.length)
            + hash.length
            + varintSize(source.length)
            + source.length
            + payload.length;
    byte[] out = new byte[size];
    out[0] = VERSION;
    out[1] = (byte) (r.stale() ? STALE : 0);
    long sec = r.fetchedAt().getEpochSecond();
    for (int i = 0; i < 8; i++) {
      out[2 + i] = (byte) (sec >>> (56 - 8 * i));
    }
    int nano = r.fetchedAt().getNano();
    for (int i = 0; i < 4; i++) {
      out[10 + i] = (byte) (nano >>> (24 - 8 * i));
    }
    int p = writeVarint(out, FIXED_HEADER, hash.length);
    System.arraycopy(hash, 0, out, p, hash.length);
    p = writeVarint(out, p + hash.length, source.length);
    System.arraycopy(source, 0, out, p, source.length);
    p += source.length;
    System.arraycopy(payload, 0, out, p, payload.length);
    return out;
  }

  /**
   * Decodes a record read under a key.
   *
   * @param key the key it was stored under
   * @param bytes the stored bytes
   * @return the record, or empty when the bytes are not a record of this format
   */
  public static Optional<DataRecord> decode(DataKey key, byte[] bytes) {
    try {
      if (bytes.length < FIXED_HEADER + 2 || bytes[0] != VERSION) {
        return Optional.empty();
      }
      boolean stale = (bytes[1] & STALE) != 0;
      long sec = 0;
      for (int i = 2; i < 10; i++) {
        sec = (sec << 8) | (bytes[i] & 0xFF);
      }
      int nano = 0;
      for (int i = 10; i < 14; i++) {
        nano = (nano << 8) | (bytes[i] & 0xFF);
      }
      if (nano < 0 || nano > 999_999_999) {
        return Optional.empty();
      }
      int p = FIXED_HEADER;
      long lenAndNext = readVarint(bytes, p);
      int hashLen = (int) (lenAndNext >>> 32);
      p = (int) lenAndNext;
      String hash = new String(bytes, p, hashLen, UTF_8);
      p += hashLen;
      lenAndNext = readVarint(bytes, p);
      int sourceLen = (int) (lenAndNext >>> 32);
      p = (int) lenAndNext;
      String source = new String(bytes, p, sourceLen, UTF_8);
      p += sourceLen;
      String payload = new String(bytes, p, bytes.length - p, UTF_8);
      return Optional.of(
          new DataRecord(key, payload, hash, Instant.ofEpochSecond(sec, nano), source, stale));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static int writeVarint(byte[] out, int at, int v) {
    int p = at;
    while ((v & ~0x7F) != 0) {
      out[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }

  /** Returns the value in the high 32 bits and the position after it in the low 32 bits. */
  private static long readVarint(byte[] in, int at) {
    int v = 0;
    int p = at;
    for (int shift = 0; shift < 32; shift += 7) {
      byte b = in[p++];
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        if (v < 0) {
          throw new IllegalArgumentException("negative length");
        }
        return ((long) v << 32) | p;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }
}
