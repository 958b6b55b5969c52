package io.prism.batch.core.rag;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.Exchange;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.rag.Embedder;
import io.prism.batch.api.rag.VectorMatch;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.api.rag.VersionStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers questions from the vector index: embeds the question, searches the collections of the
 * requested data types (optionally filtered by stock), drops matches below the similarity
 * threshold (default {@value #DEFAULT_THRESHOLD}), keeps only chunks of versions that are
 * {@code ACTIVE} now, and ranks by a hybrid score.
 *
 * <p><b>Hybrid score</b> = {@code 0.7 · similarity + 0.3 · metadataMatch} by default. The
 * metadata match says how well a chunk's metadata fits what the question names: the question's
 * stocks are recognised by six-digit code (not one that reads as a year and month, such as
 * 202405, unless it is a known stock) and by the names and aliases in {@link StockNames}, its
 * data types by keywords (the type's label, e.g. 财务摘要, and words like 净利润, 毛利率 for
 * {@code financial}, 公告 for {@code announcements}, 龙虎榜 for {@code longhubang}; longest match
 * first, so 股东大会 is not also 股东). The match is the mean, over the dimensions the question names
 * (stock, type), of 1 when the chunk's value is among those named, else 0; it is 0 for every
 * chunk when the question names neither, so ranking is then by similarity alone. See {@link
 * #analyze}.
 *
 * <p><b>Only active versions.</b> The store may hold a pending version being written or a
 * superseded one not yet deleted; every result's version id is checked with {@link
 * VersionStore#activeAmong} in one call, so results never include them, even mid-sync. When
 * filtering leaves fewer than {@code topK} results, the search is repeated with a larger limit
 * (up to {@link Builder#maxCandidates}).
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * RagQuery rag = RagQuery.builder()
 *     .embedder(embedder).vectorStore(vectors).versionStore(ledger)
 *     .stockNames(names)
 *     .build();
 * List<RagHit> hits = rag.search(RagQuery.request("贵州茅台2024年净利润是多少？")
 *     .dataTypes(DataType.FINANCIAL).topK(3).build());
 * }</pre>
 */
public final class RagQuery {

  /** Default similarity threshold, {@value}. */
  public static final double DEFAULT_THRESHOLD = 0.7;
  /** Default weight of the vector similarity, {@value}. */
  public static final double DEFAULT_VECTOR_WEIGHT = 0.7;
  /** Default weight of the metadata match, {@value}. */
  public static final double DEFAULT_METADATA_WEIGHT = 0.3;
  /** Default number of results, {@value}. */
  public static final int DEFAULT_TOP_K = 5;
  /** Default most candidates fetched per collection, {@value}. */
  public static final int DEFAULT_MAX_CANDIDATES = 1000;

  /** The keywords each built-in type is recognised by, besides its label. */
  public static final Map<String, List<String>> DEFAULT_KEYWORDS = defaultKeywords();

  private static final Pattern CODE = Pattern.compile("(?<![0-9])[0-9]{6}(?![0-9])");
  private static final Pattern YEAR_MONTH = Pattern.compile("(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])");

  private final Embedder embedder;
  private final VectorStore vectors;
  private final VersionStore versions;
  private final CollectionNames collections;
  private final List<String> types;
  private final StockNames names;
  private final double threshold;
  private final double vectorWeight;
  private final double metadataWeight;
  private final int topK;
  private final int maxCandidates;
  /** Every name or keyword, longest first, with what it stands for. */
  private final List<Term> terms;

  private RagQuery(Builder b) {
    this.embedder = b.embedder;
    this.vectors = b.vectors;
    this.versions = b.versions;
    this.collections = b.collections;
    this.types = b.dataTypes.names();
    this.names = b.names;
    this.threshold = b.threshold;
    this.vectorWeight = b.vectorWeight;
    this.metadataWeight = b.metadataWeight;
    this.topK = b.topK;
    this.maxCandidates = b.maxCandidates;
    List<Term> all = new ArrayList<>();
    names.allNames().forEach((code, list) -> list.forEach(n -> all.add(new Term(n, code, null))));
    for (DataType t : b.dataTypes.all()) {
      Set<String> words = new LinkedHashSet<>();
      words.add(t.label());
      words.addAll(b.keywords.getOrDefault(t.name(), List.of()));
      words.forEach(w -> all.add(new Term(w, null, t.name())));
    }
    all.sort(Comparator.comparingInt((Term t) -> -t.word.length()).thenComparing(t -> t.word));
    this.terms = List.copyOf(all);
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a request.
   *
   * @param question the question
   * @return a request builder
   */
  public static Request.Builder request(String question) {
    return new Request.Builder(question);
  }

  /**
   * Searches every data type, without filters, for the default number of results.
   *
   * @param question the question
   * @return the results, best first
   */
  public List<RagHit> search(String question) {
    return search(request(question).build());
  }

  /**
   * Searches as the request says.
   *
   * @param request the request
   * @return at most {@code topK} results from active versions, best first
   */
  public List<RagHit> search(Request request) {
    Objects.requireNonNull(request, "request");
    List<String> searched = request.dataTypes.isEmpty() ? types : request.dataTypes;
    int k = request.topK > 0 ? request.topK : topK;
    QuestionAnalysis analysis = analyze(request.question);
    float[] q = embedder.embedQuery(request.question);
    int limit = Math.min(maxCandidates, Math.max(k * 4, 20));
    List<RagHit> hits;
    while (true) {
      List<Candidate> candidates = new ArrayList<>();
      boolean saturated = false;
      for (String type : searched) {
        String c = collections.forType(type);
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put(RagSyncProcessor.META_DATA_TYPE, type);
        if (!request.stockCodes.isEmpty()) {
          filter.put(RagSyncProcessor.META_STOCK_CODE, request.stockCodes);
        }
        List<VectorMatch> ms = vectors.query(c, q, limit, filter);
        for (VectorMatch m : ms) {
          if (m.similarity() >= threshold) {
            candidates.add(new Candidate(c, m));
          }
        }
        if (ms.size() >= limit && ms.get(ms.size() - 1).similarity() >= threshold) {
          saturated = true;
        }
      }
      Set<String> versionIds = new HashSet<>();
      for (Candidate c : candidates) {
        versionIds.add(c.versionId());
      }
      Set<String> active = versionIds.isEmpty() ? Set.of() : versions.activeAmong(versionIds);
      hits = new ArrayList<>();
      for (Candidate c : candidates) {
        if (active.contains(c.versionId())) {
          hits.add(hit(c, analysis));
        }
      }
      if (hits.size() >= k || !saturated || limit >= maxCandidates) {
        break;
      }
      limit = Math.min(maxCandidates, limit * 4);
    }
    hits.sort(Comparator.comparingDouble(RagHit::score).reversed()
        .thenComparing(Comparator.comparingDouble(RagHit::similarity).reversed())
        .thenComparing(RagHit::collection).thenComparing(RagHit::vectorId));
    return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
  }

  /**
   * Recognises the stocks and data types a question names.
   *
   * @param question the question
   * @return what was recognised
   */
  public QuestionAnalysis analyze(String question) {
    Objects.requireNonNull(question, "question");
    Set<String> codes = new LinkedHashSet<>();
    Matcher m = CODE.matcher(question);
    while (m.find()) {
      String digits = m.group();
      if (YEAR_MONTH.matcher(digits).matches() && names.name(digits).isEmpty()) {
        continue; // 202405 is May 2024 rather than a B share, unless it is a known stock
      }
      try {
        Exchange.of(digits);
        codes.add(digits);
      } catch (InvalidInputException e) {
        // six digits that are no A-share code
      }
    }
    String text = question.toLowerCase(Locale.ROOT);
    boolean[] used = new boolean[text.length()];
    Set<String> found = new LinkedHashSet<>();
    for (Term t : terms) {
      String w = t.word.toLowerCase(Locale.ROOT);
      int from = 0;
      while (true) {
        int at = text.indexOf(w, from);
        if (at < 0) {
          break;
        }
        boolean free = true;
        for (int i = at; i < at + w.length(); i++) {
          free &= !used[i];
        }
        if (free) {
          for (int i = at; i < at + w.length(); i++) {
            used[i] = true;
          }
          if (t.code != null) {
            codes.add(t.code);
          } else {
            found.add(t.type);
          }
        }
        from = at + 1;
      }
    }
    return new QuestionAnalysis(codes, found);
  }

  private RagHit hit(Candidate c, QuestionAnalysis analysis) {
    Map<String, Object> meta = c.match.metadata();
    String code = String.valueOf(meta.getOrDefault(RagSyncProcessor.META_STOCK_CODE, ""));
    String type = String.valueOf(meta.getOrDefault(RagSyncProcessor.META_DATA_TYPE, ""));
    Object idx = meta.get(RagSyncProcessor.META_CHUNK_INDEX);
    int index = idx instanceof Number n ? n.intValue() : -1;
    double match = analysis.match(code, type);
    double score = vectorWeight * c.match.similarity() + metadataWeight * match;
    return new RagHit(code, type, c.versionId(), index, c.match.text(), c.match.similarity(),
        match, score, c.match.id(), c.collection);
  }

  private static Map<String, List<String>> defaultKeywords() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(DataType.DAILY_QUOTES, List.of("行情", "股价", "价格", "收盘", "开盘", "最高价", "最低价",
        "涨跌", "涨幅", "跌幅", "成交量", "成交额", "换手率", "振幅", "K线", "日线", "走势"));
    m.put(DataType.COMPANY_PROFILE, List.of("概况", "简介", "行业", "市值", "总股本", "流通股",
        "上市时间", "上市日期", "公司信息"));
    m.put(DataType.FINANCIAL, List.of("财务", "营收", "营业收入", "营业总收入", "净利润", "利润",
        "毛利率", "净利率", "每股收益", "EPS", "ROE", "ROA", "净资产", "资产负债率", "现金流", "财报",
        "业绩", "季报", "年报"));
    m.put(DataType.ANNOUNCEMENTS, List.of("公告", "披露", "董事会", "股东大会", "决议"));
    m.put(DataType.SHAREHOLDERS, List.of("股东", "持股", "十大股东", "增持", "减持", "控股股东"));
    m.put(DataType.LONGHUBANG, List.of("龙虎榜", "营业部", "席位", "游资", "上榜"));
    return Map.copyOf(m);
  }

  private record Term(String word, String code, String type) {}

  private record Candidate(String collection, VectorMatch match) {
    String versionId() {
      return ChunkVectors.versionId(match.metadata());
    }
  }

  /** One search: the question, optional filters and result count. Immutable. */
  public static final class Request {
    private final String question;
    private final List<String> stockCodes;
    private final List<String> dataTypes;
    private final int topK;

    private Request(Builder b) {
      this.question = b.question;
      this.stockCodes = List.copyOf(b.stockCodes);
      this.dataTypes = List.copyOf(b.dataTypes);
      this.topK = b.topK;
    }

    /**
     * Returns the question.
     *
     * @return the question
     */
    public String question() {
      return question;
    }

    /**
     * Returns the stocks searched; empty for all.
     *
     * @return six-digit codes
     */
    public List<String> stockCodes() {
      return stockCodes;
    }

    /**
     * Returns the data types searched; empty for all.
     *
     * @return type names
     */
    public List<String> dataTypes() {
      return dataTypes;
    }

    /**
     * Returns the number of results asked for.
     *
     * @return the count, or empty for the query's default
     */
    public java.util.OptionalInt topK() {
      return topK > 0 ? java.util.OptionalInt.of(topK) : java.util.OptionalInt.empty();
    }

    /** Builds a {@link Request}. Not thread-safe. */
    public static final class Builder {
      private final String question;
      private final Set<String> stockCodes = new LinkedHashSet<>();
      private final Set<String> dataTypes = new LinkedHashSet<>();
      private int topK;

      private Builder(String question) {
        if (question == null || question.isBlank()) {
          throw new InvalidInputException("question", question, "must not be blank");
        }
        this.question = question.strip();
      }

      /**
       * Restricts the search to stocks.
       *
       * @param codes codes, with or without exchange
       * @return this builder
       */
      public Builder stockCodes(String... codes) {
        return stockCodes(List.of(codes));
      }

      /**
       * Restricts the search to stocks.
       *
       * @param codes codes, with or without exchange
       * @return this builder
       */
      public Builder stockCodes(Collection<String> codes) {
        for (String c : codes) {
          stockCodes.add(StockCode.parse(c).code());
        }
        return this;
      }

      /**
       * Restricts the search to data types.
       *
       * @param types type names
       * @return this builder
       */
      public Builder dataTypes(String... types) {
        return dataTypes(List.of(types));
      }

      /**
       * Restricts the search to data types.
       *
       * @param types type names
       * @return this builder
       */
      public Builder dataTypes(Collection<String> types) {
        for (String t : types) {
          CollectionNames.defaults().forType(t);
          dataTypes.add(t);
        }
        return this;
      }

      /**
       * Sets how many results to return.
       *
       * @param k 1 to 100; default the query's
       * @return this builder
       */
      public Builder topK(int k) {
        if (k < 1 || k > 100) {
          throw new InvalidInputException("topK", k, "must be between 1 and 100");
        }
        this.topK = k;
        return this;
      }

      /**
       * Builds the request.
       *
       * @return the request
       */
      public Request build() {
        return new Request(this);
      }
    }
  }

  /** Builds a {@link RagQuery}. Not thread-safe. */
  public static final class Builder {
    private Embedder embedder;
    private VectorStore vectors;
    private VersionStore versions;
    private CollectionNames collections = CollectionNames.defaults();
    private DataTypes dataTypes = DataTypes.defaults();
    private StockNames names = StockNames.empty();
    private final Map<String, List<String>> keywords = new LinkedHashMap<>(DEFAULT_KEYWORDS);
    private double threshold = DEFAULT_THRESHOLD;
    private double vectorWeight = DEFAULT_VECTOR_WEIGHT;
    private double metadataWeight = DEFAULT_METADATA_WEIGHT;
    private int topK = DEFAULT_TOP_K;
    private int maxCandidates = DEFAULT_MAX_CANDIDATES;

    private Builder() {}

    /**
     * Sets the embedder (required); it must be the one the index was built with.
     *
     * @param embedder the embedder
     * @return this builder
     */
    public Builder embedder(Embedder embedder) {
      this.embedder = required("embedder", embedder);
      return this;
    }

    /**
     * Sets the vector store (required).
     *
     * @param vectors the store
     * @return this builder
     */
    public Builder vectorStore(VectorStore vectors) {
      this.vectors = required("vectorStore", vectors);
      return this;
    }

    /**
     * Sets the version ledger (required); it decides which versions are active.
     *
     * @param versions the ledger
     * @return this builder
     */
    public Builder versionStore(VersionStore versions) {
      this.versions = required("versionStore", versions);
      return this;
    }

    /**
     * Sets the collection naming; must match the sync's.
     *
     * @param collections the naming
     * @return this builder
     */
    public Builder collections(CollectionNames collections) {
      this.collections = required("collections", collections);
      return this;
    }

    /**
     * Sets the data types searched by default and their labels.
     *
     * @param types the registry; default {@link DataTypes#defaults()}
     * @return this builder
     */
    public Builder dataTypes(DataTypes types) {
      this.dataTypes = required("dataTypes", types);
      return this;
    }

    /**
     * Sets the stock names and aliases recognised in questions.
     *
     * @param names the names
     * @return this builder
     */
    public Builder stockNames(StockNames names) {
      this.names = required("stockNames", names);
      return this;
    }

    /**
     * Replaces the keywords a data type is recognised by (its label always counts).
     *
     * @param dataType the type
     * @param words the keywords
     * @return this builder
     */
    public Builder keywords(String dataType, String... words) {
      CollectionNames.defaults().forType(dataType);
      List<String> list = new ArrayList<>();
      for (String w : words) {
        if (w == null || w.isBlank()) {
          throw new InvalidInputException("keywords", w, "must not be blank");
        }
        list.add(w.strip());
      }
      keywords.put(dataType, List.copyOf(list));
      return this;
    }

    /**
     * Sets the similarity below which matches are dropped.
     *
     * @param threshold -1 to 1; default {@value #DEFAULT_THRESHOLD}
     * @return this builder
     */
    public Builder threshold(double threshold) {
      if (!(threshold >= -1 && threshold <= 1)) {
        throw new InvalidInputException("threshold", threshold, "must be between -1 and 1");
      }
      this.threshold = threshold;
      return this;
    }

    /**
     * Sets the weights of the hybrid score.
     *
     * @param vector weight of the similarity; default {@value #DEFAULT_VECTOR_WEIGHT}
     * @param metadata weight of the metadata match; default {@value #DEFAULT_METADATA_WEIGHT}
     * @return this builder
     */
    public Builder weights(double vector, double metadata) {
      if (!(vector >= 0 && metadata >= 0 && vector + metadata > 0)
          || !Double.isFinite(vector + metadata)) {
        throw new InvalidInputException("weights", vector + "/" + metadata,
            "must be non-negative, finite and not both 0");
      }
      this.vectorWeight = vector;
      this.metadataWeight = metadata;
      return this;
    }

    /**
     * Sets the default number of results.
     *
     * @param k 1 to 100; default {@value #DEFAULT_TOP_K}
     * @return this builder
     */
    public Builder topK(int k) {
      if (k < 1 || k > 100) {
        throw new InvalidInputException("topK", k, "must be between 1 and 100");
      }
      this.topK = k;
      return this;
    }

    /**
     * Sets the most candidates fetched per collection when inactive versions crowd the top.
     *
     * @param max 20 to 100000; default {@value #DEFAULT_MAX_CANDIDATES}
     * @return this builder
     */
    public Builder maxCandidates(int max) {
      if (max < 20 || max > 100_000) {
        throw new InvalidInputException("maxCandidates", max, "must be between 20 and 100000");
      }
      this.maxCandidates = max;
      return this;
    }

    /**
     * Builds the query.
     *
     * @return the query
     * @throws InvalidInputException naming the first required setting not given
     */
    public RagQuery build() {
      if (embedder == null) {
        throw new InvalidInputException("embedder", null, "must be set");
      }
      if (vectors == null) {
        throw new InvalidInputException("vectorStore", null, "must be set");
      }
      if (versions == null) {
        throw new InvalidInputException("versionStore", null, "must be set");
      }
      return new RagQuery(this);
    }

    private static <T> T required(String field, T value) {
      if (value == null) {
        throw new InvalidInputException(field, null, "must not be null");
      }
      return value;
    }
  }
}
