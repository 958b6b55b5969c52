package io.prism.batch.core.rag;

import java.util.Objects;
import java.util.Optional;

/**
 * A record rendered to text: a one-line header naming the source (stock code and name, data
 * type) that the {@link Chunker} repeats at the top of every chunk, and the body.
 *
 * @param header e.g. {@code 贵州茅台（600519.SH）财务摘要}; no line breaks
 * @param body the readable text, lines separated by {@code \n}, paragraphs by a blank line
 * @param stockName the stock's name, when known
 */
public record RenderedDocument(String header, String body, Optional<String> stockName) {

  /** Checks the fields. */
  public RenderedDocument {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(stockName, "stockName");
    if (header.indexOf('\n') >= 0) {
      throw new io.prism.batch.api.InvalidInputException("header", header,
          "must be one line");
    }
  }

  /**
   * Returns the header and the body as one text.
   *
   * @return header, a line break, body
   */
  public String text() {
    return header.isEmpty() ? body : header + "\n" + body;
  }
}
