package io.prism.batch.onnx;

import java.util.List;

/** Opens {@link FinanceTexts} to tests in other packages. */
public final class FinanceTextsAccess {
  private FinanceTextsAccess() {}

  /**
   * Generates deterministic finance texts.
   *
   * @param count how many
   * @return the texts
   */
  public static List<String> generate(int count) {
    return FinanceTexts.generate(count);
  }
}
