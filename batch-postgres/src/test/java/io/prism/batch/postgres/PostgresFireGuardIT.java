package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.core.schedule.RemoteFireGuardContract;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresFireGuard} against the {@link FireGuardContract} every guard passes, on the
 * machine's PostgreSQL, plus what only this guard does: the rows it writes, retention and
 * purges, its own settings. Guards with different node ids on one schema stand for the nodes of
 * a cluster.
 */
class PostgresFireGuardIT extends RemoteFireGuardContract {
  private static PostgresDataSource db;
  private static String schema;

  @BeforeAll
  static void connect() {
    db = PostgresDataSource.builder().url(PgTestDatabase.URL).user(PgTestDatabase.USER)
        .password(PgTestDatabase.PASSWORD).maximumPoolSize(16).build();
    schema = PgTestDatabase.freshSchema(PostgresFireGuardIT.class);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      PgTestDatabase.dropSchema(db.jdbi(), schema);
      db.close();
    }
  }

  @AfterEach
  void clearClaims() {
    PgTestDatabase.truncate(db.jdbi(), schema, PostgresFireGuard.TABLE);
  }

  /** Nodes do not migrate: the schema is migrated once, and a guard built later needs none. */
  @Override
  protected FireGuard newGuard(String nodeId, Duration retention) {
    return guard(nodeId).retention(retention).migrate(false).build();
  }

  @Override
  protected FireGuard newUnreachableGuard() throws IOException {
    return offline();
  }

  @Override
  protected Optional<String> claimedBy(FireGuard reader, String scheduleName, Instant slot) {
    return ((PostgresFireGuard) reader).claimedBy(scheduleName, slot);
  }

  @Override
  protected long storedClaims() {
    return rows();
  }

  /** {@code timestamptz} keeps microseconds. */
  @Override
  protected Duration precision() {
    return Duration.ofNanos(1_000);
  }

  private PostgresFireGuard pgA() {
    return (PostgresFireGuard) nodeA;
  }

  @Test
  void shouldRecordTheNodeAndTheDatabaseTimeOfTheClaim() {
    // Given the time before the claim
    Instant before = Instant.now().minusSeconds(60);

    // When node B claims a slot
    nodeB.tryClaim("nightly-warm", SLOT);

    // Then its row names the schedule and the node, and the database's time of the claim
    Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery("SELECT schedule_name,"
        + " node_id, claimed_at > :before AS recent FROM \"" + schema + "\"."
        + PostgresFireGuard.TABLE).bind("before", before.atOffset(ZoneOffset.UTC))
        .mapToMap().one());
    assertThat(row).containsEntry("schedule_name", "nightly-warm")
        .containsEntry("node_id", "node-b").containsEntry("recent", true);
  }

  @Test
  void shouldPurgeClaimsBeyondTheRetentionButKeepEachLatest() {
    try (PostgresFireGuard hourly = guard("node-h").retention(Duration.ofHours(1))
        .autoPurge(false).build()) {
      hourly.tryClaim("a", SLOT);
      hourly.tryClaim("a", SLOT.plus(Duration.ofMinutes(30)));
      hourly.tryClaim("a", SLOT.plus(Duration.ofMinutes(90)));
      hourly.tryClaim("a", SLOT.plus(Duration.ofMinutes(120)));
      hourly.tryClaim("b", SLOT);

      assertThat(hourly.purgeExpired()).isEqualTo(2);

      assertThat(hourly.claimedBy("a", SLOT)).isEmpty();
      assertThat(hourly.claimedBy("a", SLOT.plus(Duration.ofMinutes(30)))).isEmpty();
      assertThat(hourly.claimedBy("a", SLOT.plus(Duration.ofMinutes(90)))).isPresent();
      assertThat(hourly.lastClaimed("a")).contains(SLOT.plus(Duration.ofMinutes(120)));
      assertThat(hourly.lastClaimed("b")).as("a lone latest claim stays").contains(SLOT);
      assertThat(hourly.tryClaim("a", SLOT)).as("a purged slot is not claimed again").isFalse();
      assertThat(hourly.purgeExpired()).isZero();
    }
  }

  @Test
  void shouldPurgeBeforeACutoffButKeepEachLatest() {
    nodeA.tryClaim("a", SLOT);
    nodeA.tryClaim("a", SLOT.plusSeconds(10));
    nodeA.tryClaim("a", SLOT.plusSeconds(20));
    nodeB.tryClaim("b", SLOT.plusSeconds(5));

    assertThat(pgA().purgeBefore(SLOT.plusSeconds(10))).isEqualTo(1);
    assertThat(pgA().purgeBefore(SLOT.plusSeconds(3_600))).isEqualTo(1);

    assertThat(rows()).isEqualTo(2);
    assertThat(nodeA.lastClaimed("a")).contains(SLOT.plusSeconds(20));
    assertThat(nodeA.lastClaimed("b")).contains(SLOT.plusSeconds(5));
  }

  @Test
  void shouldPurgeByItselfAfterAClaim() {
    try (PostgresFireGuard writer = guard("node-w").autoPurge(false).build()) {
      for (int i = 0; i < 5; i++) {
        writer.tryClaim("old", SLOT.plus(Duration.ofDays(i)));
      }
    }
    assertThat(rows()).isEqualTo(5);

    try (PostgresFireGuard purging = guard("node-p").retention(Duration.ofDays(1)).build()) {
      assertThat(purging.tryClaim("new", SLOT)).isTrue();
    }

    assertThat(rows()).as("the 2 claims of 'old' within a day of its latest, and 'new'")
        .isEqualTo(3);
  }

  @Test
  void shouldFailToPurgeWhenTheDatabaseIsUnreachable() throws IOException {
    // Given a guard whose database is down
    try (PostgresFireGuard offline = offline()) {
      // When it purges / Then it throws
      assertThatThrownBy(() -> offline.purgeExpired()).isInstanceOf(BatchException.class);
    }
  }

  @Test
  void shouldNameTheBadPostgresArgument() {
    // Given what only this guard checks / Then each call names its bad argument
    assertRejected(() -> nodeA.tryClaim("x", Instant.MAX), "scheduledTime");
    assertRejected(() -> pgA().purgeBefore(null), "cutoff");
    assertRejected(() -> guard("n").schema("Bad-Name"), "schema");
  }

  @Test
  void shouldBeCreatedByNameFromSettings() throws Exception {
    FireGuard created = Plugins.create(FireGuard.class, "postgres", Map.of(
        "url", PgTestDatabase.URL, "user", PgTestDatabase.USER,
        "password", PgTestDatabase.PASSWORD, "schema", schema, "maximumPoolSize", "1",
        "nodeId", "node-p", "retention", "P1D"));
    try {
      assertThat(created).isInstanceOf(PostgresFireGuard.class);
      assertThat(((PostgresFireGuard) created).retention()).isEqualTo(Duration.ofDays(1));
      assertThat(created.tryClaim("by-name", SLOT)).isTrue();
      assertThat(nodeA.tryClaim("by-name", SLOT)).isFalse();
      assertThat(pgA().claimedBy("by-name", SLOT)).contains("node-p");
    } finally {
      ((AutoCloseable) created).close();
    }
    assertRejected(() -> Plugins.create(FireGuard.class, "postgres",
        Map.of("url", PgTestDatabase.URL, "ttl", "P1D")), "ttl");
    assertRejected(() -> Plugins.create(FireGuard.class, "postgres",
        Map.of("url", PgTestDatabase.URL, "retention", "a day")), "retention");
  }

  private static PostgresFireGuard.Builder guard(String node) {
    return PostgresFireGuard.builder(db.jdbi()).schema(schema).nodeId(node);
  }

  private static long rows() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM \"" + schema + "\"."
        + PostgresFireGuard.TABLE).mapTo(Long.class).one());
  }

  /** A guard on a port where nothing listens. */
  private static PostgresFireGuard offline() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    Jdbi unreachable = Jdbi.create("jdbc:postgresql://127.0.0.1:" + port
        + "/test?connectTimeout=2", PgTestDatabase.USER, PgTestDatabase.PASSWORD);
    return PostgresFireGuard.builder(unreachable).schema(schema).migrate(false).build();
  }
}
