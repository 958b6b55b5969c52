package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.core.testing.ClusterFiring;
import io.prism.batch.core.testing.ClusterFiring.Check;
import io.prism.batch.core.testing.ClusterFiring.Cluster;
import io.prism.batch.core.testing.ClusterFiring.NodeResult;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs run a per-second schedule for {@value ClusterFiring#SECONDS_PROPERTY} seconds
 * (default 60) with one {@link PostgresFireGuard} table, and every second fires exactly once
 * across both. The fires are recorded in a table without a unique key, so a double would show.
 */
class ClusterFiringIT {
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.open();
    schema = PgTestDatabase.freshSchema(ClusterFiringIT.class);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
    db.jdbi().useHandle(h -> h.execute("CREATE TABLE \"" + schema + "\".cluster_fires ("
        + "slot TIMESTAMPTZ NOT NULL, jvm TEXT NOT NULL,"
        + " recorded_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())"));
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      PgTestDatabase.dropSchema(db.jdbi(), schema);
      db.close();
    }
  }

  @Test
  void shouldFireEverySecondExactlyOnceAcrossTwoJvms() throws Exception {
    int seconds = ClusterFiring.seconds();
    Map<String, List<String>> args = new LinkedHashMap<>();
    for (String jvm : List.of("jvm-1", "jvm-2")) {
      args.put(jvm, List.of(PgTestDatabase.URL, PgTestDatabase.USER, PgTestDatabase.PASSWORD,
          schema, jvm));
    }

    Map<String, NodeResult> nodes;
    Instant end;
    try (Cluster cluster = ClusterFiring.launch(ClusterNodeMain.class, args, seconds)) {
      end = cluster.end();
      nodes = cluster.await(Duration.ofSeconds(seconds + 90L));
    }
    List<Map.Entry<Instant, String>> fires = db.jdbi().withHandle(h -> h.createQuery(
            "SELECT slot, jvm FROM \"" + schema + "\".cluster_fires ORDER BY slot")
        .map((rs, ctx) -> Map.entry(rs.getObject(1, OffsetDateTime.class).toInstant(),
            rs.getString(2)))
        .list());
    Check check = ClusterFiring.check(fires);
    long claims = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM \"" + schema
        + "\"." + PostgresFireGuard.TABLE).mapTo(Long.class).one());
    System.out.printf("ClusterFiringIT (postgres): %d slots from %s to %s, %d fires, %d claim"
            + " rows; %s; %s%n", check.window(), check.first(), check.last(), fires.size(),
        claims, check.firedByJvm(), nodes.values());

    assertThat(check.duplicates()).as("slots fired twice").isEmpty();
    assertThat(check.missing()).as("slots nobody fired").isEmpty();
    assertThat(check.last()).isAfterOrEqualTo(end);
    // JVM start-up under load may cost the first second or two of the window
    assertThat(check.window()).isGreaterThanOrEqualTo(seconds - 5);
    assertThat(claims).as("one claim row per fire").isEqualTo(fires.size());
    long mismatched = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM \"" + schema
        + "\".cluster_fires f LEFT JOIN \"" + schema + "\"." + PostgresFireGuard.TABLE
        + " c ON c.schedule_name = :name AND c.scheduled_time = f.slot"
        + " WHERE c.node_id IS DISTINCT FROM f.jvm")
        .bind("name", ClusterFiring.SCHEDULE).mapTo(Long.class).one());
    assertThat(mismatched).as("fires not run by the node that claimed them").isZero();
    for (NodeResult n : nodes.values()) {
      assertThat(n.fired()).as("fires %s ran and recorded", n.jvm())
          .isEqualTo(check.firedByJvm().getOrDefault(n.jvm(), 0L));
      assertThat(n.failed()).as("failed fires of %s", n.jvm()).isZero();
      assertThat(n.attempted()).as("slots %s tried to claim", n.jvm())
          .isGreaterThanOrEqualTo(check.window() - 3);
      assertThat(n.fired() > 0 || n.denied() >= check.window() - 3)
          .as("%s fired some slots or was refused them", n.jvm()).isTrue();
    }
    assertThat(nodes.values().stream().mapToLong(NodeResult::denied).sum())
        .as("refusals: the guard, not luck, kept each slot single")
        .isGreaterThanOrEqualTo(check.window() - 3);
  }
}
