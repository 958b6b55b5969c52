package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Misfire;
import io.prism.batch.api.schedule.MisfireCause;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleFire;
import io.prism.batch.api.schedule.ScheduleListener;
import io.prism.batch.core.schedule.LocalScheduler;
import io.prism.batch.core.testing.SettableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link PostgresFireGuard} against the machine's PostgreSQL: two guards with different
 * node ids on one schema stand for two nodes of a cluster.
 */
class PostgresFireGuardIT {
  private static final Instant SLOT = Instant.parse("2025-06-02T17:00:00Z");

  private static PostgresDataSource db;
  private static String schema;
  private PostgresFireGuard nodeA;
  private PostgresFireGuard nodeB;

  @BeforeAll
  static void connect() {
    db = PostgresDataSource.builder().url(PgTestDatabase.URL).user(PgTestDatabase.USER)
        .password(PgTestDatabase.PASSWORD).maximumPoolSize(16).build();
    schema = PgTestDatabase.freshSchema(PostgresFireGuardIT.class);
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      PgTestDatabase.dropSchema(db.jdbi(), schema);
      db.close();
    }
  }

  @BeforeEach
  void createNodes() {
    nodeA = guard("node-a").build();
    nodeB = guard("node-b").build();
  }

  @AfterEach
  void clearClaims() {
    nodeA.close();
    nodeB.close();
    PgTestDatabase.truncate(db.jdbi(), schema, PostgresFireGuard.TABLE);
  }

  @Test
  void shouldLetOnlyTheFirstNodeClaimASlot() {
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isTrue();

    assertThat(nodeB.tryClaim("nightly-warm", SLOT)).isFalse();
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isFalse();
    assertThat(nodeB.claimedBy("nightly-warm", SLOT)).contains("node-a");
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void shouldRecordTheNodeAndTheDatabaseTimeOfTheClaim() {
    Instant before = Instant.now().minusSeconds(60);
    nodeB.tryClaim("nightly-warm", SLOT);

    Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery("SELECT schedule_name,"
        + " node_id, claimed_at > :before AS recent FROM \"" + schema + "\"."
        + PostgresFireGuard.TABLE).bind("before", before.atOffset(ZoneOffset.UTC))
        .mapToMap().one());
    assertThat(row).containsEntry("schedule_name", "nightly-warm")
        .containsEntry("node_id", "node-b").containsEntry("recent", true);
  }

  @Test
  void shouldTreatEachScheduleAndSlotSeparately() {
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isTrue();
    assertThat(nodeB.tryClaim("nightly-warm", SLOT.plusSeconds(1))).isTrue();
    assertThat(nodeB.tryClaim("nightly-warm", SLOT.plusNanos(1_000))).as("a microsecond later")
        .isTrue();
    assertThat(nodeB.tryClaim("market-scan", SLOT)).isTrue();
    assertThat(nodeA.tryClaim("market-scan", SLOT)).isFalse();
  }

  @Test
  void shouldLetExactlyOneOfSixteenConcurrentCallersWin() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int round = 0; round < 20; round++) {
        Instant slot = SLOT.plusSeconds(round);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          PostgresFireGuard node = i % 2 == 0 ? nodeA : nodeB;
          calls.add(pool.submit(() -> {
            go.await();
            return node.tryClaim("cache-clean", slot);
          }));
        }
        go.countDown();
        int winners = 0;
        for (Future<Boolean> f : calls) {
          winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("winners of slot %s", slot).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(rows()).isEqualTo(20);
    assertThat(nodeA.lastClaimed("cache-clean")).contains(SLOT.plusSeconds(19));
  }

  @Test
  void shouldRememberTheLatestClaimedSlotAcrossNodesAndRestarts() {
    assertThat(nodeA.lastClaimed("rag-sync")).isEmpty();

    nodeA.tryClaim("rag-sync", SLOT);
    nodeB.tryClaim("rag-sync", SLOT.plusSeconds(60));
    nodeA.tryClaim("rag-sync", SLOT.plusSeconds(30)); // an earlier slot, late: not the latest

    assertThat(nodeA.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
    assertThat(nodeB.lastClaimed("other")).isEmpty();
    try (PostgresFireGuard restarted = guard("node-c").migrate(false).build()) {
      assertThat(restarted.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
    }
  }

  @Test
  void shouldRefuseASlotOlderThanTheRetentionBeforeTheLatestClaim() {
    try (PostgresFireGuard hourly = guard("node-h").retention(Duration.ofHours(1)).build()) {
      assertThat(hourly.tryClaim("market-scan", SLOT.plus(Duration.ofHours(1)).plusSeconds(1)))
          .isTrue();

      assertThat(hourly.tryClaim("market-scan", SLOT)).as("its row may be purged").isFalse();
      assertThat(hourly.claimedBy("market-scan", SLOT)).isEmpty();
      assertThat(hourly.tryClaim("market-scan", SLOT.plusSeconds(1))).as("within retention")
          .isTrue();
    }
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

    assertThat(nodeA.purgeBefore(SLOT.plusSeconds(10))).isEqualTo(1);
    assertThat(nodeA.purgeBefore(SLOT.plusSeconds(3_600))).isEqualTo(1);

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
  void shouldThrowRatherThanGuessWhenTheDatabaseIsUnreachable() throws IOException {
    PostgresFireGuard offline = PostgresFireGuard.builder(unreachable()).schema(schema)
        .migrate(false).build();

    assertThatThrownBy(() -> offline.tryClaim("nightly-warm", SLOT))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("nightly-warm");
    assertThatThrownBy(() -> offline.lastClaimed("nightly-warm"))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("nightly-warm");
    assertThatThrownBy(() -> offline.purgeExpired()).isInstanceOf(BatchException.class);
  }

  @Test
  void shouldMakeTheSchedulerSkipAndReportASlotWhenTheDatabaseIsUnreachable()
      throws IOException {
    SettableClock clock = new SettableClock(SLOT.minusMillis(500));
    List<Misfire> misfires = new CopyOnWriteArrayList<>();
    List<ScheduleFire> fired = new CopyOnWriteArrayList<>();
    PostgresFireGuard offline = PostgresFireGuard.builder(unreachable()).schema(schema)
        .migrate(false).build();
    try (LocalScheduler scheduler = LocalScheduler.builder().clock(clock).fireGuard(offline)
        .executor(Runnable::run).listener(new ScheduleListener() {
          @Override
          public void onMisfire(Misfire m) {
            misfires.add(m);
          }
        }).build()) {
      scheduler.register(Schedule.builder("nightly-warm").cron("* * * * * *").zone("UTC")
          .build(), fired::add);
      clock.set(SLOT);

      assertThat(scheduler.runDue()).isEmpty();
    }

    assertThat(fired).isEmpty();
    assertThat(misfires).singleElement().satisfies(m -> {
      assertThat(m.cause()).isEqualTo(MisfireCause.GUARD_FAILED);
      assertThat(m.lastMissed()).isEqualTo(SLOT);
    });
  }

  @Test
  void shouldFireEachSlotOnceAcrossSchedulersAndCatchUpAfterARestart() {
    SettableClock clock = new SettableClock(SLOT.minusMillis(500));
    List<String> ran = new CopyOnWriteArrayList<>();
    Schedule everySecond = Schedule.builder("ticker").cron("* * * * * *").zone("UTC").build();
    try (LocalScheduler a = scheduler(clock, nodeA);
        LocalScheduler b = scheduler(clock, nodeB)) {
      a.register(everySecond, f -> ran.add("a " + f.scheduledTime()));
      b.register(everySecond, f -> ran.add("b " + f.scheduledTime()));
      for (int i = 0; i < 5; i++) {
        clock.set(SLOT.plusSeconds(i).plusMillis(10));
        b.runDue();
        a.runDue();
      }
    }
    assertThat(ran).hasSize(5).allMatch(s -> s.startsWith("b "));

    // every node down for 3 slots; a restarted scheduler continues after the last claimed one
    clock.set(SLOT.plusSeconds(7).plusMillis(10));
    List<Misfire> misfires = new CopyOnWriteArrayList<>();
    try (LocalScheduler c = LocalScheduler.builder().clock(clock).fireGuard(nodeA)
        .executor(Runnable::run).listener(new ScheduleListener() {
          @Override
          public void onMisfire(Misfire m) {
            misfires.add(m);
          }
        }).build()) {
      c.register(everySecond, f -> ran.add("c " + f.scheduledTime()));
      assertThat(c.runDue()).singleElement()
          .satisfies(f -> assertThat(f.scheduledTime()).isEqualTo(SLOT.plusSeconds(7)));
    }
    assertThat(misfires).singleElement().satisfies(m -> {
      assertThat(m.firstMissed()).isEqualTo(SLOT.plusSeconds(5));
      assertThat(m.skippedCount()).isEqualTo(2);
    });
    assertThat(nodeB.lastClaimed("ticker")).contains(SLOT.plusSeconds(7));
  }

  @Test
  void shouldNameTheBadArgument() {
    assertThatThrownBy(() -> nodeA.tryClaim(" ", SLOT))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduleName"));
    assertThatThrownBy(() -> nodeA.tryClaim("x".repeat(Schedule.MAX_NAME_LENGTH + 1), SLOT))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduleName"));
    assertThatThrownBy(() -> nodeA.tryClaim("x", null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduledTime"));
    assertThatThrownBy(() -> nodeA.tryClaim("x", Instant.MAX))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduledTime"));
    assertThatThrownBy(() -> nodeA.purgeBefore(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("cutoff"));
    assertThatThrownBy(() -> guard("n").nodeId(" "))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("nodeId"));
    assertThatThrownBy(() -> guard("n").retention(Duration.ZERO))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("retention"));
    assertThatThrownBy(() -> guard("n").schema("Bad-Name"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("schema"));
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
      assertThat(nodeA.claimedBy("by-name", SLOT)).contains("node-p");
    } finally {
      ((AutoCloseable) created).close();
    }
    assertThatThrownBy(() -> Plugins.create(FireGuard.class, "postgres",
        Map.of("url", PgTestDatabase.URL, "ttl", "P1D")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ttl"));
    assertThatThrownBy(() -> Plugins.create(FireGuard.class, "postgres",
        Map.of("url", PgTestDatabase.URL, "retention", "a day")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("retention"));
  }

  private static PostgresFireGuard.Builder guard(String node) {
    return PostgresFireGuard.builder(db.jdbi()).schema(schema).nodeId(node);
  }

  private static LocalScheduler scheduler(SettableClock clock, FireGuard guard) {
    return LocalScheduler.builder().clock(clock).fireGuard(guard).executor(Runnable::run)
        .build();
  }

  private static long rows() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM \"" + schema + "\"."
        + PostgresFireGuard.TABLE).mapTo(Long.class).one());
  }

  /** A Jdbi on a port where nothing listens. */
  private static Jdbi unreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    return Jdbi.create("jdbc:postgresql://127.0.0.1:" + port + "/test?connectTimeout=2",
        PgTestDatabase.USER, PgTestDatabase.PASSWORD);
  }
}
