package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.JobStore;
import io.prism.batch.core.store.JobStoreContract;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresJobStoreIT extends JobStoreContract {
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.open();
    schema = PgTestDatabase.freshSchema(PostgresJobStoreIT.class);
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
  protected JobStore newStore() {
    PgTestDatabase.truncate(db.jdbi(), schema, "batch_jobs", "batch_paused_task_types",
        "batch_performance_metrics");
    return PostgresJobStore.builder(db.jdbi()).schema(schema).build();
  }

  @Test
  void shouldStoreTheSeedsColumnsIncludingTheDuration() {
    JobRecord job = store.create(JobRecord.pending("nightly", "watchlist_warm", "scheduled", 5, T0)
        .started(T0.plusSeconds(10))
        .finished(JobStatus.CANCELLED, T0.plusSeconds(75), 3, 2, 1, Optional.of("stopped"),
            "{}"));

    var row = db.jdbi().withHandle(h -> h.createQuery("SELECT status, duration_seconds,"
            + " priority_level FROM \"" + schema + "\".batch_jobs WHERE id = :id")
        .bind("id", job.id()).mapToMap().one());

    assertThat(row).containsEntry("status", "cancelled")
        .containsEntry("duration_seconds", 65)
        .containsEntry("priority_level", 5);
  }
}
