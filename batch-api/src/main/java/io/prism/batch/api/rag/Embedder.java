package io.prism.batch.api.rag;

import java.util.List;

/**
 * Turns texts into embedding vectors. SPI.
 *
 * <p>Deterministic: the same text always gives the same vector, whatever other texts share the
 * call. Vectors are L2-normalised, so the dot product of two is their cosine similarity.
 * Implementations are thread-safe.
 */
public interface Embedder extends AutoCloseable {

  /**
   * Returns the id of the model, part of every content hash: a different model re-embeds
   * everything.
   *
   * @return e.g. {@code "bge-small-zh-v1.5-q"}
   */
  String modelId();

  /**
   * Returns the length of each vector.
   *
   * @return the dimension
   */
  int dimension();

  /**
   * Embeds documents (passages to be searched).
   *
   * @param texts the texts; any number, split into calls internally
   * @return one vector per text, in order
   */
  List<float[]> embed(List<String> texts);

  /**
   * Embeds a search query, adding the model's query instruction where it expects one.
   *
   * @param query the question
   * @return its vector
   */
  float[] embedQuery(String query);

  /** Releases native resources. */
  @Override
  default void close() {}
}
