package io.prism.batch.core.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.JournalCorruptedException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The JSON codec of the embedded stores' files. Every file is an object with a {@code format}
 * number, so that a later version can read (or refuse) an older layout.
 *
 * <p>Thread-safe.
 */
public final class StoreJson {
  /** The layout version written by this code. */
  public static final int FORMAT = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private StoreJson() {}

  /**
   * Writes a value as UTF-8 JSON.
   *
   * @param value the value
   * @return the bytes
   */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new BatchException("cannot encode " + value.getClass().getSimpleName() + ": " + e, e);
    }
  }

  /**
   * Reads a file's content, checking its format number.
   *
   * @param bytes the content
   * @param type the document type
   * @param file the file, for messages
   * @param <T> the type
   * @return the document
   * @throws JournalCorruptedException if the file cannot be parsed or has a newer format
   */
  public static <T extends Versioned> T read(byte[] bytes, Class<T> type, Path file) {
    T doc;
    try {
      doc = MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new JournalCorruptedException("store file " + file + " cannot be read: " + e);
    }
    if (doc == null) {
      throw new JournalCorruptedException("store file " + file + " is empty");
    }
    if (doc.format() > FORMAT) {
      throw new JournalCorruptedException(
          "store file " + file + " has format " + doc.format() + "; this version reads up to "
              + FORMAT);
    }
    return doc;
  }

  /**
   * Tells whether a text is one JSON value.
   *
   * @param text the text
   * @return true if it parses
   */
  public static boolean isJson(String text) {
    try {
      return !MAPPER.readTree(text).isMissingNode();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** A stored document with a layout version. */
  public interface Versioned {
    /**
     * Returns the layout version.
     *
     * @return the version
     */
    int format();
  }
}
