package io.prism.batch.core.rag;

import com.fasterxml.jackson.databind.JsonNode;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.core.internal.CanonicalJson;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Computes the content hashes that decide whether a record must be embedded again.
 *
 * <p>The <em>record hash</em> is the SHA-256 (lower-case hex) of the payload's canonical JSON:
 * object members sorted by name, numbers written plainly without trailing zeros ({@code 5000.0}
 * and {@code 5000} are the same), no whitespace, UTF-8, and every member whose name is one of
 * the {@linkplain Builder#volatileFields volatile fields} removed at any depth. Fetch times and
 * source timestamps therefore never change a hash.
 *
 * <p>The <em>version hash</em> that a {@link io.prism.batch.api.rag.DataVersion} records adds,
 * to the record's canonical JSON and key, the embedding model id, the chunker's {@link
 * Chunker#fingerprint() settings} and the rendered text: a new model or new chunk settings
 * re-embed every record; a renderer change re-embeds exactly the records whose text changed;
 * nothing else (a fetch time, a query threshold, a batch size) does.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * ContentHasher hasher = ContentHasher.builder().addVolatileField("snapshotTime").build();
 * String h = hasher.recordHash(record.payload());
 * }</pre>
 */
public final class ContentHasher {

  /**
   * The volatile member names removed by default: fetch times and source update stamps.
   */
  public static final Set<String> DEFAULT_VOLATILE_FIELDS = Set.of(
      "fetchedAt", "fetched_at", "fetchTime", "fetch_time", "updateTime", "update_time",
      "updatedAt", "updated_at", "lastUpdated", "last_updated", "crawledAt", "crawled_at",
      "更新时间", "抓取时间", "获取时间", "数据更新时间");

  private static final String FORMAT = "prism-rag-hash-v1";
  private static final ContentHasher DEFAULTS = builder().build();

  private final Set<String> volatileFields;

  private ContentHasher(Set<String> volatileFields) {
    this.volatileFields = volatileFields;
  }

  /**
   * Returns a hasher with {@link #DEFAULT_VOLATILE_FIELDS}.
   *
   * @return the hasher
   */
  public static ContentHasher defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding {@link #DEFAULT_VOLATILE_FIELDS}.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the member names left out of every hash.
   *
   * @return the names
   */
  public Set<String> volatileFields() {
    return volatileFields;
  }

  /**
   * Returns the payload's canonical JSON without its volatile fields; this, not the payload as
   * given, is what renderers see, so the rendered text never depends on a volatile field.
   *
   * @param payloadJson a JSON document
   * @return the canonical text
   * @throws InvalidInputException naming {@code payload} if it is not JSON
   */
  public String canonical(String payloadJson) {
    return canonical(CanonicalJson.parse("payload", payloadJson));
  }

  /**
   * Returns the record hash of a payload.
   *
   * @param payloadJson a JSON document
   * @return 64 lower-case hex digits
   * @throws InvalidInputException naming {@code payload} if it is not JSON
   */
  public String recordHash(String payloadJson) {
    return CanonicalJson.sha256(canonical(payloadJson));
  }

  /**
   * Returns the version hash of a record as a given pipeline embeds it.
   *
   * @param key the record's key
   * @param payloadJson the record's payload
   * @param embeddingModel the embedder's {@link io.prism.batch.api.rag.Embedder#modelId()}
   * @param chunkerFingerprint the chunker's {@link Chunker#fingerprint()}
   * @param renderedText the text the renderer made of the canonical payload
   * @return 64 lower-case hex digits
   */
  public String versionHash(DataKey key, String payloadJson, String embeddingModel,
      String chunkerFingerprint, String renderedText) {
    Objects.requireNonNull(key, "key");
    requireText("embeddingModel", embeddingModel);
    requireText("chunkerFingerprint", chunkerFingerprint);
    Objects.requireNonNull(renderedText, "renderedText");
    return versionHashOfCanonical(key, canonical(payloadJson), embeddingModel,
        chunkerFingerprint, renderedText);
  }

  /**
   * Like {@link #versionHash} for a payload already in {@link #canonical canonical} form.
   *
   * @param key the record's key
   * @param canonicalPayload the canonical payload
   * @param embeddingModel the model id
   * @param chunkerFingerprint the chunker's fingerprint
   * @param renderedText the rendered text
   * @return 64 lower-case hex digits
   */
  String versionHashOfCanonical(DataKey key, String canonicalPayload, String embeddingModel,
      String chunkerFingerprint, String renderedText) {
    return CanonicalJson.sha256(FORMAT + "\nkey=" + key + "\nmodel=" + embeddingModel
        + "\nchunker=" + chunkerFingerprint + "\nrecord=" + canonicalPayload
        + "\ntext=" + renderedText);
  }

  /**
   * Tells whether a payload's member would be left out of the hash.
   *
   * @param name a member name
   * @return true if volatile
   */
  public boolean isVolatile(String name) {
    return volatileFields.contains(name);
  }

  /**
   * Returns the canonical text of a parsed payload.
   *
   * @param payload the tree
   * @return the canonical text
   */
  String canonical(JsonNode payload) {
    return CanonicalJson.canonical(payload, volatileFields, CanonicalJson.Scope.EVERY_LEVEL);
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, value, "must not be blank");
    }
  }

  /** Builds a {@link ContentHasher}. Not thread-safe. */
  public static final class Builder {
    private final Set<String> fields = new LinkedHashSet<>(DEFAULT_VOLATILE_FIELDS);

    private Builder() {}

    /**
     * Replaces the volatile member names.
     *
     * @param names the names; may be empty to hash everything
     * @return this builder
     */
    public Builder volatileFields(Collection<String> names) {
      if (names == null) {
        throw new InvalidInputException("volatileFields", null, "must not be null");
      }
      Set<String> copy = new LinkedHashSet<>();
      for (String n : names) {
        if (n == null || n.isEmpty()) {
          throw new InvalidInputException("volatileFields", n, "must not contain empty names");
        }
        copy.add(n);
      }
      fields.clear();
      fields.addAll(copy);
      return this;
    }

    /**
     * Adds one volatile member name.
     *
     * @param name the name
     * @return this builder
     */
    public Builder addVolatileField(String name) {
      if (name == null || name.isEmpty()) {
        throw new InvalidInputException("volatileField", name, "must not be empty");
      }
      fields.add(name);
      return this;
    }

    /**
     * Builds the hasher.
     *
     * @return the hasher
     */
    public ContentHasher build() {
      return new ContentHasher(Set.copyOf(fields));
    }
  }
}
