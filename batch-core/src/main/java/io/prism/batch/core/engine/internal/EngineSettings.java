package io.prism.batch.core.engine.internal;

import io.prism.batch.api.BatchListener;
import io.prism.batch.api.Processor;
import io.prism.batch.api.TaskQueue;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.engine.RetryRules;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The engine's immutable configuration, snapshotted by the builder.
 *
 * @param batchId the batch id
 * @param processors processors by task type
 * @param parallelism worker count
 * @param queue creates the queue; {@code ownsQueue} says whether the engine closes it
 * @param ownsQueue whether the engine created the queue
 * @param retryRules retry rules
 * @param rateLimiters the named resource limits
 * @param taskTimeout per-task timeout, if any
 * @param batchTimeout whole-batch timeout, if any
 * @param listeners listeners with names
 * @param progressInterval how often progress events are sent
 * @param heartbeatInterval how often heartbeat events are sent
 * @param leaseTime lease duration of claims
 * @param maxClaim the most tasks a worker claims at once
 * @param perTaskEvents whether result and error events are sent per task
 * @param throughputWindow the moving window for throughput
 * @param clock the clock for not-before times and quotas
 */
public record EngineSettings(
    String batchId,
    Map<String, Processor> processors,
    int parallelism,
    Supplier<TaskQueue> queue,
    boolean ownsQueue,
    RetryRules retryRules,
    RateLimiters rateLimiters,
    Optional<Duration> taskTimeout,
    Optional<Duration> batchTimeout,
    List<Map.Entry<String, BatchListener>> listeners,
    Duration progressInterval,
    Duration heartbeatInterval,
    Duration leaseTime,
    int maxClaim,
    boolean perTaskEvents,
    Duration throughputWindow,
    Clock clock) {}
