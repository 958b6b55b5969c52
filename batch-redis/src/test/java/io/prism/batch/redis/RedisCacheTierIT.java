package io.prism.batch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.Plugins;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.core.cache.CacheTierContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link CacheTierContract} on {@link RedisCacheTier} against the machine's Redis at
 * 127.0.0.1:6379, under a key prefix of its own that is deleted after each test. Fails when
 * Redis is unreachable.
 */
class RedisCacheTierIT extends CacheTierContract {
  private static SharedRedis redis;
  private String prefix;

  @BeforeAll
  static void connectToRedis() {
    redis = SharedRedis.connect(0);
  }

  @AfterAll
  static void disconnectFromRedis() {
    redis.close();
  }

  @Override
  protected CacheTier createTier() {
    prefix = SharedRedis.uniquePrefix("cache");
    return RedisCacheTier.builder()
        .uri(SharedRedis.uri(0))
        .keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(2))
        .writeTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Override
  protected Duration shortTtl() {
    return Duration.ofMillis(1_500);
  }

  @Override
  protected void passTime(Duration duration) {
    // Redis expires keys on real time; the contract polls for the expiry with a deadline.
  }

  @AfterEach
  void deleteTestKeys() {
    redis.deleteAll(prefix);
  }

  @Test
  void shouldBeNamedRedisAndConnected() {
    assertThat(tier.name()).isEqualTo("redis");
    assertThat(((RedisCacheTier) tier).isConnected()).isTrue();
  }

  @Test
  void shouldStoreEachRecordUnderItsPrefixedKeyWithThePxTtlOfItsDataType() {
    DataTypes types = DataTypes.defaults();
    DataRecord announcements = record("600519", DataType.ANNOUNCEMENTS, "{\"n\":1}");
    DataRecord profile = record("600519", DataType.COMPANY_PROFILE, "{\"n\":2}");

    tier.putAll(List.of(announcements, profile), k -> types.require(k.dataType()).cacheTtl());

    String announcementsKey = prefix + "600519:announcements";
    assertThat(((RedisCacheTier) tier).redisKeyOf(announcements.key()))
        .isEqualTo(announcementsKey);
    assertThat(redis.commands().exists(announcementsKey, prefix + "600519:company_profile"))
        .isEqualTo(2);
    assertThat(redis.commands().pttl(announcementsKey))
        .isBetween(Duration.ofHours(1).minusSeconds(30).toMillis(), Duration.ofHours(1).toMillis());
    assertThat(redis.commands().pttl(prefix + "600519:company_profile"))
        .isBetween(Duration.ofDays(7).minusSeconds(30).toMillis(), Duration.ofDays(7).toMillis());
  }

  @Test
  void shouldStoreAValueOnlySlightlyLargerThanItsPayload() {
    String payload = "{\"公告\":\"" + "关于召开2024年年度股东大会的通知".repeat(20) + "\",\"n\":[1,2,3]}";
    DataRecord r = record("600519", DataType.ANNOUNCEMENTS, payload);

    tier.putAll(List.of(r), oneHour());

    long stored = redis.commands().strlen(prefix + "600519:announcements");
    int payloadBytes = payload.getBytes(StandardCharsets.UTF_8).length;
    int hashAndSource = r.contentHash().length() + r.source().length();
    assertThat(stored).isLessThanOrEqualTo(payloadBytes + hashAndSource + 16);
  }

  @Test
  void shouldMissWithoutErrorOnAValueItDidNotWrite() {
    DataKey key = new DataKey("600519", DataType.FINANCIAL);
    redis.commands().set(prefix + "600519:financial", "{\"written\":\"by someone else\"}");
    redis.commands().set(prefix + "000001:financial", "");

    assertThat(tier.get(key)).isEmpty();
    assertThat(tier.getAll(List.of(key, new DataKey("000001", DataType.FINANCIAL)))).isEmpty();
    assertThat(((RedisCacheTier) tier).failedReads()).isZero();
  }

  @Test
  void shouldUseTheDatabaseIndexOfTheUri() {
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"db\":3}");
    try (SharedRedis db3 = SharedRedis.connect(3);
        RedisCacheTier inDb3 =
            RedisCacheTier.builder().uri(SharedRedis.uri(3)).keyPrefix(prefix).build()) {
      try {
        inDb3.putAll(List.of(r), oneHour());

        assertThat(db3.commands().exists(prefix + "600519:financial")).isEqualTo(1);
        assertThat(redis.commands().exists(prefix + "600519:financial")).isZero();
        assertThat(tier.get(r.key())).isEmpty();
        assertThat(inDb3.get(r.key())).contains(r);
      } finally {
        db3.deleteAll(prefix);
      }
    }
  }

  @Test
  void shouldBeCreatedByItsPluginName() {
    try (CacheTier fromPlugin =
        Plugins.create(
            CacheTier.class,
            "redis",
            Map.of("uri", SharedRedis.uri(0), "keyPrefix", prefix, "commandTimeout", "PT1S"))) {
      DataRecord r = record("600519", DataType.FINANCIAL, "{\"plugin\":true}");
      fromPlugin.putAll(List.of(r), oneHour());

      assertThat(fromPlugin).isInstanceOf(RedisCacheTier.class);
      assertThat(tier.get(r.key())).contains(r);
    }
  }

  @Test
  void shouldReadAndWriteOnceClosedWithoutThrowing() {
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    RedisCacheTier closed =
        RedisCacheTier.builder().uri(SharedRedis.uri(0)).keyPrefix(prefix).build();
    closed.close();

    closed.putAll(List.of(r), oneHour());

    assertThat(closed.get(r.key())).isEmpty();
    assertThat(closed.getAll(List.of(r.key()))).isEmpty();
    assertThat(closed.droppedWrites()).isEqualTo(1);
    closed.close();
  }
}
