package io.prism.batch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * Checks {@link RedisFireLock} against the machine's Redis: two locks with different owners
 * stand for two nodes of a cluster.
 */
class RedisFireLockIT {
  private static final Instant FIRE = Instant.parse("2025-06-02T17:00:00Z");

  private static SharedRedis redis;
  private String prefix;
  private RedisFireLock nodeA;
  private RedisFireLock nodeB;

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
    prefix = SharedRedis.uniquePrefix("fire");
    nodeA = lock("node-a");
    nodeB = lock("node-b");
  }

  @AfterEach
  void closeNodes() {
    nodeA.close();
    nodeB.close();
    redis.deleteAll(prefix);
  }

  @Test
  void shouldLetOnlyTheFirstNodeClaimAFire() {
    assertThat(nodeA.tryAcquireFire("nightly-warm", FIRE, Duration.ofMinutes(10))).isTrue();

    assertThat(nodeB.tryAcquireFire("nightly-warm", FIRE, Duration.ofMinutes(10))).isFalse();
    assertThat(nodeA.tryAcquireFire("nightly-warm", FIRE, Duration.ofMinutes(10))).isFalse();
    assertThat(nodeB.holderOf("nightly-warm", FIRE)).contains("node-a");
  }

  @Test
  void shouldWriteTheOwnerUnderTheFireKeyWithThePxTtl() {
    nodeA.tryAcquireFire("nightly-warm", FIRE, Duration.ofMinutes(10));

    String key = prefix + "nightly-warm:" + FIRE.toEpochMilli();
    assertThat(redis.commands().get(key)).isEqualTo("node-a");
    assertThat(redis.commands().pttl(key))
        .isBetween(Duration.ofMinutes(10).minusSeconds(30).toMillis(),
            Duration.ofMinutes(10).toMillis());
  }

  @Test
  void shouldTreatEachScheduleAndFireTimeSeparately() {
    Duration ttl = Duration.ofMinutes(10);

    assertThat(nodeA.tryAcquireFire("nightly-warm", FIRE, ttl)).isTrue();
    assertThat(nodeB.tryAcquireFire("nightly-warm", FIRE.plusSeconds(86_400), ttl)).isTrue();
    assertThat(nodeB.tryAcquireFire("market-scan", FIRE, ttl)).isTrue();
    assertThat(nodeA.tryAcquireFire("market-scan", FIRE, ttl)).isFalse();
  }

  @Test
  void shouldLetExactlyOneOfManyConcurrentCallersWin() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        RedisFireLock node = i % 2 == 0 ? nodeA : nodeB;
        calls.add(pool.submit(() -> {
          go.await();
          return node.tryAcquireFire("cache-clean", FIRE, Duration.ofMinutes(5));
        }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Boolean> f : calls) {
        winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldFreeTheFireOnceItsTtlHasPassed() {
    assertThat(nodeA.tryAcquireFire("rag-sync", FIRE, Duration.ofMillis(300))).isTrue();

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (nodeB.holderOf("rag-sync", FIRE).isPresent()) {
      assertThat(System.nanoTime() - deadline).as("claim still held at the deadline").isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }

    assertThat(nodeB.tryAcquireFire("rag-sync", FIRE, Duration.ofMinutes(1))).isTrue();
  }

  @Test
  void shouldNameTheBadArgument() {
    assertThatThrownBy(() -> nodeA.tryAcquireFire(" ", FIRE, Duration.ofMinutes(1)))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("scheduleName"));
    assertThatThrownBy(() -> nodeA.tryAcquireFire("x", null, Duration.ofMinutes(1)))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("fireTime"));
    assertThatThrownBy(() -> nodeA.tryAcquireFire("x", FIRE, Duration.ZERO))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ttl"));
  }

  @Test
  void shouldThrowRatherThanGuessWhenRedisIsUnreachable() throws Exception {
    int port = PrivateRedisServer.freePort();
    try (RedisFireLock offline =
        RedisFireLock.builder()
            .uri("redis://127.0.0.1:" + port)
            .keyPrefix(prefix)
            .commandTimeout(Duration.ofMillis(300))
            .build()) {
      assertThatThrownBy(() -> offline.tryAcquireFire("nightly-warm", FIRE, Duration.ofMinutes(1)))
          .isInstanceOf(BatchException.class)
          .hasMessageContaining("nightly-warm");
    }
  }

  private RedisFireLock lock(String owner) {
    return RedisFireLock.builder()
        .uri(SharedRedis.uri(0))
        .keyPrefix(prefix)
        .ownerId(owner)
        .build();
  }
}
