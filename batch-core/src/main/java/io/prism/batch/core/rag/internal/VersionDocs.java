package io.prism.batch.core.rag.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.JournalCorruptedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON documents of {@code FileVersionStore}: one file per key holding its versions and
 * their mappings. Thread-safe; stateless.
 */
public final class VersionDocs {
  /** The layout version written. */
  public static final int FORMAT = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private VersionDocs() {}

  /**
   * One key's file.
   *
   * @param format the layout version
   * @param stockCode the stock
   * @param dataType the type
   * @param versions its versions, oldest first
   */
  public record KeyDoc(int format, String stockCode, String dataType, List<VersionDoc> versions) {}

  /**
   * One version.
   *
   * @param seq the store-wide creation sequence
   * @param versionId the id
   * @param dataHash the hash
   * @param status the status name
   * @param embeddingModel the model
   * @param chunkCount the chunk count
   * @param sourceData the payload
   * @param createdAt ISO instant
   * @param activatedAt ISO instant or null
   * @param deprecatedAt ISO instant or null
   * @param error the error or null
   * @param mappings its mappings
   */
  public record VersionDoc(long seq, String versionId, String dataHash, String status,
      String embeddingModel, int chunkCount, String sourceData, String createdAt,
      String activatedAt, String deprecatedAt, String error, List<MappingDoc> mappings) {}

  /**
   * One mapping.
   *
   * @param vectorId the vector id
   * @param collection the collection
   * @param chunkIndex the chunk index
   * @param chunkText the text
   */
  public record MappingDoc(String vectorId, String collection, int chunkIndex, String chunkText) {}

  /**
   * Encodes a key's file.
   *
   * @param doc the document
   * @return UTF-8 JSON
   */
  public static byte[] write(KeyDoc doc) {
    try {
      return MAPPER.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Decodes a key's file.
   *
   * @param bytes the content
   * @param file the file, for messages
   * @return the document
   * @throws JournalCorruptedException if it cannot be read or has a newer format
   */
  public static KeyDoc read(byte[] bytes, String file) {
    KeyDoc d;
    try {
      d = MAPPER.readValue(bytes, KeyDoc.class);
    } catch (IOException e) {
      throw new JournalCorruptedException("version file " + file + " cannot be read: " + e);
    }
    if (d == null || d.versions() == null) {
      throw new JournalCorruptedException("version file " + file + " is empty");
    }
    if (d.format() > FORMAT) {
      throw new JournalCorruptedException("version file " + file + " has format " + d.format()
          + "; this version reads up to " + FORMAT);
    }
    return d;
  }
}
