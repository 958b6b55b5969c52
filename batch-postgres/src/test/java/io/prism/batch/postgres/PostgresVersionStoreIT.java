package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.Plugins;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VersionStatus;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.core.rag.VersionStoreContract;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresVersionStoreIT extends VersionStoreContract {
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.open();
    schema = PgTestDatabase.freshSchema(PostgresVersionStoreIT.class);
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
  protected VersionStore newStore(Clock clock) {
    PgTestDatabase.truncate(db.jdbi(), schema, "rag_vector_mappings", "rag_data_versions");
    return PostgresVersionStore.builder(db.jdbi()).schema(schema).clock(clock).build();
  }

  @Test
  void shouldEnforceOneActiveVersionPerKeyInTheSchemaButAllowManyDeprecated() {
    DataVersion v1 = activeVersion(KEY, "h1", 1);
    activeVersion(KEY, "h2", 1);
    activeVersion(KEY, "h3", 1);
    DataVersion p = pending(KEY, "h4");

    assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.execute("UPDATE \"" + schema
        + "\".rag_data_versions SET vector_status = 'active' WHERE version_id = ?::uuid",
        p.versionId()))).isInstanceOf(JdbiException.class).hasMessageContaining("uk_rag_versions_one_active");
    assertThat(store.byStatus(VersionStatus.DEPRECATED)).hasSize(2);
    assertThat(store.get(v1.versionId()).orElseThrow().status())
        .isEqualTo(VersionStatus.DEPRECATED);
  }

  @Test
  void shouldKeepOneActiveVersionWhenTwoStoresActivateAtOnce() throws Exception {
    try (VersionStore other = PostgresVersionStore.builder(db.jdbi()).schema(schema)
        .clock(clock).build()) {
      for (int round = 0; round < 20; round++) {
        DataVersion a = pending(KEY, "a" + round);
        DataVersion b = pending(KEY, "b" + round);
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          Callable<DataVersion> ca = () -> {
            start.await();
            return store.activate(a.versionId());
          };
          Callable<DataVersion> cb = () -> {
            start.await();
            return other.activate(b.versionId());
          };
          Future<DataVersion> fa = pool.submit(ca);
          Future<DataVersion> fb = pool.submit(cb);
          fa.get();
          fb.get();
        } finally {
          pool.shutdownNow();
        }
        assertThat(store.byStatus(VersionStatus.ACTIVE)).hasSize(1);
      }
    }
  }

  @Test
  void shouldDropMappingsWithTheirVersionRow() {
    DataVersion v = activeVersion(KEY, "h1", 3);

    db.jdbi().useHandle(h -> h.execute("DELETE FROM \"" + schema
        + "\".rag_data_versions WHERE version_id = ?::uuid", v.versionId()));

    assertThat(store.mappings(v.versionId())).isEmpty();
  }

  @Test
  void shouldBeCreatedByNameFromSettings() {
    Map<String, String> settings = Map.of("url", PgTestDatabase.URL, "user", PgTestDatabase.USER,
        "password", PgTestDatabase.PASSWORD, "schema", schema, "maximumPoolSize", "2");
    try (VersionStore byName = Plugins.create(VersionStore.class, "postgres", settings)) {
      assertThat(byName).isInstanceOf(PostgresVersionStore.class);
      DataVersion v = byName.createPending(KEY, "h", MODEL, "{}");
      assertThat(store.get(v.versionId())).isPresent();
    }
  }
}
