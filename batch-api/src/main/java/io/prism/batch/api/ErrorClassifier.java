package io.prism.batch.api;

/**
 * Decides the {@link ErrorClass} of a task failure. A {@link Processor} may supply its own;
 * the engine's default recognises this package's exceptions and common JDK ones.
 */
@FunctionalInterface
public interface ErrorClassifier {
  /**
   * Classifies a failure.
   *
   * @param error what the processor threw
   * @return its class; never null
   */
  ErrorClass classify(Throwable error);
}
