package io.prism.batch.core.rag;

import io.prism.batch.api.data.DataKey;

/**
 * Turns a record's JSON payload into readable text for embedding. Replaceable; the default is
 * {@link MarketDocumentRenderer}.
 *
 * <p>Implementations must be deterministic (the same key and payload always give the same
 * text, whatever the time, locale or thread), must tolerate missing and unknown fields, and
 * must be thread-safe. The payload they receive is the record's {@linkplain
 * ContentHasher#canonical canonical JSON} with the volatile fields removed, so a fetch time can
 * never reach the text.
 *
 * <pre>{@code
 * DocumentRenderer plain = (key, json) ->
 *     new RenderedDocument(key.toString(), json, Optional.empty());
 * }</pre>
 */
@FunctionalInterface
public interface DocumentRenderer {

  /**
   * Renders a record.
   *
   * @param key the record's key
   * @param payloadJson the canonical payload
   * @return the document
   * @throws io.prism.batch.api.InvalidInputException if the payload is not JSON
   */
  RenderedDocument render(DataKey key, String payloadJson);
}
