package io.prism.batch.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Misfire;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleListener;
import io.prism.batch.core.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link FireGuard} must show, run against each implementation's real
 * backend: {@link InMemoryFireGuard} here, PostgreSQL and Redis in their adapters (published in
 * batch-core's test-jar).
 *
 * <p>A subclass returns from {@link #newGuard} a guard standing for one node of a cluster. The
 * guards of one test with the same retention share their claims, as the nodes of a cluster share
 * a database; each test starts with no claim and two such nodes, {@link #nodeA} and {@link
 * #nodeB}. Guards the contract creates are closed after the test if they are {@link
 * AutoCloseable}.
 *
 * <p>Where backends legitimately differ, a hook says how: {@link #precision()} (how close two
 * slots may be and still be told apart), {@link #retentionField()} (what the setting of how long
 * claims are remembered is called), {@link #recordsClaimants()} with {@link #claimedBy} and
 * {@link #storedClaims()} (what a claim wrote into the store). A guard with a store that can be down
 * also passes {@link RemoteFireGuardContract}.
 */
public abstract class FireGuardContract {

  /** The slot the tests count from. */
  protected static final Instant SLOT = Instant.parse("2025-06-02T17:00:00Z");

  /** How long before a schedule's latest claim {@link #nodeA} and {@link #nodeB} remember. */
  protected static final Duration RETENTION = Duration.ofMinutes(10);

  /** A node of the cluster, with id {@code node-a} and {@link #RETENTION}. */
  protected FireGuard nodeA;

  /** Another node of the same cluster, with id {@code node-b} and {@link #RETENTION}. */
  protected FireGuard nodeB;

  private final List<FireGuard> created = new ArrayList<>();

  /**
   * Creates a guard standing for one node of the cluster under test. Guards created in one test
   * with the same retention must share their claims; the first one of a test finds none.
   *
   * @param nodeId the node's id, which the guard records with its claims (if it records any)
   * @param retention how long before a schedule's latest claim claims are remembered (and older
   *     slots refused): the retention of PostgreSQL and the in-memory guard, the claim TTL of
   *     Redis
   * @return the guard
   * @throws InvalidInputException naming the bad argument, as the implementation's builder does
   */
  protected abstract FireGuard newGuard(String nodeId, Duration retention);

  /**
   * Tells whether the guard records which node claimed a slot in a store the test can read; then
   * {@link #claimedBy} and {@link #storedClaims} are checked after claims and node ids are
   * validated. The in-memory guard, whose nodes are schedulers sharing one instance, records no
   * node and keeps its claims private.
   *
   * @return true unless overridden
   */
  protected boolean recordsClaimants() {
    return true;
  }

  /**
   * Tells which node holds a slot, as a guard reads it back from the store. Called only when
   * {@link #recordsClaimants()}.
   *
   * @param reader the guard to ask (a node created by {@link #newGuard})
   * @param scheduleName the schedule
   * @param slot the slot
   * @return the claimant's node id, or empty if no claim holds the slot
   */
  protected abstract Optional<String> claimedBy(
      FireGuard reader, String scheduleName, Instant slot);

  /**
   * Counts the slot claims in the store, across schedules, in the store itself (rows, keys).
   * Called only when {@link #recordsClaimants()}.
   *
   * @return how many slots are held
   */
  protected abstract long storedClaims();

  /**
   * Returns the finest difference between two slots the guard tells apart.
   *
   * @return one nanosecond (an {@link Instant}'s own precision) unless overridden
   */
  protected Duration precision() {
    return Duration.ofNanos(1);
  }

  /**
   * Returns the field an {@link InvalidInputException} names when {@link #newGuard} is given a
   * bad retention.
   *
   * @return {@code "retention"} unless overridden
   */
  protected String retentionField() {
    return "retention";
  }

  /**
   * Checks that a call throws an {@link InvalidInputException} naming a field.
   *
   * @param call the call
   * @param field the field it must name
   */
  protected static void assertRejected(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(
        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @BeforeEach
  void createTwoNodes() {
    nodeA = node("node-a", RETENTION);
    nodeB = node("node-b", RETENTION);
  }

  @AfterEach
  void closeGuardsUnderTest() throws Exception {
    for (FireGuard g : created) {
      if (g instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  /**
   * Creates a guard with {@link #newGuard} that is closed after the test.
   *
   * @param nodeId the node's id
   * @param retention the retention
   * @return the guard
   */
  protected FireGuard node(String nodeId, Duration retention) {
    FireGuard g = newGuard(nodeId, retention);
    created.add(g);
    return g;
  }

  /** A scheduler on a node that runs fires on the calling thread and collects misfires. */
  protected static LocalScheduler scheduler(SettableClock clock, FireGuard guard,
      List<Misfire> misfires) {
    return LocalScheduler.builder().clock(clock).fireGuard(guard).executor(Runnable::run)
        .listener(new ScheduleListener() {
          @Override
          public void onMisfire(Misfire m) {
            misfires.add(m);
          }
        }).build();
  }

  // ---------------------------------------------------------------- claims

  @Test
  void shouldLetOnlyTheFirstNodeClaimASlot() {
    // Given node A claimed a slot
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isTrue();

    // When node B, and node A again, try the same slot
    // Then both are refused, and the store holds node A's claim alone
    assertThat(nodeB.tryClaim("nightly-warm", SLOT)).isFalse();
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isFalse();
    if (recordsClaimants()) {
      assertThat(claimedBy(nodeB, "nightly-warm", SLOT)).contains("node-a");
      assertThat(storedClaims()).isEqualTo(1);
    }
  }

  @Test
  void shouldTreatEachScheduleAndSlotSeparately() {
    // Given node A claimed a slot of one schedule
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isTrue();

    // When other slots of it, and the same slot of another schedule, are claimed
    // Then each is a slot of its own, down to the guard's precision
    assertThat(nodeB.tryClaim("nightly-warm", SLOT.plusSeconds(1))).isTrue();
    assertThat(nodeB.tryClaim("nightly-warm", SLOT.plus(precision())))
        .as("%s later", precision()).isTrue();
    assertThat(nodeB.tryClaim("market-scan", SLOT)).isTrue();
    assertThat(nodeA.tryClaim("market-scan", SLOT)).isFalse();
  }

  @Test
  void shouldLetExactlyOneOfSixteenConcurrentCallersWin() throws Exception {
    // Given 16 callers on two nodes, released together on each of 20 slots
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int round = 0; round < 20; round++) {
        Instant slot = SLOT.plusSeconds(round);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          FireGuard node = i % 2 == 0 ? nodeA : nodeB;
          calls.add(pool.submit(() -> {
            go.await();
            return node.tryClaim("cache-clean", slot);
          }));
        }

        // When they all claim the slot at once
        go.countDown();

        // Then exactly one wins it
        int winners = 0;
        for (Future<Boolean> f : calls) {
          winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("winners of slot %s", slot).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    if (recordsClaimants()) {
      assertThat(storedClaims()).isEqualTo(20);
    }
    assertThat(nodeA.lastClaimed("cache-clean")).contains(SLOT.plusSeconds(19));
  }

  // ---------------------------------------------------------------- the latest claim

  @Test
  void shouldRememberTheLatestClaimedSlotAcrossNodes() {
    // Given a schedule nobody claimed yet
    assertThat(nodeA.lastClaimed("rag-sync")).isEmpty();

    // When two nodes claim three slots, the last call for an earlier slot
    assertThat(nodeA.tryClaim("rag-sync", SLOT)).isTrue();
    assertThat(nodeB.tryClaim("rag-sync", SLOT.plusSeconds(60))).isTrue();
    assertThat(nodeA.tryClaim("rag-sync", SLOT.plusSeconds(30))).as("late, not the latest")
        .isTrue();

    // Then every node, and a node that starts afterwards, reads the latest slot
    assertThat(nodeA.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
    assertThat(nodeB.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
    assertThat(nodeB.lastClaimed("other")).isEmpty();
    FireGuard later = node("node-c", RETENTION);
    assertThat(later.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
  }

  @Test
  void shouldKeepTheLatestClaimWhenARefusedClaimComesLate() {
    // Given node A claimed a slot
    nodeA.tryClaim("rag-sync", SLOT.plusSeconds(60));

    // When node B comes late for the same slot
    // Then it is refused and the latest claim stays
    assertThat(nodeB.tryClaim("rag-sync", SLOT.plusSeconds(60))).isFalse();
    assertThat(nodeB.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
  }

  @Test
  void shouldRefuseASlotOlderThanTheRetentionBeforeTheLatestClaim() {
    // Given a claim just over the retention after SLOT
    assertThat(nodeA.tryClaim("market-scan", SLOT.plus(RETENTION).plusSeconds(1))).isTrue();

    // When SLOT, never claimed, and the slot a second later are claimed
    // Then SLOT is refused (its claim may have been forgotten) and leaves nothing behind; the
    // slot exactly the retention before the latest is still claimed
    assertThat(nodeB.tryClaim("market-scan", SLOT)).as("its claim may be forgotten").isFalse();
    if (recordsClaimants()) {
      assertThat(claimedBy(nodeB, "market-scan", SLOT)).isEmpty();
    }
    assertThat(nodeB.tryClaim("market-scan", SLOT.plusSeconds(1))).as("within retention")
        .isTrue();
  }

  // ---------------------------------------------------------------- with a scheduler

  @Test
  void shouldFireEachSlotOnceAcrossSchedulersAndCatchUpAfterARestart() {
    // Given two schedulers, one per node, running a per-second schedule for 5 slots
    SettableClock clock = new SettableClock(SLOT.minusMillis(500));
    List<String> ran = new CopyOnWriteArrayList<>();
    List<Misfire> misfires = new CopyOnWriteArrayList<>();
    Schedule everySecond = Schedule.builder("ticker").cron("* * * * * *").zone("UTC").build();
    try (LocalScheduler a = scheduler(clock, nodeA, misfires);
        LocalScheduler b = scheduler(clock, nodeB, misfires)) {
      a.register(everySecond, f -> ran.add("a " + f.scheduledTime()));
      b.register(everySecond, f -> ran.add("b " + f.scheduledTime()));
      for (int i = 0; i < 5; i++) {
        clock.set(SLOT.plusSeconds(i).plusMillis(10));
        b.runDue();
        a.runDue();
      }
    }
    // Then each slot ran once, on the node that came first, and none was missed
    assertThat(ran).hasSize(5).allMatch(s -> s.startsWith("b "));
    assertThat(misfires).isEmpty();

    // When every node was down for 2 slots and a scheduler starts again
    clock.set(SLOT.plusSeconds(7).plusMillis(10));
    try (LocalScheduler c = scheduler(clock, nodeA, misfires)) {
      c.register(everySecond, f -> ran.add("c " + f.scheduledTime()));

      // Then it continues after the last claimed slot: reports the missed ones, fires the due
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
    // Given bad schedule names and slots / Then each call names its bad argument
    assertRejected(() -> nodeA.tryClaim(" ", SLOT), "scheduleName");
    assertRejected(() -> nodeA.tryClaim(null, SLOT), "scheduleName");
    assertRejected(() -> nodeA.tryClaim("x".repeat(Schedule.MAX_NAME_LENGTH + 1), SLOT),
        "scheduleName");
    assertRejected(() -> nodeA.tryClaim("x", null), "scheduledTime");
    assertRejected(() -> nodeA.lastClaimed(null), "scheduleName");
    assertRejected(() -> nodeA.lastClaimed(" "), "scheduleName");

    // Given bad settings / Then creating a guard names them
    assertRejected(() -> node("n", Duration.ZERO), retentionField());
    assertRejected(() -> node("n", null), retentionField());
    if (recordsClaimants()) {
      assertRejected(() -> node(" ", RETENTION), "nodeId");
    }
  }
}
