package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresPluginsIT {
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void connect() {
    db = PgTestDatabase.open();
    schema = PgTestDatabase.freshSchema(PostgresPluginsIT.class);
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      PgTestDatabase.dropSchema(db.jdbi(), schema);
      db.close();
    }
  }

  private static Map<String, String> settings() {
    return Map.of("url", PgTestDatabase.URL, "user", PgTestDatabase.USER,
        "password", PgTestDatabase.PASSWORD, "schema", schema, "maximumPoolSize", "2");
  }

  @Test
  void shouldCreateEveryStoreByNameInTheConfiguredSchema() {
    DataKey key = new DataKey("600519", "financial");
    try (RecordStore records = Plugins.create(RecordStore.class, "postgres", settings());
        WatchlistStore lists = Plugins.create(WatchlistStore.class, "postgres", settings());
        JobStore jobs = Plugins.create(JobStore.class, "postgres", settings())) {
      assertThat(records).isInstanceOf(PostgresRecordStore.class);
      records.upsertAll(List.of(new DataRecord(key, "{}", "h", Instant.now(), "test", false)));
      Watchlist w = lists.create(Watchlist.builder("u", "a").codes(List.of("600519")).build());
      JobRecord j = jobs.create(JobRecord.pending("n", "rag_sync", "manual", 3, Instant.now()));

      assertThat(records.get(key)).isPresent();
      assertThat(lists.get(w.id())).isPresent();
      assertThat(jobs.get(j.id())).isPresent();
    }
    long rows = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM \"" + schema
        + "\".market_data").mapTo(Long.class).one());
    assertThat(rows).isEqualTo(1);
  }

  @Test
  void shouldRefuseCallsOnceClosed() {
    RecordStore records = Plugins.create(RecordStore.class, "postgres", settings());
    records.close();

    assertThatThrownBy(records::keys).isInstanceOf(BatchException.class);
  }

  @Test
  void shouldNameAMissingOrUnknownSetting() {
    assertThatThrownBy(() -> Plugins.create(JobStore.class, "postgres", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("url");
    assertThatThrownBy(() -> Plugins.create(JobStore.class, "postgres",
        Map.of("url", PgTestDatabase.URL, "poolSize", "3")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("poolSize");
    assertThatThrownBy(() -> Plugins.create(JobStore.class, "postgres",
        Map.of("url", PgTestDatabase.URL, "schema", "Bad-Name")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("schema");
  }
}
