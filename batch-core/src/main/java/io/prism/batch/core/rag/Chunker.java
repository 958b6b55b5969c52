package io.prism.batch.core.rag;

import io.prism.batch.api.InvalidInputException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts rendered documents into chunks for embedding: at most {@value #DEFAULT_MAX_TOKENS}
 * tokens each by default, consecutive chunks sharing up to {@value #DEFAULT_OVERLAP_TOKENS}
 * tokens, at most {@value #DEFAULT_MAX_CHUNKS} chunks per document (the seed's {@code
 * rag_settings}).
 *
 * <p><b>Boundaries.</b> A document is cut only between lines (a line is a table row or a
 * paragraph line) and, inside a line, after the sentence punctuation {@code 。！？；} (closing
 * quotes and brackets stay with their sentence). A line is never split unless it alone exceeds
 * the budget; such a line is split after a comma, colon or space ({@code ，、：,}) and, failing
 * that, anywhere <em>except</em> inside a number ({@code 1,234.56}, {@code 12.5%},
 * {@code -8912327}), a date ({@code 2025-05-23}), a URL or a Latin word. The overlap is made of
 * whole sentences or lines from the end of the previous chunk, so it never cuts one either; it
 * is empty when the last sentence alone is longer than the overlap.
 *
 * <p><b>Measure.</b> {@link Measure#APPROX_TOKENS} (default) estimates BERT-style Chinese
 * tokens: one per Chinese character or punctuation mark, one per two digits, one per four Latin
 * letters, none for whitespace. {@link Measure#CHARACTERS} counts code points.
 *
 * <p><b>Header.</b> {@link #chunk(String, String)} repeats a header line (stock, type) at the top
 * of every chunk, inside the budget, so each chunk carries its source facts on its own.
 *
 * <p>Deterministic: the same text always gives the same chunks. Immutable and thread-safe.
 *
 * <pre>{@code
 * Chunker chunker = Chunker.builder().maxTokens(512).overlapTokens(50).build();
 * List<Chunk> chunks = chunker.chunk(doc.header(), doc.body());
 * }</pre>
 */
public final class Chunker {

  /** Default budget per chunk, {@value}. */
  public static final int DEFAULT_MAX_TOKENS = 512;
  /** Default overlap between consecutive chunks, {@value}. */
  public static final int DEFAULT_OVERLAP_TOKENS = 50;
  /** Default most chunks per document, {@value}. */
  public static final int DEFAULT_MAX_CHUNKS = 100;

  private static final Chunker DEFAULTS = builder().build();
  private static final String TERMINATORS = "。！？；";
  private static final String CLOSERS = "”’」』）)】〉》\"'";
  private static final String SOFT = "，、：,:；;";
  /** Spans never cut: URLs, dates, numbers, Latin words. */
  private static final Pattern PROTECTED = Pattern.compile(
      "https?://[^\\s，。；！？、）)】]+"
          + "|\\d{4}-\\d{1,2}-\\d{1,2}"
          + "|[+-]?\\d[\\d,]*(?:\\.\\d+)?%?"
          + "|[A-Za-z_][A-Za-z0-9_]*");

  /** How chunk sizes are measured. */
  public enum Measure {
    /** Estimated tokens of a BERT-style Chinese tokenizer (BGE). */
    APPROX_TOKENS,
    /** Unicode code points. */
    CHARACTERS
  }

  private final Measure measure;
  private final int maxTokens;
  private final int overlap;
  private final int maxChunks;

  private Chunker(Builder b) {
    this.measure = b.measure;
    this.maxTokens = b.maxTokens;
    this.overlap = b.overlap;
    this.maxChunks = b.maxChunks;
  }

  /**
   * Returns a chunker with the defaults (512 tokens, 50 overlap, 100 chunks).
   *
   * @return the chunker
   */
  public static Chunker defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Describes the settings; part of every version hash, so that new settings re-embed.
   *
   * @return e.g. {@code chunker-v1;measure=APPROX_TOKENS;max=512;overlap=50;maxChunks=100}
   */
  public String fingerprint() {
    return "chunker-v1;measure=" + measure + ";max=" + maxTokens + ";overlap=" + overlap
        + ";maxChunks=" + maxChunks;
  }

  /**
   * Returns the budget per chunk.
   *
   * @return the budget
   */
  public int maxTokens() {
    return maxTokens;
  }

  /**
   * Returns the overlap between consecutive chunks.
   *
   * @return the overlap
   */
  public int overlapTokens() {
    return overlap;
  }

  /**
   * Returns the most chunks per document.
   *
   * @return the limit
   */
  public int maxChunks() {
    return maxChunks;
  }

  /**
   * Returns how sizes are measured.
   *
   * @return the measure
   */
  public Measure measure() {
    return measure;
  }

  /**
   * Chunks a rendered document, its header on top of every chunk.
   *
   * @param doc the document
   * @return the chunks
   */
  public List<Chunk> chunk(RenderedDocument doc) {
    return chunk(doc.header(), doc.body());
  }

  /**
   * Chunks a text without a header.
   *
   * @param text the text
   * @return the chunks; none for a blank text
   */
  public List<Chunk> chunk(String text) {
    return chunk("", text);
  }

  /**
   * Chunks a body, repeating a header line at the top of every chunk.
   *
   * @param header one line, or empty
   * @param body the text
   * @return the chunks; one holding only the header for a blank body, none if both are blank
   * @throws InvalidInputException if the header takes more than half the budget, or the body
   *     needs more than {@link #maxChunks()} chunks
   */
  public List<Chunk> chunk(String header, String body) {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(body, "body");
    String head = header.strip();
    if (head.indexOf('\n') >= 0 || head.indexOf('\r') >= 0) {
      throw new InvalidInputException("header", head, "must be one line");
    }
    int headSize = head.isEmpty() ? 0 : size(head) + 1;
    if (headSize * 2 > maxTokens) {
      throw new InvalidInputException("header", head,
          "takes more than half of the chunk budget of " + maxTokens);
    }
    int budget = maxTokens - headSize;
    List<Unit> units = units(body, budget);
    List<Chunk> out = new ArrayList<>();
    if (units.isEmpty()) {
      if (!head.isEmpty()) {
        out.add(new Chunk(0, head, size(head)));
      }
      return out;
    }
    Deque<Unit> cur = new ArrayDeque<>();
    int curSize = 0;
    for (Unit u : units) {
      if (!cur.isEmpty() && curSize + u.size > budget) {
        emit(out, head, cur);
        Deque<Unit> tail = new ArrayDeque<>();
        int tailSize = 0;
        for (var it = cur.descendingIterator(); it.hasNext(); ) {
          Unit t = it.next();
          if (tailSize + t.size > overlap) {
            break;
          }
          tail.addFirst(t);
          tailSize += t.size;
        }
        while (!tail.isEmpty() && tailSize + u.size > budget) {
          tailSize -= tail.removeFirst().size;
        }
        cur = tail;
        curSize = tailSize;
      }
      cur.addLast(u);
      curSize += u.size;
    }
    emit(out, head, cur);
    if (out.size() > maxChunks) {
      throw new InvalidInputException("chunks", out.size(),
          "more than maxChunks " + maxChunks + " for one document; raise maxChunks or render"
              + " less");
    }
    return List.copyOf(out);
  }

  /**
   * Measures a text.
   *
   * @param text the text
   * @return its size in this chunker's measure
   */
  public int size(String text) {
    if (measure == Measure.CHARACTERS) {
      return text.codePointCount(0, text.length());
    }
    int n = 0;
    int i = 0;
    int len = text.length();
    while (i < len) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c >= '0' && c <= '9') {
        int j = i;
        while (j < len && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
          j++;
        }
        n += (j - i + 1) / 2;
        i = j;
      } else if (c < 128 && Character.isLetter(c)) {
        int j = i;
        while (j < len && text.charAt(j) < 128 && Character.isLetter(text.charAt(j))) {
          j++;
        }
        n += (j - i + 3) / 4;
        i = j;
      } else {
        n++;
        i += Character.charCount(text.codePointAt(i));
      }
    }
    return n;
  }

  private void emit(List<Chunk> out, String head, Deque<Unit> units) {
    StringBuilder sb = new StringBuilder();
    if (!head.isEmpty()) {
      sb.append(head).append('\n');
    }
    boolean first = true;
    for (Unit u : units) {
      if (!first) {
        sb.append(u.separator);
      }
      sb.append(u.text);
      first = false;
    }
    String text = sb.toString();
    out.add(new Chunk(out.size(), text, size(text)));
  }

  /** Splits a body into lines and sentences, splitting oversized ones safely. */
  private List<Unit> units(String body, int budget) {
    String text = body.replace("\r\n", "\n").replace('\r', '\n');
    List<Unit> units = new ArrayList<>();
    boolean blank = false;
    for (String raw : text.split("\n", -1)) {
      String line = raw.stripTrailing();
      if (line.isBlank()) {
        blank = !units.isEmpty();
        continue;
      }
      String sep = units.isEmpty() ? "" : blank ? "\n\n" : "\n";
      blank = false;
      boolean firstInLine = true;
      for (String sentence : sentences(line)) {
        List<String> pieces = size(sentence) > budget ? hardSplit(sentence, budget)
            : List.of(sentence);
        for (String piece : pieces) {
          units.add(new Unit(piece, firstInLine ? sep : "", size(piece)));
          firstInLine = false;
        }
      }
    }
    return units;
  }

  private static List<String> sentences(String line) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    int len = line.length();
    while (i < len) {
      char c = line.charAt(i);
      i++;
      if (TERMINATORS.indexOf(c) >= 0) {
        while (i < len && (TERMINATORS.indexOf(line.charAt(i)) >= 0
            || CLOSERS.indexOf(line.charAt(i)) >= 0)) {
          i++;
        }
        out.add(line.substring(start, i));
        start = i;
      }
    }
    if (start < len) {
      out.add(line.substring(start));
    }
    return out;
  }

  /** Splits an oversized sentence, preferring soft punctuation, never inside a protected span. */
  private List<String> hardSplit(String s, int budget) {
    boolean[] inside = new boolean[s.length() + 1];
    Matcher m = PROTECTED.matcher(s);
    while (m.find()) {
      for (int k = m.start() + 1; k < m.end(); k++) {
        inside[k] = true;
      }
    }
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < s.length() && size(s.substring(start)) > budget) {
      int lastSoft = -1;
      int lastAllowed = -1;
      int forced = -1;
      for (int p = start + 1; p < s.length(); p++) {
        if (Character.isLowSurrogate(s.charAt(p))) {
          continue;
        }
        if (size(s.substring(start, p)) > budget) {
          break;
        }
        forced = p;
        if (!inside[p]) {
          lastAllowed = p;
          if (SOFT.indexOf(s.charAt(p - 1)) >= 0 || Character.isWhitespace(s.charAt(p - 1))) {
            lastSoft = p;
          }
        }
      }
      int cut = lastSoft > start ? lastSoft : lastAllowed > start ? lastAllowed : forced;
      if (cut <= start) {
        cut = start + Character.charCount(s.codePointAt(start));
      }
      out.add(s.substring(start, cut));
      start = cut;
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  private record Unit(String text, String separator, int size) {}

  /** Builds a {@link Chunker}. Not thread-safe. */
  public static final class Builder {
    private Measure measure = Measure.APPROX_TOKENS;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private int overlap = DEFAULT_OVERLAP_TOKENS;
    private int maxChunks = DEFAULT_MAX_CHUNKS;

    private Builder() {}

    /**
     * Sets the budget per chunk, header included.
     *
     * @param max 16 to 8192; default {@value #DEFAULT_MAX_TOKENS}
     * @return this builder
     */
    public Builder maxTokens(int max) {
      if (max < 16 || max > 8192) {
        throw new InvalidInputException("maxTokens", max, "must be between 16 and 8192");
      }
      this.maxTokens = max;
      return this;
    }

    /**
     * Sets the overlap between consecutive chunks.
     *
     * @param overlap 0 to less than half the budget; default {@value #DEFAULT_OVERLAP_TOKENS}
     * @return this builder
     */
    public Builder overlapTokens(int overlap) {
      if (overlap < 0) {
        throw new InvalidInputException("overlapTokens", overlap, "must not be negative");
      }
      this.overlap = overlap;
      return this;
    }

    /**
     * Sets the most chunks one document may need.
     *
     * @param max 1 to 10000; default {@value #DEFAULT_MAX_CHUNKS}
     * @return this builder
     */
    public Builder maxChunks(int max) {
      if (max < 1 || max > 10_000) {
        throw new InvalidInputException("maxChunks", max, "must be between 1 and 10000");
      }
      this.maxChunks = max;
      return this;
    }

    /**
     * Sets how sizes are measured.
     *
     * @param measure the measure; default {@link Measure#APPROX_TOKENS}
     * @return this builder
     */
    public Builder measure(Measure measure) {
      if (measure == null) {
        throw new InvalidInputException("measure", null, "must not be null");
      }
      this.measure = measure;
      return this;
    }

    /**
     * Builds the chunker.
     *
     * @return the chunker
     * @throws InvalidInputException naming {@code overlapTokens} if it is not below half the
     *     budget
     */
    public Chunker build() {
      if (overlap * 2 >= maxTokens) {
        throw new InvalidInputException("overlapTokens", overlap,
            "must be less than half of maxTokens " + maxTokens);
      }
      return new Chunker(this);
    }
  }
}
