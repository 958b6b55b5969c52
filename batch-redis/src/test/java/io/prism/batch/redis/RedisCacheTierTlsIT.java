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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connects {@link RedisCacheTier} to a private TLS-only redis-server with a password, choosing
 * the database from the {@code rediss://} URI.
 */
class RedisCacheTierTlsIT {
  private static final String PASSWORD = "s3cret-pw";
  private static PrivateRedisServer server;

  @BeforeAll
  static void startTlsRedis() throws Exception {
    server = PrivateRedisServer.startTls(PASSWORD);
  }

  @AfterAll
  static void stopTlsRedis() {
    server.close();
  }

  @Test
  void shouldReadAndWriteOverTlsWithThePasswordAndDatabaseOfTheUri() {
    String uri = "rediss://:" + PASSWORD + "@127.0.0.1:" + server.port() + "/4?verifyPeer=NONE";
    DataRecord r =
        new DataRecord(
            new DataKey("600519", DataType.FINANCIAL),
            "{\"roe\":31.2}",
            "abc",
            Instant.parse("2025-03-14T07:30:12Z"),
            "akshare",
            false);
    try (RedisCacheTier tier = RedisCacheTier.builder().uri(uri).build();
        RedisClient raw = RedisClient.create(uri);
        StatefulRedisConnection<String, String> db4 = raw.connect()) {
      tier.putAll(List.of(r), k -> Duration.ofHours(1));

      assertThat(tier.isConnected()).isTrue();
      assertThat(tier.get(r.key())).contains(r);
      assertThat(db4.sync().exists("prism:md:600519:financial")).isEqualTo(1);
      assertThat(tier.toString()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void shouldMissWithoutThrowingWhenThePasswordIsWrong() {
    String uri = "rediss://:wrong@127.0.0.1:" + server.port() + "?verifyPeer=NONE";
    DataKey key = new DataKey("600519", DataType.FINANCIAL);
    try (RedisCacheTier tier =
        RedisCacheTier.builder().uri(uri).connectTimeout(Duration.ofSeconds(2)).build()) {
      assertThat(tier.isConnected()).isFalse();
      assertThat(tier.get(key)).isEmpty();
      tier.putAll(
          List.of(new DataRecord(key, "{}", "abc", Instant.EPOCH, "akshare", false)),
          k -> Duration.ofHours(1));
      assertThat(tier.droppedWrites()).isEqualTo(1);
      assertThat(tier.toString()).doesNotContain("wrong");
    }
  }
}
