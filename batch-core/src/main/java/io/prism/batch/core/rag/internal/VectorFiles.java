package io.prism.batch.core.rag.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.rag.VectorEntry;
import io.prism.batch.core.internal.CanonicalJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The file format of one collection of the embedded vector store: magic {@code PRVS}, format
 * number, collection name, entry count, then per entry its id, text and metadata (JSON) as
 * length-prefixed UTF-8 and its vector as a float count and floats; a CRC-32 of everything
 * before it closes the file. Thread-safe; stateless.
 */
public final class VectorFiles {
  /** The layout version written. */
  public static final int FORMAT = 1;

  private static final int MAGIC = 0x50525653; // "PRVS"
  private static final TypeReference<LinkedHashMap<String, Object>> META =
      new TypeReference<>() {};
  private static final com.fasterxml.jackson.databind.ObjectMapper PLAIN =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private VectorFiles() {}

  /**
   * One decoded collection.
   *
   * @param name the collection name
   * @param entries its entries in stored order
   */
  public record Decoded(String name, List<VectorEntry> entries) {}

  /**
   * Encodes a collection.
   *
   * @param name the collection name
   * @param entries the entries
   * @return the file's bytes
   */
  public static byte[] encode(String name, List<VectorEntry> entries) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      string(out, name);
      out.writeInt(entries.size());
      for (VectorEntry e : entries) {
        string(out, e.id());
        string(out, e.text());
        string(out, CanonicalJson.write(e.metadata()));
        float[] v = e.vector();
        out.writeInt(v.length);
        for (float f : v) {
          out.writeFloat(f);
        }
      }
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Decodes a collection file.
   *
   * @param bytes the file's bytes
   * @param file the file, for messages
   * @return the collection
   * @throws JournalCorruptedException if the file is damaged or of a newer format
   */
  public static Decoded decode(byte[] bytes, String file) {
    if (bytes.length < 8 + 8) {
      throw new JournalCorruptedException("vector file " + file + " is truncated");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new JournalCorruptedException("vector file " + file + " fails its checksum");
    }
    try (DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 8)))) {
      if (in.readInt() != MAGIC) {
        throw new JournalCorruptedException("vector file " + file + " is not a vector file");
      }
      int format = in.readInt();
      if (format > FORMAT) {
        throw new JournalCorruptedException("vector file " + file + " has format " + format
            + "; this version reads up to " + FORMAT);
      }
      String name = string(in);
      int n = in.readInt();
      List<VectorEntry> entries = new ArrayList<>(Math.max(0, Math.min(n, 1 << 20)));
      for (int i = 0; i < n; i++) {
        String id = string(in);
        String text = string(in);
        Map<String, Object> meta = PLAIN.readValue(string(in), META);
        int dim = in.readInt();
        float[] v = new float[dim];
        for (int k = 0; k < dim; k++) {
          v[k] = in.readFloat();
        }
        entries.add(new VectorEntry(id, v, text, meta));
      }
      return new Decoded(name, entries);
    } catch (IOException | RuntimeException e) {
      if (e instanceof JournalCorruptedException j) {
        throw j;
      }
      throw new JournalCorruptedException("vector file " + file + " cannot be read: " + e);
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 28)) {
      throw new IOException("bad string length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
