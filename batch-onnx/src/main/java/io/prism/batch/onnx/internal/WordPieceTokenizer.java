package io.prism.batch.onnx.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT's tokenizer in plain Java: the basic tokenizer (text cleaning, a space around every CJK
 * character, lower-casing, accent stripping, splitting on white space and punctuation) followed by
 * greedy longest-match-first WordPiece, then {@code [CLS] … [SEP]} with truncation.
 *
 * <p>It always lower-cases and strips accents, as BERT's Chinese tokenizers do by default ({@code
 * do_lower_case=True}), whatever the {@code tokenizer.json} normaliser says: the Chinese BERT
 * vocabulary has no upper-case Latin entries, so {@code ROE} would otherwise become {@code [UNK]}.
 * For text without upper-case letters or accents its ids equal those of the Hugging Face tokenizer
 * built from the same file.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer {

  /** Longest word, in code points, that WordPiece splits; a longer one becomes {@code [UNK]}. */
  static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

  private final Map<String, Integer> vocab;
  private final String[] idToToken;
  private final int clsId;
  private final int sepId;
  private final int unkId;
  private final String continuingPrefix;
  private final int maxInputCharsPerWord;
  private final List<String> specialTokens;

  private WordPieceTokenizer(
      Map<String, Integer> vocab,
      String unkToken,
      String clsToken,
      String sepToken,
      String continuingPrefix,
      int maxInputCharsPerWord,
      List<String> specialTokens) {
    this.vocab = vocab;
    int size = 0;
    for (int id : vocab.values()) {
      size = Math.max(size, id + 1);
    }
    this.idToToken = new String[size];
    vocab.forEach((token, id) -> idToToken[id] = token);
    this.unkId = requireToken(vocab, unkToken);
    this.clsId = requireToken(vocab, clsToken);
    this.sepId = requireToken(vocab, sepToken);
    this.continuingPrefix = continuingPrefix;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    List<String> specials = new ArrayList<>();
    for (String s : specialTokens) {
      if (!s.isEmpty() && vocab.containsKey(s)) {
        specials.add(s);
      }
    }
    this.specialTokens = List.copyOf(specials);
  }

  private static int requireToken(Map<String, Integer> vocab, String token) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new IllegalArgumentException("the vocabulary has no " + token + " token");
    }
    return id;
  }

  /**
   * Reads a tokenizer from a Hugging Face {@code tokenizer.json} whose model is WordPiece, or from
   * a BERT {@code vocab.txt} (one token a line, the line number its id). The format is told by the
   * first non-blank character: <code>{</code> means JSON.
   *
   * @param in the file's content; not closed
   * @return the tokenizer
   * @throws IOException if reading fails
   * @throws IllegalArgumentException if the content is not a WordPiece tokenizer
   */
  public static WordPieceTokenizer read(InputStream in) throws IOException {
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    return text.strip().startsWith("{") ? fromTokenizerJson(text) : fromVocabTxt(text);
  }

  private static WordPieceTokenizer fromVocabTxt(String text) {
    Map<String, Integer> vocab = new HashMap<>();
    String[] lines = text.split("\r?\n", -1);
    int id = 0;
    for (int i = 0; i < lines.length; i++) {
      if (i == lines.length - 1 && lines[i].isEmpty()) {
        break; // trailing newline
      }
      vocab.putIfAbsent(lines[i], id++);
    }
    if (vocab.isEmpty()) {
      throw new IllegalArgumentException("the vocabulary is empty");
    }
    return new WordPieceTokenizer(
        vocab,
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "##",
        DEFAULT_MAX_INPUT_CHARS_PER_WORD,
        List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
  }

  private static WordPieceTokenizer fromTokenizerJson(String text) {
    Map<?, ?> root = asMap(MiniJson.parse(text), "the document");
    Map<?, ?> model = asMap(root.get("model"), "\"model\"");
    Object type = model.get("type");
    if (!"WordPiece".equals(type)) {
      throw new IllegalArgumentException(
          "the tokenizer model is " + describe(type) + ", not WordPiece (a BERT tokenizer)");
    }
    Map<?, ?> rawVocab = asMap(model.get("vocab"), "\"model.vocab\"");
    Map<String, Integer> vocab = new HashMap<>(rawVocab.size() * 2);
    rawVocab.forEach(
        (k, v) -> {
          if (!(v instanceof Long)) {
            throw new IllegalArgumentException("vocabulary id of " + k + " is not an integer");
          }
          vocab.put((String) k, Math.toIntExact((Long) v));
        });
    if (vocab.isEmpty()) {
      throw new IllegalArgumentException("the vocabulary is empty");
    }
    String unk = stringOr(model.get("unk_token"), "[UNK]");
    String prefix = stringOr(model.get("continuing_subword_prefix"), "##");
    Object maxChars = model.get("max_input_chars_per_word");
    int maxInputChars =
        maxChars instanceof Long
            ? Math.toIntExact((Long) maxChars)
            : DEFAULT_MAX_INPUT_CHARS_PER_WORD;
    List<String> specials = new ArrayList<>();
    if (root.get("added_tokens") instanceof List) {
      for (Object o : (List<?>) root.get("added_tokens")) {
        if (o instanceof Map
            && Boolean.TRUE.equals(((Map<?, ?>) o).get("special"))
            && ((Map<?, ?>) o).get("content") instanceof String) {
          specials.add((String) ((Map<?, ?>) o).get("content"));
        }
      }
    }
    String cls = "[CLS]";
    String sep = "[SEP]";
    if (root.get("post_processor") instanceof Map) {
      Map<?, ?> post = (Map<?, ?>) root.get("post_processor");
      if (post.get("cls") instanceof List && post.get("sep") instanceof List) {
        cls = stringOr(((List<?>) post.get("cls")).get(0), cls); // BertProcessing
        sep = stringOr(((List<?>) post.get("sep")).get(0), sep);
      }
    }
    return new WordPieceTokenizer(vocab, unk, cls, sep, prefix, maxInputChars, specials);
  }

  private static Map<?, ?> asMap(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(what + " is not a JSON object");
    }
    return (Map<?, ?>) value;
  }

  private static String stringOr(Object value, String fallback) {
    return value instanceof String ? (String) value : fallback;
  }

  private static String describe(Object value) {
    return value instanceof String ? "\"" + value + "\"" : "missing";
  }

  /**
   * Encodes a text as model input: {@code [CLS]}, at most {@code maxLength - 2} WordPiece ids,
   * {@code [SEP]}.
   *
   * @param text the text
   * @param maxLength the longest sequence, special tokens included; at least 2
   * @return the ids
   */
  public int[] encode(String text, int maxLength) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be at least 2: " + maxLength);
    }
    List<Integer> ids = new ArrayList<>();
    ids.add(clsId);
    appendIds(text, ids, maxLength - 2);
    int[] out = new int[ids.size() + 1];
    for (int i = 0; i < ids.size(); i++) {
      out[i] = ids.get(i);
    }
    out[out.length - 1] = sepId;
    return out;
  }

  /**
   * Splits a text into WordPiece tokens, without {@code [CLS]}, {@code [SEP]} or truncation.
   *
   * @param text the text
   * @return the tokens, e.g. {@code [roe, 为, 15, %]}
   */
  public List<String> tokenize(String text) {
    List<Integer> ids = new ArrayList<>();
    appendIds(text, ids, Integer.MAX_VALUE);
    List<String> tokens = new ArrayList<>(ids.size());
    for (int id : ids) {
      tokens.add(idToToken[id]);
    }
    return Collections.unmodifiableList(tokens);
  }

  /**
   * Returns the token of an id.
   *
   * @param id the id
   * @return the token
   */
  public String token(int id) {
    return idToToken[id];
  }

  /**
   * Returns the id of {@code [UNK]}.
   *
   * @return the id
   */
  public int unknownId() {
    return unkId;
  }

  /**
   * Returns the number of entries in the vocabulary.
   *
   * @return the size
   */
  public int vocabularySize() {
    return vocab.size();
  }

  /** Appends WordPiece ids of {@code text} to {@code out}, stopping once {@code limit} added. */
  private void appendIds(String text, List<Integer> out, int limit) {
    int budget = limit;
    int pos = 0;
    while (pos < text.length() && budget > 0) {
      int specialAt = text.length();
      String special = null;
      for (String s : specialTokens) {
        int at = text.indexOf(s, pos);
        if (at >= 0 && at < specialAt) {
          specialAt = at;
          special = s;
        }
      }
      budget = appendPlain(text.substring(pos, specialAt), out, budget);
      if (special == null || budget == 0) {
        return;
      }
      out.add(vocab.get(special));
      budget--;
      pos = specialAt + special.length();
    }
  }

  private int appendPlain(String text, List<Integer> out, int budget) {
    int left = budget;
    for (String word : basicTokenize(text)) {
      left = appendWordPieces(word, out, left);
      if (left == 0) {
        break;
      }
    }
    return left;
  }

  /** BERT's basic tokenizer: clean, isolate CJK characters, lower-case, strip accents, split. */
  static List<String> basicTokenize(String text) {
    StringBuilder cleaned = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
        continue;
      }
      if (isWhitespace(cp)) {
        cleaned.append(' ');
      } else if (isCjk(cp)) {
        cleaned.append(' ').appendCodePoint(cp).append(' ');
      } else {
        cleaned.appendCodePoint(cp);
      }
    }
    String normalized = stripAccents(cleaned.toString().toLowerCase(Locale.ROOT));
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < normalized.length(); ) {
      int cp = normalized.codePointAt(i);
      i += Character.charCount(cp);
      if (isWhitespace(cp)) {
        flush(word, words);
      } else if (isPunctuation(cp)) {
        flush(word, words);
        words.add(new String(Character.toChars(cp)));
      } else {
        word.appendCodePoint(cp);
      }
    }
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  private static String stripAccents(String text) {
    boolean ascii = true;
    for (int i = 0; i < text.length() && ascii; i++) {
      ascii = text.charAt(i) < 0x80;
    }
    if (ascii) {
      return text;
    }
    String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
    StringBuilder sb = new StringBuilder(nfd.length());
    for (int i = 0; i < nfd.length(); ) {
      int cp = nfd.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) != Character.NON_SPACING_MARK) {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  /** Greedy longest-match-first WordPiece of one word; returns the budget left. */
  private int appendWordPieces(String word, List<Integer> out, int budget) {
    int cpCount = word.codePointCount(0, word.length());
    if (cpCount > maxInputCharsPerWord) {
      out.add(unkId);
      return budget - 1;
    }
    Integer whole = vocab.get(word);
    if (whole != null) {
      out.add(whole);
      return budget - 1;
    }
    List<Integer> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      Integer found = null;
      while (end > start) {
        String piece = word.substring(start, end);
        if (start > 0) {
          piece = continuingPrefix + piece;
        }
        found = vocab.get(piece);
        if (found != null) {
          break;
        }
        end = Character.isLowSurrogate(word.charAt(end - 1)) && end - 2 > start ? end - 2 : end - 1;
      }
      if (found == null) {
        out.add(unkId);
        return budget - 1;
      }
      pieces.add(found);
      start = end;
    }
    int left = budget;
    for (int id : pieces) {
      if (left == 0) {
        break;
      }
      out.add(id);
      left--;
    }
    return left;
  }

  private static boolean isWhitespace(int cp) {
    return cp == ' '
        || cp == '\t'
        || cp == '\n'
        || cp == '\r'
        || Character.getType(cp) == Character.SPACE_SEPARATOR;
  }

  private static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.UNASSIGNED:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
        return true;
      default:
        return false;
    }
  }

  private static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47)
        || (cp >= 58 && cp <= 64)
        || (cp >= 91 && cp <= 96)
        || (cp >= 123 && cp <= 126)) {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }

  private static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
