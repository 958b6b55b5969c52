package io.prism.batch.core.rag;

import com.fasterxml.jackson.databind.JsonNode;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.Exchange;
import io.prism.batch.core.internal.CanonicalJson;
import io.prism.batch.core.rag.internal.Sections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The default {@link DocumentRenderer}: renders the six market data types (日线行情, 公司概况, 财务摘要,
 * 公司公告, 十大股东, 龙虎榜) from the payloads of the AKShare and replay sources into Chinese text
 * with its source facts, and any other type generically.
 *
 * <p>Every document starts with the header {@code 贵州茅台（600519.SH）财务摘要}: the stock's name
 * (from the {@link StockNames} given, else from the payload, else left out), its code and
 * exchange, and the type's label from {@link DataTypes}. The body names its source (AKShare
 * function), the periods or dates, and the units: amounts in 元/万元/亿元 (two decimals), prices
 * in 元, ratios in %, shares in 股 with 万股/亿股. Columns a section does not know are written as
 * {@code 列名：值}; missing members are left out; nothing throws on a payload that is JSON.
 * Daily quotes are a summary of the whole window (high, low, change, mean turnover) plus the
 * newest {@linkplain Builder#dailyRows rows} one line each.
 *
 * <p>A type can be given its own renderer with {@link Builder#type}. Deterministic, immutable and
 * thread-safe.
 *
 * <pre>{@code
 * DocumentRenderer renderer = MarketDocumentRenderer.builder()
 *     .stockNames(StockNames.builder().put("600519", "贵州茅台", "茅台").build())
 *     .build();
 * RenderedDocument doc = renderer.render(key, hasher.canonical(record.payload()));
 * }</pre>
 */
public final class MarketDocumentRenderer implements DocumentRenderer {

  /** Default number of daily rows rendered one by one, {@value}. */
  public static final int DEFAULT_DAILY_ROWS = 30;

  private final StockNames names;
  private final DataTypes types;
  private final int dailyRows;
  private final Map<String, DocumentRenderer> custom;

  private MarketDocumentRenderer(Builder b) {
    this.names = b.names;
    this.types = b.types;
    this.dailyRows = b.dailyRows;
    this.custom = Map.copyOf(b.custom);
  }

  /**
   * Returns a renderer with the defaults: no stock names, the default type labels.
   *
   * @return the renderer
   */
  public static MarketDocumentRenderer create() {
    return builder().build();
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public RenderedDocument render(DataKey key, String payloadJson) {
    Objects.requireNonNull(key, "key");
    DocumentRenderer own = custom.get(key.dataType());
    if (own != null) {
      return own.render(key, payloadJson);
    }
    JsonNode p = CanonicalJson.parse("payload", payloadJson);
    Optional<String> name = names.name(key.stockCode()).or(() -> Sections.nameIn(p));
    String label = types.find(key.dataType()).map(t -> t.label()).orElse(key.dataType());
    String header = name.map(n -> n + "（" + code(key) + "）" + label)
        .orElse("股票" + code(key) + " " + label);
    return new RenderedDocument(header, Sections.body(key.dataType(), p, dailyRows), name);
  }

  private static String code(DataKey key) {
    try {
      return key.stockCode() + "." + Exchange.of(key.stockCode());
    } catch (InvalidInputException e) {
      return key.stockCode();
    }
  }

  /** Builds a {@link MarketDocumentRenderer}. Not thread-safe. */
  public static final class Builder {
    private StockNames names = StockNames.empty();
    private DataTypes types = DataTypes.defaults();
    private int dailyRows = DEFAULT_DAILY_ROWS;
    private final Map<String, DocumentRenderer> custom = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the stock names written in headers.
     *
     * @param names the names
     * @return this builder
     */
    public Builder stockNames(StockNames names) {
      if (names == null) {
        throw new InvalidInputException("stockNames", null, "must not be null");
      }
      this.names = names;
      return this;
    }

    /**
     * Sets the registry whose labels name the types in headers.
     *
     * @param types the registry
     * @return this builder
     */
    public Builder dataTypes(DataTypes types) {
      if (types == null) {
        throw new InvalidInputException("dataTypes", null, "must not be null");
      }
      this.types = types;
      return this;
    }

    /**
     * Sets how many of the newest daily rows are rendered one line each.
     *
     * @param rows 1 to 5000; default {@value #DEFAULT_DAILY_ROWS}
     * @return this builder
     */
    public Builder dailyRows(int rows) {
      if (rows < 1 || rows > 5000) {
        throw new InvalidInputException("dailyRows", rows, "must be between 1 and 5000");
      }
      this.dailyRows = rows;
      return this;
    }

    /**
     * Renders one data type with a renderer of its own.
     *
     * @param dataType the type name
     * @param renderer its renderer
     * @return this builder
     */
    public Builder type(String dataType, DocumentRenderer renderer) {
      new DataKey("000001", dataType);
      if (renderer == null) {
        throw new InvalidInputException("renderer", null, "must not be null");
      }
      custom.put(dataType, renderer);
      return this;
    }

    /**
     * Builds the renderer.
     *
     * @return the renderer
     */
    public MarketDocumentRenderer build() {
      return new MarketDocumentRenderer(this);
    }
  }
}
