package io.prism.batch.core.rag;

import io.prism.batch.api.rag.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A deterministic {@link Embedder} for tests: each text becomes the counts of its character
 * bigrams hashed into {@value #DIMENSION} buckets, L2-normalised, so texts sharing many bigrams
 * are similar. It counts calls and texts, and can be told to fail.
 *
 * <pre>{@code
 * BigramEmbedder e = new BigramEmbedder();
 * e.failWhen(texts -> texts.size() > 1);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class BigramEmbedder implements Embedder {
  /** The vector length, {@value}. */
  public static final int DIMENSION = 256;

  private final String modelId;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger texts = new AtomicInteger();
  private final List<Integer> callSizes = new CopyOnWriteArrayList<>();
  private volatile Predicate<List<String>> failWhen = t -> false;
  private volatile Function<List<String>, RuntimeException> failure =
      t -> new IllegalStateException("embedder unavailable (injected)");

  /** Creates an embedder with model id {@code fake-bigram-256}. */
  public BigramEmbedder() {
    this("fake-bigram-256");
  }

  /**
   * Creates an embedder with a model id.
   *
   * @param modelId the id
   */
  public BigramEmbedder(String modelId) {
    this.modelId = modelId;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public List<float[]> embed(List<String> input) {
    calls.incrementAndGet();
    callSizes.add(input.size());
    if (failWhen.test(input)) {
      throw failure.apply(input);
    }
    texts.addAndGet(input.size());
    List<float[]> out = new ArrayList<>(input.size());
    for (String t : input) {
      out.add(vector(t));
    }
    return out;
  }

  @Override
  public float[] embedQuery(String query) {
    return vector(query);
  }

  /**
   * Makes embed calls whose texts match fail.
   *
   * @param when which calls fail
   */
  public void failWhen(Predicate<List<String>> when) {
    this.failWhen = when;
  }

  /** Makes every embed call fail. */
  public void failAlways() {
    failWhen(t -> true);
  }

  /** Stops failing. */
  public void heal() {
    failWhen(t -> false);
  }

  /**
   * Returns the number of {@link #embed} calls.
   *
   * @return the count
   */
  public int calls() {
    return calls.get();
  }

  /**
   * Returns the number of texts embedded successfully.
   *
   * @return the count
   */
  public int texts() {
    return texts.get();
  }

  /**
   * Returns the number of texts of each call, in order.
   *
   * @return the sizes
   */
  public List<Integer> callSizes() {
    return List.copyOf(callSizes);
  }

  /** Resets the counters. */
  public void reset() {
    calls.set(0);
    texts.set(0);
    callSizes.clear();
  }

  /**
   * Returns the vector of a text.
   *
   * @param text the text
   * @return the normalised bigram histogram
   */
  public static float[] vector(String text) {
    float[] v = new float[DIMENSION];
    int[] cps = text.codePoints().filter(c -> !Character.isWhitespace(c)).toArray();
    if (cps.length == 1) {
      v[Math.floorMod(Integer.hashCode(cps[0]) * 31, DIMENSION)] += 1;
    }
    for (int i = 0; i + 1 < cps.length; i++) {
      int h = cps[i] * 0x9E3779B1 ^ cps[i + 1] * 0x85EBCA6B;
      h ^= h >>> 15;
      v[Math.floorMod(h, DIMENSION)] += 1;
    }
    double norm = 0;
    for (float f : v) {
      norm += f * f;
    }
    if (norm == 0) {
      v[0] = 1;
      return v;
    }
    float n = (float) Math.sqrt(norm);
    for (int i = 0; i < v.length; i++) {
      v[i] /= n;
    }
    return v;
  }
}
