package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.core.store.RecordStoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresRecordStoreIT extends RecordStoreContract {
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.open();
    schema = PgTestDatabase.freshSchema(PostgresRecordStoreIT.class);
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
  protected RecordStore newStore() {
    PgTestDatabase.truncate(db.jdbi(), schema, "market_data");
    return PostgresRecordStore.builder(db.jdbi()).schema(schema).build();
  }

  @Test
  void shouldReportAChangeOnceWhenTwoWritersStoreItAtOnce() throws Exception {
    List<DataRecord> v1 = new ArrayList<>();
    List<DataRecord> v2 = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String code = String.format("%06d", 600000 + i);
      v1.add(record(code, DataType.FINANCIAL, "v1", T0));
      v2.add(record(code, DataType.FINANCIAL, "v2", T0.plusSeconds(1)));
    }
    store.upsertAll(v1);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (RecordStore other = PostgresRecordStore.builder(db.jdbi()).schema(schema).build()) {
      Callable<List<DataKey>> a = () -> {
        start.await();
        return store.upsertAll(v2);
      };
      Callable<List<DataKey>> b = () -> {
        start.await();
        return other.upsertAll(v2);
      };
      Future<List<DataKey>> fa = pool.submit(a);
      Future<List<DataKey>> fb = pool.submit(b);

      assertThat(fa.get().size() + fb.get().size()).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
  }
}
