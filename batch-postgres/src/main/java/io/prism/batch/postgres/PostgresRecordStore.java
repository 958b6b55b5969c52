package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.postgres.internal.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The L2 {@link RecordStore} on PostgreSQL: table {@code market_data} (payload as {@code
 * jsonb}, primary key {@code (stock_code, data_type)}).
 *
 * <p>{@link #upsertAll} writes a batch in one transaction with two set-based statements per
 * chunk of {@value #CHUNK} records: an {@code INSERT … ON CONFLICT … DO UPDATE … WHERE
 * market_data.data_hash IS DISTINCT FROM excluded.data_hash RETURNING} that inserts new keys,
 * replaces changed ones and returns exactly those keys (the condition is checked against the
 * locked, latest row, so two JVMs writing the same change report it once), then an {@code
 * UPDATE} that stores the new payload, fetch time and source of the records whose hash did not
 * change, so that their freshness moves on. Rows are written in key order, so concurrent
 * batches do not deadlock.
 *
 * <p>{@code jsonb} keeps the JSON document, not its spelling: a payload reads back with
 * PostgreSQL's spacing and key order. Times are kept to the microsecond; a record is never
 * returned stale.
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * PostgresDataSource db = PostgresDataSource.builder()
 *     .url("jdbc:postgresql://127.0.0.1:5432/test").user("postgres").build();
 * RecordStore l2 = PostgresRecordStore.builder(db.jdbi()).schema("prism").closing(db).build();
 * List<DataKey> changed = l2.upsertAll(records);
 * }</pre>
 */
public final class PostgresRecordStore extends StoreSupport implements RecordStore {

  /** The provider name, {@value}. */
  public static final String NAME = "postgres";
  /** The most records sent in one statement. */
  public static final int CHUNK = 2000;

  private static final String COLUMNS =
      "stock_code, data_type, payload::text AS payload, data_hash, fetched_at, source";
  private static final Comparator<DataKey> KEY_ORDER =
      Comparator.comparing(DataKey::stockCode).thenComparing(DataKey::dataType);

  private final String selectOne;
  private final String selectMany;
  private final String upsertChanged;
  private final String refreshUnchanged;
  private final String deleteMany;
  private final String fetchedBefore;
  private final String allKeys;

  private PostgresRecordStore(Builder b) {
    super(b);
    String t = "${schema}.market_data";
    selectOne = sql("SELECT " + COLUMNS + " FROM " + t
        + " WHERE stock_code = :code AND data_type = :type");
    selectMany = sql("SELECT m." + COLUMNS.replace(", ", ", m.")
        + " FROM " + t + " m JOIN unnest(:codes::text[], :types::text[]) AS k(c, d)"
        + " ON m.stock_code = k.c AND m.data_type = k.d");
    upsertChanged = sql("INSERT INTO " + t
        + " AS m (stock_code, data_type, payload, data_hash, fetched_at, source)"
        + " SELECT u.c, u.d, u.p::jsonb, u.h, u.f::timestamptz, u.s"
        + " FROM unnest(:codes::text[], :types::text[], :payloads::text[], :hashes::text[],"
        + " :fetched::text[], :sources::text[]) WITH ORDINALITY AS u(c, d, p, h, f, s, n)"
        + " ORDER BY u.n"
        + " ON CONFLICT (stock_code, data_type) DO UPDATE SET payload = excluded.payload,"
        + " data_hash = excluded.data_hash, fetched_at = excluded.fetched_at,"
        + " source = excluded.source"
        + " WHERE m.data_hash IS DISTINCT FROM excluded.data_hash"
        + " RETURNING m.stock_code, m.data_type");
    refreshUnchanged = sql("UPDATE " + t + " AS m SET payload = u.p::jsonb,"
        + " fetched_at = u.f::timestamptz, source = u.s"
        + " FROM unnest(:codes::text[], :types::text[], :payloads::text[], :fetched::text[],"
        + " :sources::text[]) AS u(c, d, p, f, s)"
        + " WHERE m.stock_code = u.c AND m.data_type = u.d"
        + " AND (m.payload IS DISTINCT FROM u.p::jsonb OR m.fetched_at <> u.f::timestamptz"
        + " OR m.source <> u.s)");
    deleteMany = sql("DELETE FROM " + t + " AS m USING unnest(:codes::text[], :types::text[])"
        + " AS k(c, d) WHERE m.stock_code = k.c AND m.data_type = k.d");
    fetchedBefore = sql("SELECT stock_code, data_type FROM " + t
        + " WHERE fetched_at < :before ORDER BY fetched_at, stock_code, data_type LIMIT :limit");
    allKeys = sql("SELECT stock_code, data_type FROM " + t + " ORDER BY stock_code, data_type");
  }

  /**
   * Starts a builder.
   *
   * @param jdbi the database
   * @return a builder
   */
  public static Builder builder(Jdbi jdbi) {
    return new Builder(jdbi);
  }

  @Override
  public Optional<DataRecord> get(DataKey key) {
    Objects.requireNonNull(key, "key");
    ensureOpen();
    return Sql.call("read " + key, () -> jdbi.withHandle(h -> h.createQuery(selectOne)
        .bind("code", key.stockCode()).bind("type", key.dataType())
        .map((rs, ctx) -> record(rs)).findOne()));
  }

  @Override
  public Map<DataKey, DataRecord> getAll(Collection<DataKey> keys) {
    Objects.requireNonNull(keys, "keys");
    ensureOpen();
    List<DataKey> distinct = List.copyOf(new LinkedHashSet<>(keys));
    if (distinct.isEmpty()) {
      return Map.of();
    }
    Map<DataKey, DataRecord> byKey = new HashMap<>();
    Sql.call("read " + distinct.size() + " records", () -> jdbi.withHandle(h -> {
      for (List<DataKey> chunk : chunks(distinct)) {
        h.createQuery(selectMany)
            .bind("codes", codes(chunk)).bind("types", types(chunk))
            .map((rs, ctx) -> record(rs))
            .forEach(r -> byKey.put(r.key(), r));
      }
      return null;
    }));
    Map<DataKey, DataRecord> ordered = new LinkedHashMap<>();
    for (DataKey k : distinct) {
      DataRecord r = byKey.get(k);
      if (r != null) {
        ordered.put(k, r);
      }
    }
    return ordered;
  }

  @Override
  public List<DataKey> upsertAll(Collection<DataRecord> records) {
    Objects.requireNonNull(records, "records");
    ensureOpen();
    Map<DataKey, DataRecord> incoming = new LinkedHashMap<>();
    for (DataRecord r : records) {
      incoming.put(Objects.requireNonNull(r, "records contains null").key(), r);
    }
    if (incoming.isEmpty()) {
      return List.of();
    }
    List<DataRecord> sorted = new ArrayList<>(incoming.values());
    sorted.sort(Comparator.comparing(DataRecord::key, KEY_ORDER));
    Set<DataKey> changed = new HashSet<>();
    try {
      jdbi.useTransaction(h -> {
        for (List<DataRecord> chunk : chunks(sorted)) {
          upsertChunk(h, chunk, changed);
        }
      });
    } catch (JdbiException e) {
      String state = Sql.sqlState(e).orElse("");
      if (state.equals(Sql.INVALID_TEXT_REPRESENTATION)
          || state.equals(Sql.UNTRANSLATABLE_CHARACTER)) {
        throw new InvalidInputException("payload", "one of " + incoming.size() + " records",
            "must be one JSON value (" + Sql.rootMessage(e) + ")");
      }
      throw new BatchException(
          "PostgreSQL: cannot upsert " + incoming.size() + " records: " + Sql.rootMessage(e), e);
    }
    return incoming.keySet().stream().filter(changed::contains).toList();
  }

  @Override
  public int deleteAll(Collection<DataKey> keys) {
    Objects.requireNonNull(keys, "keys");
    ensureOpen();
    List<DataKey> distinct = List.copyOf(new LinkedHashSet<>(keys));
    if (distinct.isEmpty()) {
      return 0;
    }
    return Sql.call("delete " + distinct.size() + " records", () -> jdbi.inTransaction(h -> {
      int n = 0;
      for (List<DataKey> chunk : chunks(distinct)) {
        n += h.createUpdate(deleteMany)
            .bind("codes", codes(chunk)).bind("types", types(chunk)).execute();
      }
      return n;
    }));
  }

  @Override
  public List<DataKey> keysFetchedBefore(Instant before, int limit) {
    Objects.requireNonNull(before, "before");
    if (limit < 1) {
      throw new InvalidInputException("limit", limit, "must be at least 1");
    }
    ensureOpen();
    return Sql.call("list records fetched before " + before, () -> jdbi.withHandle(h ->
        h.createQuery(fetchedBefore)
            .bind("before", Sql.timeCeiling(before))
            .bind("limit", limit)
            .map((rs, ctx) -> new DataKey(rs.getString(1), rs.getString(2)))
            .list()));
  }

  @Override
  public List<DataKey> keys() {
    ensureOpen();
    return Sql.call("list record keys", () -> jdbi.withHandle(h -> h.createQuery(allKeys)
        .map((rs, ctx) -> new DataKey(rs.getString(1), rs.getString(2)))
        .list()));
  }

  private void upsertChunk(Handle h, List<DataRecord> chunk, Set<DataKey> changed) {
    String[] codes = new String[chunk.size()];
    String[] types = new String[chunk.size()];
    String[] payloads = new String[chunk.size()];
    String[] hashes = new String[chunk.size()];
    String[] fetched = new String[chunk.size()];
    String[] sources = new String[chunk.size()];
    for (int i = 0; i < chunk.size(); i++) {
      DataRecord r = chunk.get(i);
      codes[i] = r.key().stockCode();
      types[i] = r.key().dataType();
      payloads[i] = r.payload();
      hashes[i] = r.contentHash();
      fetched[i] = Sql.text(r.fetchedAt());
      sources[i] = r.source();
    }
    Set<DataKey> written = new HashSet<>(h.createQuery(upsertChanged)
        .bind("codes", codes).bind("types", types).bind("payloads", payloads)
        .bind("hashes", hashes).bind("fetched", fetched).bind("sources", sources)
        .map((rs, ctx) -> new DataKey(rs.getString(1), rs.getString(2)))
        .list());
    changed.addAll(written);
    if (written.size() == chunk.size()) {
      return;
    }
    List<DataRecord> rest = chunk.stream().filter(r -> !written.contains(r.key())).toList();
    h.createUpdate(refreshUnchanged)
        .bind("codes", rest.stream().map(r -> r.key().stockCode()).toArray(String[]::new))
        .bind("types", rest.stream().map(r -> r.key().dataType()).toArray(String[]::new))
        .bind("payloads", rest.stream().map(DataRecord::payload).toArray(String[]::new))
        .bind("fetched", rest.stream().map(r -> Sql.text(r.fetchedAt()))
            .toArray(String[]::new))
        .bind("sources", rest.stream().map(DataRecord::source).toArray(String[]::new))
        .execute();
  }

  private static DataRecord record(ResultSet rs) throws SQLException {
    return new DataRecord(new DataKey(rs.getString("stock_code"), rs.getString("data_type")),
        rs.getString("payload"), rs.getString("data_hash"),
        rs.getObject("fetched_at", OffsetDateTime.class).toInstant(), rs.getString("source"),
        false);
  }

  private static String[] codes(List<DataKey> keys) {
    return keys.stream().map(DataKey::stockCode).toArray(String[]::new);
  }

  private static String[] types(List<DataKey> keys) {
    return keys.stream().map(DataKey::dataType).toArray(String[]::new);
  }

  private static <T> List<List<T>> chunks(List<T> all) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return out;
  }

  /** Builds a {@link PostgresRecordStore}. Not thread-safe. */
  public static final class Builder extends StoreBuilder<Builder> {
    private Builder(Jdbi jdbi) {
      super(jdbi);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Builds the store, first migrating the schema unless {@link #migrate(boolean)} turned that
     * off.
     *
     * @return the store
     * @throws BatchException if the database cannot be reached or migrated
     */
    public PostgresRecordStore build() {
      return new PostgresRecordStore(this);
    }
  }
}
