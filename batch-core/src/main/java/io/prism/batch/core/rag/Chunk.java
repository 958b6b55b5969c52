package io.prism.batch.core.rag;

import java.util.Objects;

/**
 * One piece of a document, as the {@link Chunker} cut it.
 *
 * @param index its position in the document, from 0
 * @param text its text, the document's header line first when there is one
 * @param size its size in the chunker's {@linkplain Chunker.Measure measure}
 */
public record Chunk(int index, String text, int size) {
  /** Checks the fields. */
  public Chunk {
    Objects.requireNonNull(text, "text");
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative: " + index);
    }
  }
}
