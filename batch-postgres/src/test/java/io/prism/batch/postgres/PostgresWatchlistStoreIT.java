package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.core.store.WatchlistStoreContract;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresWatchlistStoreIT extends WatchlistStoreContract {
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.open();
    schema = PgTestDatabase.freshSchema(PostgresWatchlistStoreIT.class);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      PgTestDatabase.dropSchema(db.jdbi(), schema);
      db.close();
    }
  }

  @Override
  protected WatchlistStore newStore(DataTypes types, Clock clock) {
    PgTestDatabase.truncate(db.jdbi(), schema, "watchlist_usage_stats", "user_watchlists");
    return PostgresWatchlistStore.builder(db.jdbi()).schema(schema).dataTypes(types)
        .clock(clock).build();
  }

  @Test
  void shouldStoreCanonicalCodesAndTheSeedsStatisticsColumns() {
    Watchlist w = store.create(Watchlist.builder("u", "a")
        .codes(List.of("600519", "sz000001", "830799.BJ")).build());
    store.recordAccess(w.id(), Duration.ofMillis(10), true);
    store.recordAccess(w.id(), Duration.ofMillis(25), false);

    Map<String, Object> list = db.jdbi().withHandle(h -> h.createQuery(
            "SELECT array_to_string(stock_codes, ',') AS codes FROM \"" + schema
                + "\".user_watchlists WHERE id = :id")
        .bind("id", w.id()).mapToMap().one());
    Map<String, Object> stats = db.jdbi().withHandle(h -> h.createQuery(
            "SELECT user_id, access_count, avg_response_time, cache_hit_rate, date_recorded::text"
                + " AS day FROM \"" + schema + "\".watchlist_usage_stats"
                + " WHERE watchlist_id = :id")
        .bind("id", w.id()).mapToMap().one());

    assertThat(list).containsEntry("codes", "600519.SH,000001.SZ,830799.BJ");
    assertThat(stats).containsEntry("user_id", "u")
        .containsEntry("access_count", 2L)
        .containsEntry("day", "2024-03-01");
    assertThat((BigDecimal) stats.get("avg_response_time")).isEqualByComparingTo("17.5");
    assertThat((BigDecimal) stats.get("cache_hit_rate")).isEqualByComparingTo("0.5");
  }
}
