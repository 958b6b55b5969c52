package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of known data types: an immutable value.
 *
 * <pre>{@code
 * DataTypes types = DataTypes.defaults().toBuilder()
 *     .put(new DataType("financial", "财务摘要", FreshnessPolicy.maxAge(Duration.ofHours(6)),
 *         Duration.ofHours(6)))
 *     .build();
 * }</pre>
 */
public final class DataTypes {
  private final Map<String, DataType> byName;

  private DataTypes(Map<String, DataType> byName) {
    this.byName = byName;
  }

  /**
   * Returns the defaults: daily quotes 30 min during trading hours, announcements 1 h,
   * financial, shareholders and 龙虎榜 1 day, company profile 7 days.
   *
   * @return the registry
   */
  public static DataTypes defaults() {
    return builder()
        .put(new DataType(DataType.DAILY_QUOTES, "日线行情",
            FreshnessPolicy.duringTradingHours(Duration.ofMinutes(30)), Duration.ofHours(12)))
        .put(new DataType(DataType.ANNOUNCEMENTS, "公司公告",
            FreshnessPolicy.maxAge(Duration.ofHours(1)), Duration.ofHours(1)))
        .put(new DataType(DataType.FINANCIAL, "财务摘要",
            FreshnessPolicy.maxAge(Duration.ofDays(1)), Duration.ofDays(1)))
        .put(new DataType(DataType.SHAREHOLDERS, "十大股东",
            FreshnessPolicy.maxAge(Duration.ofDays(1)), Duration.ofDays(1)))
        .put(new DataType(DataType.LONGHUBANG, "龙虎榜",
            FreshnessPolicy.maxAge(Duration.ofDays(1)), Duration.ofDays(1)))
        .put(new DataType(DataType.COMPANY_PROFILE, "公司概况",
            FreshnessPolicy.maxAge(Duration.ofDays(7)), Duration.ofDays(7)))
        .build();
  }

  /**
   * Starts an empty registry.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder(new LinkedHashMap<>());
  }

  /**
   * Starts a builder holding this registry's types.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder(new LinkedHashMap<>(byName));
  }

  /**
   * Looks a type up.
   *
   * @param name the type name
   * @return the type, or empty
   */
  public Optional<DataType> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Returns a type that must exist.
   *
   * @param name the type name
   * @return the type
   * @throws InvalidInputException naming the field {@code dataType} and the known names
   */
  public DataType require(String name) {
    DataType t = byName.get(name);
    if (t == null) {
      throw new InvalidInputException("dataType", name, "unknown; known types are " + names());
    }
    return t;
  }

  /**
   * Checks that every name is known.
   *
   * @param field the field name to report
   * @param names the names
   * @throws InvalidInputException naming the field and the first unknown name
   */
  public void requireAll(String field, Collection<String> names) {
    for (String n : names) {
      if (!byName.containsKey(n)) {
        throw new InvalidInputException(field, n, "unknown data type; known types are " + names());
      }
    }
  }

  /**
   * Returns all type names in registration order.
   *
   * @return the names
   */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * Returns all types in registration order.
   *
   * @return the types
   */
  public List<DataType> all() {
    return List.copyOf(byName.values());
  }

  /** Builds a {@link DataTypes}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, DataType> byName;

    private Builder(Map<String, DataType> byName) {
      this.byName = byName;
    }

    /**
     * Adds or replaces a type.
     *
     * @param type the type
     * @return this builder
     */
    public Builder put(DataType type) {
      byName.put(type.name(), type);
      return this;
    }

    /**
     * Builds the registry.
     *
     * @return the registry
     */
    public DataTypes build() {
      return new DataTypes(Collections.unmodifiableMap(new LinkedHashMap<>(byName)));
    }
  }
}
