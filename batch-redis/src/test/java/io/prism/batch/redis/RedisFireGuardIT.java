package io.prism.batch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.schedule.FireGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link RedisFireGuard} against the machine's Redis: two guards with different node ids
 * stand for two nodes of a cluster, under a key prefix of the test's own.
 */
class RedisFireGuardIT {
  private static final Instant SLOT = Instant.parse("2025-06-02T17:00:00Z");
  private static final Duration TTL = Duration.ofMinutes(10);

  private static SharedRedis redis;
  private String prefix;
  private RedisFireGuard nodeA;
  private RedisFireGuard nodeB;

  @BeforeAll
  static void connectToRedis() {
    redis = SharedRedis.connect(0);
  }

  @AfterAll
  static void disconnectFromRedis() {
    redis.close();
  }

  @BeforeEach
  void createNodes() {
    prefix = SharedRedis.uniquePrefix("fireguard");
    nodeA = guard("node-a", TTL);
    nodeB = guard("node-b", TTL);
  }

  @AfterEach
  void closeNodes() {
    nodeA.close();
    nodeB.close();
    redis.deleteAll(prefix);
  }

  @Test
  void shouldLetOnlyTheFirstNodeClaimASlot() {
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isTrue();

    assertThat(nodeB.tryClaim("nightly-warm", SLOT)).isFalse();
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isFalse();
    assertThat(nodeB.claimedBy("nightly-warm", SLOT)).contains("node-a");
  }

  @Test
  void shouldWriteTheNodeUnderTheSlotKeyWithTheClaimTtl() {
    nodeA.tryClaim("nightly-warm", SLOT);

    String key = prefix + "{nightly-warm}:" + SLOT.toEpochMilli();
    assertThat(redis.commands().get(key)).isEqualTo("node-a");
    assertThat(redis.commands().pttl(key))
        .isBetween(TTL.minusSeconds(30).toMillis(), TTL.toMillis());
    String last = prefix + "{nightly-warm}:last";
    assertThat(redis.commands().get(last)).isEqualTo(Long.toString(SLOT.toEpochMilli()));
    assertThat(redis.commands().pttl(last)).as("the latest claim never expires").isEqualTo(-1);
  }

  @Test
  void shouldTreatEachScheduleAndSlotSeparately() {
    assertThat(nodeA.tryClaim("nightly-warm", SLOT)).isTrue();
    assertThat(nodeB.tryClaim("nightly-warm", SLOT.plusSeconds(1))).isTrue();
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
          RedisFireGuard node = i % 2 == 0 ? nodeA : nodeB;
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
    assertThat(nodeA.lastClaimed("cache-clean")).contains(SLOT.plusSeconds(19));
  }

  @Test
  void shouldRememberTheLatestClaimedSlotAcrossNodes() {
    assertThat(nodeA.lastClaimed("rag-sync")).isEmpty();

    nodeA.tryClaim("rag-sync", SLOT);
    nodeB.tryClaim("rag-sync", SLOT.plusSeconds(60));
    nodeA.tryClaim("rag-sync", SLOT.plusSeconds(30)); // an earlier slot, late: not the latest

    assertThat(nodeA.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
    assertThat(nodeB.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
    assertThat(nodeB.lastClaimed("other")).isEmpty();
    try (RedisFireGuard restarted = guard("node-c", TTL)) {
      assertThat(restarted.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
    }
  }

  @Test
  void shouldKeepTheLatestClaimWhenARefusedClaimComesLate() {
    nodeA.tryClaim("rag-sync", SLOT.plusSeconds(60));

    assertThat(nodeB.tryClaim("rag-sync", SLOT.plusSeconds(60))).isFalse();
    assertThat(nodeB.lastClaimed("rag-sync")).contains(SLOT.plusSeconds(60));
  }

  @Test
  void shouldFreeASlotOnceItsTtlHasPassed() {
    try (RedisFireGuard shortLived = guard("node-s", Duration.ofMillis(300))) {
      assertThat(shortLived.tryClaim("rag-sync", SLOT)).isTrue();

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (nodeB.claimedBy("rag-sync", SLOT).isPresent()) {
        assertThat(System.nanoTime() - deadline).as("claim still held at the deadline")
            .isNegative();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }

      assertThat(nodeB.lastClaimed("rag-sync")).as("the latest claim outlives the slot key")
          .contains(SLOT);
      assertThat(shortLived.tryClaim("rag-sync", SLOT)).isTrue();
    }
  }

  @Test
  void shouldRefuseASlotOlderThanTheTtlBeforeTheLatestClaim() {
    assertThat(nodeA.tryClaim("market-scan", SLOT.plus(TTL).plusSeconds(1))).isTrue();

    assertThat(nodeB.tryClaim("market-scan", SLOT)).as("its key may have expired").isFalse();
    assertThat(nodeB.claimedBy("market-scan", SLOT)).isEmpty();
    assertThat(nodeB.tryClaim("market-scan", SLOT.plusSeconds(1))).as("within the TTL").isTrue();
  }

  @Test
  void shouldNameTheBadArgument() {
    assertThatThrownBy(() -> nodeA.tryClaim(" ", SLOT))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduleName"));
    assertThatThrownBy(() -> nodeA.tryClaim("x", null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduledTime"));
    assertThatThrownBy(() -> nodeA.lastClaimed(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduleName"));
    assertThatThrownBy(() -> RedisFireGuard.builder().claimTtl(Duration.ZERO))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("claimTtl"));
    assertThatThrownBy(() -> RedisFireGuard.builder().keyPrefix("a b"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("keyPrefix"));
  }

  @Test
  void shouldThrowRatherThanGuessWhenRedisIsUnreachable() throws Exception {
    int port = PrivateRedisServer.freePort();
    try (RedisFireGuard offline =
        RedisFireGuard.builder()
            .uri("redis://127.0.0.1:" + port)
            .keyPrefix(prefix)
            .commandTimeout(Duration.ofMillis(300))
            .build()) {
      assertThatThrownBy(() -> offline.tryClaim("nightly-warm", SLOT))
          .isInstanceOf(BatchException.class)
          .hasMessageContaining("nightly-warm");
      assertThatThrownBy(() -> offline.lastClaimed("nightly-warm"))
          .isInstanceOf(BatchException.class)
          .hasMessageContaining("nightly-warm");
    }
  }

  @Test
  void shouldThrowWhenRedisGoesAwayAfterConnecting() throws Exception {
    try (PrivateRedisServer server = PrivateRedisServer.start();
        RedisFireGuard guard = RedisFireGuard.builder()
            .uri("redis://127.0.0.1:" + server.port())
            .commandTimeout(Duration.ofMillis(500))
            .build()) {
      assertThat(guard.tryClaim("nightly-warm", SLOT)).isTrue();

      server.kill();

      assertThatThrownBy(() -> guard.tryClaim("nightly-warm", SLOT.plusSeconds(1)))
          .isInstanceOf(BatchException.class);
    }
  }

  @Test
  void shouldBeCreatedByNameFromSettings() {
    FireGuard created = Plugins.create(FireGuard.class, "redis", Map.of(
        "uri", SharedRedis.uri(0), "keyPrefix", prefix, "nodeId", "node-p", "claimTtl", "PT1M"));
    try {
      assertThat(created).isInstanceOf(RedisFireGuard.class);
      assertThat(created.tryClaim("by-name", SLOT)).isTrue();
      assertThat(nodeA.tryClaim("by-name", SLOT)).isFalse();
      assertThat(nodeA.claimedBy("by-name", SLOT)).contains("node-p");
      assertThat(redis.commands().pttl(prefix + "{by-name}:" + SLOT.toEpochMilli()))
          .isBetween(1L, 60_000L);
    } finally {
      ((RedisFireGuard) created).close();
    }
    assertThatThrownBy(() -> Plugins.create(FireGuard.class, "redis", Map.of("ttl", "PT1M")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ttl"));
  }

  private RedisFireGuard guard(String node, Duration ttl) {
    return RedisFireGuard.builder()
        .uri(SharedRedis.uri(0))
        .keyPrefix(prefix)
        .nodeId(node)
        .claimTtl(ttl)
        .build();
  }
}
