package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.api.data.WatchlistUsage;
import io.prism.batch.postgres.internal.Sql;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The {@link WatchlistStore} on PostgreSQL: the seed's tables {@code user_watchlists} and
 * {@code watchlist_usage_stats}.
 *
 * <p>Every write is validated before it reaches the database — the {@link Watchlist} checks its
 * own fields and the store checks its data types against its {@link DataTypes} registry — so an
 * invalid write throws {@link InvalidInputException} naming the field and changes nothing; the
 * table's CHECK constraints repeat the rules as a last line of defence. Stocks are stored in
 * {@code stock_codes TEXT[]} as canonical codes with their exchange, e.g. {@code 600519.SH}.
 *
 * <p>{@link #recordAccess} is one upsert on {@code (watchlist_id, date_recorded)}, the day taken
 * in Shanghai time; it keeps the summed response time and hit count next to the seed's mean
 * and rate so that both stay exact under concurrent updates.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * WatchlistStore lists = PostgresWatchlistStore.builder(jdbi).schema("prism").build();
 * Watchlist w = lists.create(Watchlist.builder("u1", "白酒").codes(List.of("600519")).build());
 * }</pre>
 */
public final class PostgresWatchlistStore extends StoreSupport implements WatchlistStore {

  /** The provider name, {@value}. */
  public static final String NAME = "postgres";
  /** The time zone that decides the day of a usage statistic. */
  public static final ZoneId ZONE = FreshnessPolicy.SHANGHAI;

  private static final String COLUMNS = "id, user_id, watchlist_name, description, stock_codes,"
      + " priority_level, auto_batch, data_types, schedule_time, is_active, created_at,"
      + " updated_at";
  /** The largest value of {@code avg_response_time DECIMAL(10,3)}. */
  private static final double MAX_AVG_MILLIS = 9_999_999.999;

  private final DataTypes types;
  private final Clock clock;
  private final String insert;
  private final String update;
  private final String delete;
  private final String selectById;
  private final String selectByUser;
  private final String selectAutoBatch;
  private final String recordAccess;
  private final String selectUsage;

  private PostgresWatchlistStore(Builder b) {
    super(b);
    this.types = b.types;
    this.clock = b.clock;
    String t = "${schema}.user_watchlists";
    String u = "${schema}.watchlist_usage_stats";
    insert = sql("INSERT INTO " + t + " (user_id, watchlist_name, description, stock_codes,"
        + " priority_level, auto_batch, data_types, schedule_time, is_active, created_at,"
        + " updated_at) VALUES (:userId, :name, :description, :stocks::text[], :priority,"
        + " :autoBatch, :dataTypes::text[], :scheduleTime, :active, :now, :now)"
        + " RETURNING " + COLUMNS);
    update = sql("UPDATE " + t + " SET user_id = :userId, watchlist_name = :name,"
        + " description = :description, stock_codes = :stocks::text[],"
        + " priority_level = :priority, auto_batch = :autoBatch,"
        + " data_types = :dataTypes::text[], schedule_time = :scheduleTime,"
        + " is_active = :active, updated_at = :now WHERE id = :id RETURNING " + COLUMNS);
    delete = sql("DELETE FROM " + t + " WHERE id = :id");
    selectById = sql("SELECT " + COLUMNS + " FROM " + t + " WHERE id = :id");
    selectByUser = sql("SELECT " + COLUMNS + " FROM " + t + " WHERE user_id = :userId"
        + " ORDER BY id");
    selectAutoBatch = sql("SELECT " + COLUMNS + " FROM " + t
        + " WHERE is_active AND auto_batch ORDER BY priority_level DESC, id");
    recordAccess = sql("INSERT INTO " + u + " AS s (watchlist_id, user_id, access_count,"
        + " last_accessed, total_response_ms, cache_hits, avg_response_time, cache_hit_rate,"
        + " date_recorded)"
        + " SELECT w.id, w.user_id, 1, :now, :millis, :hits, LEAST(:millis, " + MAX_AVG_MILLIS
        + "), :hits, :day FROM " + t + " w WHERE w.id = :id"
        + " ON CONFLICT (watchlist_id, date_recorded) DO UPDATE SET"
        + " access_count = s.access_count + 1,"
        + " last_accessed = GREATEST(s.last_accessed, excluded.last_accessed),"
        + " total_response_ms = s.total_response_ms + excluded.total_response_ms,"
        + " cache_hits = s.cache_hits + excluded.cache_hits,"
        + " avg_response_time = LEAST((s.total_response_ms + excluded.total_response_ms)"
        + " / (s.access_count + 1), " + MAX_AVG_MILLIS + "),"
        + " cache_hit_rate = (s.cache_hits + excluded.cache_hits)::numeric"
        + " / (s.access_count + 1)");
    selectUsage = sql("SELECT access_count, last_accessed, total_response_ms, cache_hits FROM "
        + u + " WHERE watchlist_id = :id AND date_recorded = :day");
  }

  /**
   * Starts a builder with the defaults: {@link DataTypes#defaults()}, the system clock.
   *
   * @param jdbi the database
   * @return a builder
   */
  public static Builder builder(Jdbi jdbi) {
    return new Builder(jdbi);
  }

  @Override
  public Watchlist create(Watchlist watchlist) {
    Objects.requireNonNull(watchlist, "watchlist").requireKnownTypes(types);
    ensureOpen();
    Instant now = now();
    return Sql.call("create watchlist " + watchlist.name(), () -> jdbi.withHandle(h ->
        bindList(h.createQuery(insert), watchlist, now)
            .map((rs, ctx) -> watchlist(rs)).one()));
  }

  @Override
  public Watchlist update(Watchlist watchlist) {
    Objects.requireNonNull(watchlist, "watchlist").requireKnownTypes(types);
    ensureOpen();
    Instant now = now();
    Optional<Watchlist> updated = Sql.call("update watchlist " + watchlist.id(), () ->
        jdbi.withHandle(h -> bindList(h.createQuery(update), watchlist, now)
            .bind("id", watchlist.id())
            .map((rs, ctx) -> watchlist(rs)).findOne()));
    return updated.orElseThrow(() ->
        new InvalidInputException("id", watchlist.id(), "no watchlist has this id"));
  }

  @Override
  public boolean delete(long id) {
    ensureOpen();
    return Sql.call("delete watchlist " + id, () -> jdbi.withHandle(h ->
        h.createUpdate(delete).bind("id", id).execute() > 0));
  }

  @Override
  public Optional<Watchlist> get(long id) {
    ensureOpen();
    return Sql.call("read watchlist " + id, () -> jdbi.withHandle(h ->
        h.createQuery(selectById).bind("id", id).map((rs, ctx) -> watchlist(rs)).findOne()));
  }

  @Override
  public List<Watchlist> listByUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    ensureOpen();
    return Sql.call("list the watchlists of " + userId, () -> jdbi.withHandle(h ->
        h.createQuery(selectByUser).bind("userId", userId)
            .map((rs, ctx) -> watchlist(rs)).list()));
  }

  @Override
  public List<Watchlist> activeAutoBatch() {
    ensureOpen();
    return Sql.call("list auto-batch watchlists", () -> jdbi.withHandle(h ->
        h.createQuery(selectAutoBatch).map((rs, ctx) -> watchlist(rs)).list()));
  }

  @Override
  public void recordAccess(long watchlistId, Duration responseTime, boolean cacheHit) {
    if (responseTime == null || responseTime.isNegative()) {
      throw new InvalidInputException("responseTime", responseTime, "must be zero or positive");
    }
    ensureOpen();
    double millis = responseTime.toNanos() / 1_000_000.0;
    Instant now = now();
    int rows;
    try {
      rows = jdbi.withHandle(h -> h.createUpdate(recordAccess)
          .bind("id", watchlistId)
          .bind("now", Sql.time(now))
          .bind("millis", millis)
          .bind("hits", cacheHit ? 1 : 0)
          .bind("day", LocalDate.ofInstant(now, ZONE))
          .execute());
    } catch (JdbiException e) {
      if (Sql.sqlState(e).filter(Sql.FOREIGN_KEY_VIOLATION::equals).isPresent()) {
        rows = 0; // the list was deleted meanwhile
      } else {
        throw new BatchException("PostgreSQL: cannot record an access to watchlist "
            + watchlistId + ": " + Sql.rootMessage(e), e);
      }
    }
    if (rows == 0) {
      throw new InvalidInputException("watchlistId", watchlistId, "no watchlist has this id");
    }
  }

  @Override
  public Optional<WatchlistUsage> usage(long watchlistId, LocalDate day) {
    Objects.requireNonNull(day, "day");
    ensureOpen();
    return Sql.call("read the usage of watchlist " + watchlistId, () -> jdbi.withHandle(h ->
        h.createQuery(selectUsage).bind("id", watchlistId).bind("day", day)
            .map((rs, ctx) -> {
              long count = rs.getLong("access_count");
              return new WatchlistUsage(watchlistId, day, count,
                  rs.getObject("last_accessed", OffsetDateTime.class).toInstant(),
                  rs.getDouble("total_response_ms") / count,
                  (double) rs.getLong("cache_hits") / count);
            })
            .findOne()));
  }

  private Instant now() {
    return Sql.time(clock.instant()).toInstant();
  }

  private static <S extends SqlStatement<S>> S bindList(S st, Watchlist w, Instant now) {
    return st.bind("userId", w.userId())
        .bind("name", w.name())
        .bind("description", w.description())
        .bind("stocks", w.stocks().stream().map(StockCode::toString).toArray(String[]::new))
        .bind("priority", w.priority())
        .bind("autoBatch", w.autoBatch())
        .bind("dataTypes", w.dataTypes().toArray(String[]::new))
        .bind("scheduleTime", w.scheduleTime())
        .bind("active", w.active())
        .bind("now", Sql.time(now));
  }

  private static Watchlist watchlist(ResultSet rs) throws SQLException {
    return new Watchlist(rs.getLong("id"), rs.getString("user_id"),
        rs.getString("watchlist_name"), rs.getString("description"),
        strings(rs.getArray("stock_codes")).stream().map(StockCode::parse).toList(),
        rs.getInt("priority_level"), rs.getBoolean("auto_batch"),
        strings(rs.getArray("data_types")), rs.getObject("schedule_time", LocalTime.class),
        rs.getBoolean("is_active"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }

  private static List<String> strings(Array a) throws SQLException {
    try {
      return Arrays.asList((String[]) a.getArray());
    } finally {
      a.free();
    }
  }

  /** Builds a {@link PostgresWatchlistStore}. Not thread-safe. */
  public static final class Builder extends StoreBuilder<Builder> {
    private DataTypes types = DataTypes.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder(Jdbi jdbi) {
      super(jdbi);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets the registry that a watchlist's data types must be in.
     *
     * @param types the registry
     * @return this builder
     */
    public Builder dataTypes(DataTypes types) {
      if (types == null) {
        throw new InvalidInputException("dataTypes", null, "must be a registry");
      }
      this.types = types;
      return this;
    }

    /**
     * Sets the clock that stamps lists and accesses.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new InvalidInputException("clock", null, "must be a clock");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Builds the store, first migrating the schema unless {@link #migrate(boolean)} turned that
     * off.
     *
     * @return the store
     * @throws BatchException if the database cannot be reached or migrated
     */
    public PostgresWatchlistStore build() {
      return new PostgresWatchlistStore(this);
    }
  }
}
