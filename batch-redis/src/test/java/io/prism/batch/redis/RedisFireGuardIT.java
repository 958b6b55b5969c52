package io.prism.batch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.Plugins;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.core.schedule.RemoteFireGuardContract;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisFireGuard} against the {@link FireGuardContract} every guard passes, on the
 * machine's Redis, plus what only this guard does: its keys and their TTLs, a claim expiring, a
 * server going away, its own settings. Guards with different node ids stand for the nodes of a
 * cluster, under a key prefix of the test's own; the contract's retention is the claim TTL.
 */
class RedisFireGuardIT extends RemoteFireGuardContract {
  private static SharedRedis redis;
  private final String prefix = SharedRedis.uniquePrefix("fireguard");

  @BeforeAll
  static void connectToRedis() {
    redis = SharedRedis.connect(0);
  }

  @AfterAll
  static void disconnectFromRedis() {
    redis.close();
  }

  @AfterEach
  void deleteKeys() {
    redis.deleteAll(prefix);
  }

  @Override
  protected FireGuard newGuard(String nodeId, Duration retention) {
    return guard(nodeId, retention);
  }

  @Override
  protected FireGuard newUnreachableGuard() throws IOException {
    int port = PrivateRedisServer.freePort();
    return RedisFireGuard.builder()
        .uri("redis://127.0.0.1:" + port)
        .keyPrefix(prefix)
        .commandTimeout(Duration.ofMillis(300))
        .build();
  }

  @Override
  protected Optional<String> claimedBy(FireGuard reader, String scheduleName, Instant slot) {
    return ((RedisFireGuard) reader).claimedBy(scheduleName, slot);
  }

  /** Counts the slot keys under the prefix, leaving out each schedule's {@code :last} key. */
  @Override
  protected long storedClaims() {
    return redis.commands().keys(prefix + "*").stream().filter(k -> !k.endsWith(":last"))
        .count();
  }

  /** Slots are keyed by epoch milliseconds. */
  @Override
  protected Duration precision() {
    return Duration.ofMillis(1);
  }

  @Override
  protected String retentionField() {
    return "claimTtl";
  }

  private RedisFireGuard redisA() {
    return (RedisFireGuard) nodeA;
  }

  private RedisFireGuard redisB() {
    return (RedisFireGuard) nodeB;
  }

  @Test
  void shouldWriteTheNodeUnderTheSlotKeyWithTheClaimTtl() {
    nodeA.tryClaim("nightly-warm", SLOT);

    String key = prefix + "{nightly-warm}:" + SLOT.toEpochMilli();
    assertThat(redis.commands().get(key)).isEqualTo("node-a");
    assertThat(redis.commands().pttl(key))
        .isBetween(RETENTION.minusSeconds(30).toMillis(), RETENTION.toMillis());
    String last = prefix + "{nightly-warm}:last";
    assertThat(redis.commands().get(last)).isEqualTo(Long.toString(SLOT.toEpochMilli()));
    assertThat(redis.commands().pttl(last)).as("the latest claim never expires").isEqualTo(-1);
  }

  @Test
  void shouldFreeASlotOnceItsTtlHasPassed() {
    try (RedisFireGuard shortLived = guard("node-s", Duration.ofMillis(300))) {
      assertThat(shortLived.tryClaim("rag-sync", SLOT)).isTrue();

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (redisB().claimedBy("rag-sync", SLOT).isPresent()) {
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
  void shouldNameTheBadRedisArgument() {
    // Given what only this guard checks / Then each call names its bad argument
    assertRejected(() -> nodeA.tryClaim("x", Instant.MAX), "scheduledTime");
    assertRejected(() -> RedisFireGuard.builder().keyPrefix("a b"), "keyPrefix");
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
      assertThat(redisA().claimedBy("by-name", SLOT)).contains("node-p");
      assertThat(redis.commands().pttl(prefix + "{by-name}:" + SLOT.toEpochMilli()))
          .isBetween(1L, 60_000L);
    } finally {
      ((RedisFireGuard) created).close();
    }
    assertRejected(() -> Plugins.create(FireGuard.class, "redis", Map.of("ttl", "PT1M")), "ttl");
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
