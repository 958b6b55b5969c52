package io.prism.batch.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failsafe.RetryPolicy;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.QuotaExhaustedException;
import io.prism.batch.api.RateLimitedException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryRulesTest {

  private final RetryRules rules = RetryRules.defaults();

  @Test
  void shouldDoubleTransientBackoffUpToTheCap() {
    assertThat(rules.baseDelay(ErrorClass.TRANSIENT, 1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(rules.baseDelay(ErrorClass.TRANSIENT, 2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(rules.baseDelay(ErrorClass.TRANSIENT, 3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(rules.baseDelay(ErrorClass.TRANSIENT, 10)).isEqualTo(Duration.ofSeconds(60));
    assertThat(rules.maxAttempts(ErrorClass.TRANSIENT)).isEqualTo(4);
  }

  @Test
  void shouldUseItsOwnScheduleForEachErrorClass() {
    assertThat(rules.baseDelay(ErrorClass.RATE_LIMITED, 1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(rules.baseDelay(ErrorClass.RATE_LIMITED, 3)).isEqualTo(Duration.ofSeconds(20));
    assertThat(rules.baseDelay(ErrorClass.RATE_LIMITED, 20)).isEqualTo(Duration.ofMinutes(5));
    assertThat(rules.baseDelay(ErrorClass.TIMEOUT, 2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(rules.maxAttempts(ErrorClass.RATE_LIMITED)).isEqualTo(6);
    assertThat(rules.maxAttempts(ErrorClass.TIMEOUT)).isEqualTo(3);
  }

  @Test
  void shouldKeepJitterWithinTwentyPercent() {
    for (int i = 0; i < 1000; i++) {
      long ms = rules.delay(ErrorClass.TRANSIENT, 3).toMillis();
      assertThat(ms).isBetween(3200L, 4800L);
    }
  }

  @Test
  void shouldNeverRetryPermanentErrors() {
    assertThat(rules.maxAttempts(ErrorClass.PERMANENT)).isEqualTo(1);
    assertThat(rules.shouldRetry(ErrorClass.PERMANENT, 1)).isFalse();
    assertThat(rules.shouldRetry(ErrorClass.TRANSIENT, 3)).isTrue();
    assertThat(rules.shouldRetry(ErrorClass.TRANSIENT, 4)).isFalse();
    assertThat(rules.shouldRetry(ErrorClass.QUOTA_EXHAUSTED, 1000)).isTrue();
  }

  @Test
  void shouldClassifyByExceptionType() {
    assertThat(rules.classify(new PermanentTaskException("bad"))).isEqualTo(ErrorClass.PERMANENT);
    assertThat(rules.classify(new IllegalArgumentException("bad"))).isEqualTo(ErrorClass.PERMANENT);
    assertThat(rules.classify(new UncheckedIOException(new FileNotFoundException("x"))))
        .isEqualTo(ErrorClass.PERMANENT);
    assertThat(rules.classify(new SecurityException("no"))).isEqualTo(ErrorClass.PERMANENT);
    assertThat(rules.classify(new RateLimitedException("akshare", "429"))).isEqualTo(ErrorClass.RATE_LIMITED);
    assertThat(rules.classify(new QuotaExhaustedException("a", 1, Instant.EPOCH)))
        .isEqualTo(ErrorClass.QUOTA_EXHAUSTED);
    assertThat(rules.classify(new IOException("reset"))).isEqualTo(ErrorClass.TRANSIENT);
    assertThat(rules.classify(new java.util.concurrent.TimeoutException())).isEqualTo(ErrorClass.TIMEOUT);
  }

  @Test
  void shouldLetACustomClassifierDecideFirst() {
    RetryRules custom = RetryRules.builder()
        .classifier(e -> e.getMessage().contains("404") ? ErrorClass.PERMANENT : ErrorClass.TRANSIENT)
        .rule(ErrorClass.TRANSIENT, RetryPolicy.builder().withDelay(Duration.ofMillis(5)).withMaxAttempts(2).build())
        .build();
    assertThat(custom.classify(new IOException("HTTP 404"))).isEqualTo(ErrorClass.PERMANENT);
    assertThat(custom.classify(new IOException("HTTP 503"))).isEqualTo(ErrorClass.TRANSIENT);
    assertThat(custom.baseDelay(ErrorClass.TRANSIENT, 5)).isEqualTo(Duration.ofMillis(5));
    assertThat(custom.maxAttempts(ErrorClass.TRANSIENT)).isEqualTo(2);
  }

  @Test
  void shouldRejectARuleForPermanentErrors() {
    assertThatThrownBy(() -> RetryRules.builder().rule(ErrorClass.PERMANENT, RetryPolicy.ofDefaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("errorClass");
  }
}
