package io.prism.batch.core.engine;

import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyConfig;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.ErrorClassifier;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.PermanentTaskException;
import io.prism.batch.api.QuotaExhaustedException;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.api.TaskTimeoutException;
import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * How failed tasks are retried: a Failsafe {@link RetryPolicy} per {@link ErrorClass}, giving
 * the maximum attempts, the exponential backoff and its jitter. The engine applies the delay by
 * re-queueing the task with a not-before time, so a waiting retry holds no worker and goes
 * behind fresh work of its priority.
 *
 * <p>Defaults: transient errors 4 attempts, backoff 1 s doubling to 60 s, jitter ±20%; timeouts
 * 3 attempts, 2 s doubling to 60 s; rate-limited 6 attempts, 5 s doubling to 5 min; permanent
 * errors are never retried; a used-up quota waits for its reset however often. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * RetryRules rules = RetryRules.defaults().toBuilder()
 *     .rule(ErrorClass.TRANSIENT, RetryPolicy.builder()
 *         .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.1)
 *         .withMaxAttempts(5).build())
 *     .build();
 * }</pre>
 */
public final class RetryRules {
  private final Map<ErrorClass, RetryPolicyConfig<Object>> rules;
  private final ErrorClassifier classifier;

  private RetryRules(Map<ErrorClass, RetryPolicyConfig<Object>> rules, ErrorClassifier classifier) {
    this.rules = rules;
    this.classifier = classifier;
  }

  /**
   * Returns the default rules.
   *
   * @return the rules
   */
  public static RetryRules defaults() {
    return new Builder().build();
  }

  /**
   * Starts a builder with the default rules.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding these rules.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.rules.putAll(rules);
    b.classifier = classifier;
    return b;
  }

  /**
   * Classifies a failure with the configured classifier, falling back to the defaults.
   *
   * @param error the failure
   * @return its class
   */
  public ErrorClass classify(Throwable error) {
    ErrorClass c = classifier.classify(error);
    return c == ErrorClass.TRANSIENT ? defaultClass(error) : c;
  }

  /**
   * Returns the maximum attempts for a class, including the first.
   *
   * @param errorClass the class
   * @return attempts; {@link Integer#MAX_VALUE} for unlimited
   */
  public int maxAttempts(ErrorClass errorClass) {
    if (errorClass == ErrorClass.PERMANENT) {
      return 1;
    }
    if (errorClass == ErrorClass.QUOTA_EXHAUSTED) {
      return Integer.MAX_VALUE;
    }
    int max = rules.get(errorClass).getMaxAttempts();
    return max < 0 ? Integer.MAX_VALUE : max;
  }

  /**
   * Tells whether a task that failed on the given attempt may run again.
   *
   * @param errorClass the class of the failure
   * @param attempt the attempt that failed, from 1
   * @return true to retry
   */
  public boolean shouldRetry(ErrorClass errorClass, int attempt) {
    return attempt < maxAttempts(errorClass);
  }

  /**
   * Returns the delay before the next attempt after {@code attempt} failed, with jitter.
   *
   * @param errorClass the class of the failure
   * @param attempt the attempt that failed, from 1
   * @return the delay
   */
  public Duration delay(ErrorClass errorClass, int attempt) {
    return withJitter(errorClass, baseDelay(errorClass, attempt));
  }

  /**
   * Returns the delay before the next attempt without jitter: the configured delay times the
   * backoff factor per earlier attempt, capped at the maximum delay.
   *
   * @param errorClass the class of the failure
   * @param attempt the attempt that failed, from 1
   * @return the delay
   */
  public Duration baseDelay(ErrorClass errorClass, int attempt) {
    RetryPolicyConfig<Object> c = rules.get(errorClass);
    if (c == null) {
      return Duration.ZERO;
    }
    double nanos = c.getDelay().toNanos();
    if (c.getMaxDelay() != null) {
      double factor = c.getDelayFactor();
      nanos = nanos * Math.pow(factor, Math.max(0, attempt - 1));
      nanos = Math.min(nanos, c.getMaxDelay().toNanos());
    }
    return Duration.ofNanos((long) nanos);
  }

  private Duration withJitter(ErrorClass errorClass, Duration base) {
    RetryPolicyConfig<Object> c = rules.get(errorClass);
    if (c == null || base.isZero()) {
      return base;
    }
    double jf = c.getJitterFactor();
    long nanos = base.toNanos();
    if (jf > 0) {
      double r = ThreadLocalRandom.current().nextDouble(-jf, jf);
      nanos = (long) (nanos * (1 + r));
    } else if (c.getJitter() != null && !c.getJitter().isZero()) {
      long j = c.getJitter().toNanos();
      nanos += ThreadLocalRandom.current().nextLong(-j, j + 1);
    }
    return Duration.ofNanos(Math.max(0, nanos));
  }

  /**
   * The built-in classification: this library's exceptions by type; invalid arguments,
   * missing files and denied access are permanent; timeouts are timeouts; anything else is
   * transient. Causes are examined too.
   *
   * @param error the failure
   * @return its class
   */
  public static ErrorClass defaultClass(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof QuotaExhaustedException) {
        return ErrorClass.QUOTA_EXHAUSTED;
      }
      if (t instanceof RateLimitedException) {
        return ErrorClass.RATE_LIMITED;
      }
      if (t instanceof PermanentTaskException
          || t instanceof IllegalArgumentException
          || t instanceof NoSuchElementException
          || t instanceof FileNotFoundException
          || t instanceof NoSuchFileException
          || t instanceof AccessDeniedException
          || t instanceof SecurityException
          || t instanceof UnsupportedOperationException) {
        return ErrorClass.PERMANENT;
      }
      if (t instanceof TaskTimeoutException || t instanceof TimeoutException) {
        return ErrorClass.TIMEOUT;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return ErrorClass.TRANSIENT;
  }

  /** Builds {@link RetryRules}. Not thread-safe. */
  public static final class Builder {
    private final Map<ErrorClass, RetryPolicyConfig<Object>> rules = new EnumMap<>(ErrorClass.class);
    private ErrorClassifier classifier = e -> ErrorClass.TRANSIENT;

    private Builder() {
      rule(ErrorClass.TRANSIENT, policy(Duration.ofSeconds(1), Duration.ofSeconds(60), 4));
      rule(ErrorClass.TIMEOUT, policy(Duration.ofSeconds(2), Duration.ofSeconds(60), 3));
      rule(ErrorClass.RATE_LIMITED, policy(Duration.ofSeconds(5), Duration.ofMinutes(5), 6));
    }

    private static RetryPolicy<Object> policy(Duration delay, Duration max, int attempts) {
      return RetryPolicy.builder()
          .withBackoff(delay, max)
          .withJitter(0.2)
          .withMaxAttempts(attempts)
          .build();
    }

    /**
     * Sets the rule for a class. The policy's max attempts, delay, max delay, delay factor and
     * jitter are used; its handled-exception settings are not (classification decides).
     *
     * @param errorClass the class; not {@link ErrorClass#PERMANENT} or {@link
     *     ErrorClass#QUOTA_EXHAUSTED}, whose handling is fixed
     * @param policy the policy
     * @return this builder
     */
    public Builder rule(ErrorClass errorClass, RetryPolicy<?> policy) {
      if (errorClass == ErrorClass.PERMANENT || errorClass == ErrorClass.QUOTA_EXHAUSTED) {
        throw new InvalidInputException(
            "errorClass", errorClass, "permanent errors never retry and quota waits are fixed");
      }
      @SuppressWarnings("unchecked")
      RetryPolicyConfig<Object> config = (RetryPolicyConfig<Object>) policy.getConfig();
      rules.put(errorClass, config);
      return this;
    }

    /**
     * Sets a classifier consulted before the defaults; returning {@link ErrorClass#TRANSIENT}
     * lets the defaults decide.
     *
     * @param classifier the classifier
     * @return this builder
     */
    public Builder classifier(ErrorClassifier classifier) {
      if (classifier == null) {
        throw new InvalidInputException("classifier", null, "must not be null");
      }
      this.classifier = classifier;
      return this;
    }

    /**
     * Builds the rules.
     *
     * @return the rules
     */
    public RetryRules build() {
      return new RetryRules(new EnumMap<>(rules), classifier);
    }
  }
}
