package io.prism.batch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.redis.internal.RedisCachePlugin;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the configuration of the Redis adapters; needs no Redis. */
class RedisCacheTierConfigTest {

  @Test
  void shouldNameTheUriAndMaskItsPasswordWhenItIsMalformed() {
    assertThatThrownBy(() -> RedisCacheTier.builder().uri("redis://:s3cret@cache:port/2"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("uri");
          assertThat(e.getMessage()).doesNotContain("s3cret");
        });
    assertThatThrownBy(() -> RedisCacheTier.builder().uri("http://cache:6379"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("uri"));
    assertThatThrownBy(() -> RedisCacheTier.builder().uri("redis://cache:6379/two"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("uri"));
    assertThatThrownBy(() -> RedisCacheTier.builder().uri(""))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("uri"));
    assertThatThrownBy(() -> RedisFireGuard.builder().uri("redis://"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("uri"));
  }

  @Test
  void shouldAcceptPasswordTlsAndDatabaseIndexInTheUri() {
    RedisCacheTier.builder().uri("rediss://user:pw@cache.internal:6380/5");
    RedisCacheTier.builder().uri("redis://:pw@[::1]:6379/0");
    RedisFireGuard.builder().uri("redis://cache.internal");
  }

  @Test
  void shouldNameABadTimeoutOrPrefix() {
    assertThatThrownBy(() -> RedisCacheTier.builder().commandTimeout(Duration.ZERO))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("commandTimeout"));
    assertThatThrownBy(() -> RedisCacheTier.builder().writeTimeout(Duration.ofMillis(-1)))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("writeTimeout"));
    assertThatThrownBy(() -> RedisCacheTier.builder().maxReconnectDelay(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("maxReconnectDelay"));
    assertThatThrownBy(() -> RedisCacheTier.builder().keyPrefix("prism md:"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("keyPrefix"));
    assertThatThrownBy(() -> RedisFireGuard.builder().nodeId(" "))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("nodeId"));
  }

  @Test
  void shouldNameAnUnknownOrBadPluginSetting() {
    RedisCachePlugin plugin = new RedisCachePlugin();

    assertThat(plugin.name()).isEqualTo("redis");
    assertThatThrownBy(() -> plugin.create(Map.of("url", "redis://:s3cret@h:6379")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("url");
          assertThat(e.getMessage()).doesNotContain("s3cret");
        });
    assertThatThrownBy(() -> plugin.create(Map.of("commandTimeout", "soon")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("commandTimeout"));
    assertThatThrownBy(() -> plugin.create(Map.of("uri", "redis://h:x")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("uri"));
  }
}
