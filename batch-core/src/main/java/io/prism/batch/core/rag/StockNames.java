package io.prism.batch.core.rag;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.StockCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names of stocks, with optional aliases: the renderer writes the name next to the code, and
 * {@link RagQuery} recognises a stock in a question by its code, name or an alias (e.g. 茅台).
 * An immutable value; thread-safe.
 *
 * <pre>{@code
 * StockNames names = StockNames.builder()
 *     .put("600519", "贵州茅台", "茅台")
 *     .put("000001", "平安银行")
 *     .build();
 * }</pre>
 */
public final class StockNames {
  private static final StockNames EMPTY = new StockNames(Map.of(), Map.of());

  private final Map<String, String> names;
  private final Map<String, List<String>> aliases;

  private StockNames(Map<String, String> names, Map<String, List<String>> aliases) {
    this.names = names;
    this.aliases = aliases;
  }

  /**
   * Returns a table with no names: documents then show codes only, unless the payload names
   * the stock itself.
   *
   * @return the empty table
   */
  public static StockNames empty() {
    return EMPTY;
  }

  /**
   * Returns a table from a map of code to name.
   *
   * @param codeToName e.g. {@code {"600519": "贵州茅台"}}
   * @return the table
   */
  public static StockNames of(Map<String, String> codeToName) {
    Builder b = builder();
    codeToName.forEach((c, n) -> b.put(c, n));
    return b.build();
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
   * Looks a name up.
   *
   * @param code six digits
   * @return the name, or empty
   */
  public Optional<String> name(String code) {
    return Optional.ofNullable(names.get(code));
  }

  /**
   * Returns every name and alias of every stock, by code.
   *
   * @return code to its names (the name first)
   */
  public Map<String, List<String>> allNames() {
    return aliases;
  }

  /**
   * Returns how many stocks the table names.
   *
   * @return the count
   */
  public int size() {
    return names.size();
  }

  /** Builds {@link StockNames}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, List<String>> aliases = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds or replaces a stock's name and aliases.
     *
     * @param code six digits, or a code with its exchange ({@code 600519.SH})
     * @param name the name
     * @param moreAliases other names a question may use
     * @return this builder
     * @throws InvalidInputException naming {@code stockCode} or {@code name}
     */
    public Builder put(String code, String name, String... moreAliases) {
      String c = StockCode.parse(code).code();
      if (name == null || name.isBlank()) {
        throw new InvalidInputException("name", name, "must not be blank");
      }
      List<String> all = new ArrayList<>();
      all.add(name.trim());
      for (String a : moreAliases) {
        if (a == null || a.isBlank()) {
          throw new InvalidInputException("alias", a, "must not be blank");
        }
        if (!all.contains(a.trim())) {
          all.add(a.trim());
        }
      }
      names.put(c, name.trim());
      aliases.put(c, List.copyOf(all));
      return this;
    }

    /**
     * Builds the table.
     *
     * @return the table
     */
    public StockNames build() {
      return new StockNames(Collections.unmodifiableMap(new LinkedHashMap<>(names)),
          Collections.unmodifiableMap(new LinkedHashMap<>(aliases)));
    }
  }
}
