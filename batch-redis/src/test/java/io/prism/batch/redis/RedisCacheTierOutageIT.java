package io.prism.batch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Takes a private redis-server away under a {@link RedisCacheTier} and brings it back: reads
 * miss, writes are dropped and counted, nothing is thrown, and the tier recovers by itself.
 */
class RedisCacheTierOutageIT {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(200);
  private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(20);

  private PrivateRedisServer server;

  @BeforeEach
  void startPrivateRedis() throws Exception {
    server = PrivateRedisServer.start();
  }

  @AfterEach
  void stopPrivateRedis() {
    server.close();
  }

  @Test
  void shouldMissAndDropWritesWhileRedisIsGoneAndRecoverByItself() throws Exception {
    DataRecord before = record("600519", "{\"phase\":\"before\"}");
    DataRecord during = record("000858", "{\"phase\":\"during\"}");
    DataRecord after = record("300750", "{\"phase\":\"after\"}");
    try (RedisCacheTier tier = tierOn(server.uri())) {
      tier.putAll(List.of(before), oneHour());
      assertThat(tier.get(before.key())).contains(before);

      server.kill();

      long start = System.nanoTime();
      assertThat(tier.get(before.key())).isEmpty();
      assertThat(tier.getAll(List.of(before.key(), during.key()))).isEmpty();
      tier.putAll(List.of(during, after), oneHour());
      tier.invalidate(List.of(before.key()));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(tier.droppedWrites()).isEqualTo(3);
      assertThat(tier.failedReads()).isEqualTo(2);
      assertThat(took).isLessThan(Duration.ofSeconds(2));

      server.restart();

      awaitTrue("the tier to reconnect and accept a write", () -> {
        long dropped = tier.droppedWrites();
        tier.putAll(List.of(after), oneHour());
        return tier.droppedWrites() == dropped;
      });
      assertThat(tier.get(after.key())).contains(after);
      assertThat(tier.get(before.key())).isEmpty();
      assertThat(tier.isConnected()).isTrue();
    }
  }

  @Test
  void shouldMissWithinTheCommandTimeoutWhenRedisStalls() {
    DataRecord r = record("600519", "{\"v\":1}");
    try (RedisCacheTier tier = tierOn(server.uri());
        RedisClient admin = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> adminConnection = admin.connect()) {
      tier.putAll(List.of(r), oneHour());

      adminConnection.sync().clientPause(3_000);
      long start = System.nanoTime();
      Optional<DataRecord> read = tier.get(r.key());
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(read).isEmpty();
      assertThat(took).isGreaterThanOrEqualTo(COMMAND_TIMEOUT.minusMillis(20));
      assertThat(took).isLessThan(COMMAND_TIMEOUT.plusMillis(800));
      assertThat(tier.failedReads()).isEqualTo(1);

      awaitTrue("reads to hit again after the pause", () -> tier.get(r.key()).isPresent());
      assertThat(tier.get(r.key())).contains(r);
    }
  }

  @Test
  void shouldStartWhileRedisIsDownAndConnectWhenItComesUp() throws Exception {
    DataRecord r = record("600519", "{\"v\":1}");
    server.kill();
    try (RedisCacheTier tier = tierOn(server.uri())) {
      assertThat(tier.isConnected()).isFalse();
      assertThat(tier.get(r.key())).isEmpty();
      tier.putAll(List.of(r), oneHour());
      assertThat(tier.droppedWrites()).isEqualTo(1);

      server.restart();

      awaitTrue("the tier to connect and accept a write", () -> {
        long dropped = tier.droppedWrites();
        tier.putAll(List.of(r), oneHour());
        return tier.droppedWrites() == dropped;
      });
      assertThat(tier.get(r.key())).contains(r);
    }
  }

  private static RedisCacheTier tierOn(String uri) {
    return RedisCacheTier.builder()
        .uri(uri)
        .commandTimeout(COMMAND_TIMEOUT)
        .writeTimeout(Duration.ofMillis(500))
        .connectTimeout(Duration.ofMillis(500))
        .maxReconnectDelay(Duration.ofMillis(200))
        .build();
  }

  private static DataRecord record(String code, String payload) {
    return new DataRecord(
        new DataKey(code, DataType.FINANCIAL),
        payload,
        "h" + payload.hashCode(),
        Instant.parse("2025-03-14T07:30:12.123456789Z"),
        "akshare",
        false);
  }

  private static Function<DataKey, Duration> oneHour() {
    return k -> Duration.ofHours(1);
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + RECOVERY_DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + RECOVERY_DEADLINE + " waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
