package io.prism.batch.onnx;

import java.util.List;

/**
 * Embeds a group of encoded texts: the unit of work one thread takes from a call. The embedder
 * falls back to one text per group when a group fails. A seam for tests, which decorate the real
 * runner to inject failures.
 */
@FunctionalInterface
interface GroupRunner {

  /**
   * Embeds each sequence of a group.
   *
   * @param group token ids of the texts, {@code [CLS]} first
   * @return one normalised vector per sequence, in order
   * @throws Exception if any sequence fails
   */
  float[][] run(List<int[]> group) throws Exception;
}
