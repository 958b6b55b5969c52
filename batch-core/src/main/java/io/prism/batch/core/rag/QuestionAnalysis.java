package io.prism.batch.core.rag;

import java.util.Set;

/**
 * What {@link RagQuery} recognised in a question: the stocks it names (by code, name or alias)
 * and the data types its keywords point to.
 *
 * @param stockCodes six-digit codes
 * @param dataTypes type names
 */
public record QuestionAnalysis(Set<String> stockCodes, Set<String> dataTypes) {
  /** Copies the sets. */
  public QuestionAnalysis {
    stockCodes = Set.copyOf(stockCodes);
    dataTypes = Set.copyOf(dataTypes);
  }

  /**
   * Scores a chunk's metadata against the question: the mean, over the dimensions the question
   * names (stock, type), of 1 when the chunk's value is among those named and 0 when not; 0
   * when the question names neither.
   *
   * @param stockCode the chunk's stock
   * @param dataType the chunk's type
   * @return 0, 0.5 or 1
   */
  public double match(String stockCode, String dataType) {
    int dims = 0;
    int hits = 0;
    if (!stockCodes.isEmpty()) {
      dims++;
      hits += stockCodes.contains(stockCode) ? 1 : 0;
    }
    if (!dataTypes.isEmpty()) {
      dims++;
      hits += dataTypes.contains(dataType) ? 1 : 0;
    }
    return dims == 0 ? 0.0 : (double) hits / dims;
  }
}
