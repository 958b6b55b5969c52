/**
 * The batch engine: a worker pool over a {@link io.prism.batch.api.TaskQueue} with retries by
 * error class, rate limits, timeouts, pause/resume/cancel, progress, events and metrics.
 * Start with {@link io.prism.batch.core.engine.BatchEngine#builder()}.
 */
package io.prism.batch.core.engine;
