package io.prism.batch.api.data;

import io.prism.batch.api.InvalidInputException;
import java.time.Instant;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user's watchlist: the stocks and data types to keep warm, and how urgently.
 *
 * <p>Construction checks every field and names the offending one in an {@link
 * InvalidInputException}: at most {@value #MAX_CODES} distinct codes, priority 1–5, a
 * non-empty list of data types, a name of 1–{@value #MAX_NAME_LENGTH} characters. Whether the
 * data types are known is checked against a {@link DataTypes} registry by {@link
 * #requireKnownTypes}.
 *
 * @param id the store's id; 0 before it is stored
 * @param userId the owner
 * @param name the list name
 * @param description a free description; empty when none
 * @param stocks the stocks, distinct, in the user's order
 * @param priority 1 (lowest) to 5 (highest)
 * @param autoBatch whether nightly warm jobs include it
 * @param dataTypes the data types to warm
 * @param scheduleTime the user's preferred warm time (Shanghai time)
 * @param active whether the list is enabled
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record Watchlist(
    long id,
    String userId,
    String name,
    String description,
    List<StockCode> stocks,
    int priority,
    boolean autoBatch,
    List<String> dataTypes,
    LocalTime scheduleTime,
    boolean active,
    Instant createdAt,
    Instant updatedAt) {

  /** The most codes in one list. */
  public static final int MAX_CODES = 500;
  /** The longest list name. */
  public static final int MAX_NAME_LENGTH = 100;
  /** The longest user id. */
  public static final int MAX_USER_ID_LENGTH = 50;
  /** The default data types, as in the seed's table. */
  public static final List<String> DEFAULT_DATA_TYPES =
      List.of(DataType.FINANCIAL, DataType.ANNOUNCEMENTS, DataType.SHAREHOLDERS);

  /** Checks every field. */
  public Watchlist {
    if (id < 0) {
      throw new InvalidInputException("id", id, "must not be negative");
    }
    if (userId == null || userId.isBlank() || userId.length() > MAX_USER_ID_LENGTH) {
      throw new InvalidInputException(
          "userId", userId, "must be 1-" + MAX_USER_ID_LENGTH + " characters");
    }
    if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new InvalidInputException(
          "name", name, "must be 1-" + MAX_NAME_LENGTH + " characters, not blank");
    }
    description = description == null ? "" : description;
    if (stocks == null || stocks.isEmpty()) {
      throw new InvalidInputException("stocks", stocks, "must list at least one stock");
    }
    if (stocks.size() > MAX_CODES) {
      throw new InvalidInputException(
          "stocks", stocks.size() + " codes", "a list holds at most " + MAX_CODES + " codes");
    }
    Set<String> seen = new HashSet<>();
    for (StockCode s : stocks) {
      Objects.requireNonNull(s, "stocks contains null");
      if (!seen.add(s.code())) {
        throw new InvalidInputException("stocks", s.toString(), "is listed twice");
      }
    }
    stocks = List.copyOf(stocks);
    if (priority < 1 || priority > 5) {
      throw new InvalidInputException("priority", priority, "must be between 1 and 5");
    }
    if (dataTypes == null || dataTypes.isEmpty()) {
      throw new InvalidInputException("dataTypes", dataTypes, "must name at least one data type");
    }
    for (String t : dataTypes) {
      if (t == null || t.isBlank()) {
        throw new InvalidInputException("dataTypes", t, "must not contain an empty type");
      }
    }
    dataTypes = List.copyOf(new java.util.LinkedHashSet<>(dataTypes));
    if (scheduleTime == null) {
      throw new InvalidInputException("scheduleTime", null, "must be a time of day, e.g. 01:00");
    }
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * Starts building a new watchlist.
   *
   * @param userId the owner
   * @param name the list name
   * @return a builder with the seed's defaults (priority 3, auto batch, 01:00, active)
   */
  public static Builder builder(String userId, String name) {
    return new Builder(userId, name);
  }

  /**
   * Checks that every data type is in the registry.
   *
   * @param types the registry
   * @return this watchlist
   * @throws InvalidInputException naming {@code dataTypes} and the unknown type
   */
  public Watchlist requireKnownTypes(DataTypes types) {
    types.requireAll("dataTypes", dataTypes);
    return this;
  }

  /**
   * Returns a copy with the store's id and times.
   *
   * @param newId the id
   * @param created creation time
   * @param updated update time
   * @return the copy
   */
  public Watchlist withIdentity(long newId, Instant created, Instant updated) {
    return new Watchlist(newId, userId, name, description, stocks, priority, autoBatch,
        dataTypes, scheduleTime, active, created, updated);
  }

  /**
   * Returns the id if stored.
   *
   * @return the id, or empty for a new list
   */
  public Optional<Long> storedId() {
    return id == 0 ? Optional.empty() : Optional.of(id);
  }

  /** Builds a {@link Watchlist}. Not thread-safe. */
  public static final class Builder {
    private long id;
    private final String userId;
    private final String name;
    private String description = "";
    private List<StockCode> stocks = List.of();
    private int priority = 3;
    private boolean autoBatch = true;
    private List<String> dataTypes = DEFAULT_DATA_TYPES;
    private LocalTime scheduleTime = LocalTime.of(1, 0);
    private boolean active = true;

    private Builder(String userId, String name) {
      this.userId = userId;
      this.name = name;
    }

    /**
     * Sets the id (for updates).
     *
     * @param id the stored id
     * @return this builder
     */
    public Builder id(long id) {
      this.id = id;
      return this;
    }

    /**
     * Sets the description.
     *
     * @param description text
     * @return this builder
     */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /**
     * Sets the stocks from codes such as {@code 600519} or {@code 600519.SH}.
     *
     * @param codes the codes
     * @return this builder
     * @throws InvalidInputException naming {@code stockCode} for a bad code
     */
    public Builder codes(List<String> codes) {
      if (codes == null) {
        throw new InvalidInputException("stocks", null, "must list at least one stock");
      }
      if (codes.size() > MAX_CODES) {
        throw new InvalidInputException(
            "stocks", codes.size() + " codes", "a list holds at most " + MAX_CODES + " codes");
      }
      this.stocks = codes.stream().map(StockCode::parse).toList();
      return this;
    }

    /**
     * Sets the stocks.
     *
     * @param stocks the stocks
     * @return this builder
     */
    public Builder stocks(List<StockCode> stocks) {
      this.stocks = stocks;
      return this;
    }

    /**
     * Sets the priority.
     *
     * @param priority 1 to 5
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Sets whether nightly jobs include the list.
     *
     * @param autoBatch the flag
     * @return this builder
     */
    public Builder autoBatch(boolean autoBatch) {
      this.autoBatch = autoBatch;
      return this;
    }

    /**
     * Sets the data types.
     *
     * @param dataTypes type names
     * @return this builder
     */
    public Builder dataTypes(List<String> dataTypes) {
      this.dataTypes = dataTypes;
      return this;
    }

    /**
     * Sets the preferred warm time.
     *
     * @param scheduleTime a time of day
     * @return this builder
     */
    public Builder scheduleTime(LocalTime scheduleTime) {
      this.scheduleTime = scheduleTime;
      return this;
    }

    /**
     * Sets whether the list is enabled.
     *
     * @param active the flag
     * @return this builder
     */
    public Builder active(boolean active) {
      this.active = active;
      return this;
    }

    /**
     * Builds the watchlist, checking every field.
     *
     * @return the watchlist
     */
    public Watchlist build() {
      Instant now = Instant.now();
      return new Watchlist(id, userId, name, description, stocks, priority, autoBatch,
          dataTypes, scheduleTime, active, now, now);
    }
  }
}
