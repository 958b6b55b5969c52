package io.prism.batch.api;

import java.time.Instant;
import java.util.Optional;

/**
 * The state a queue holds for one task.
 *
 * @param task the task as last enqueued or retried
 * @param state its state
 * @param lastError the message of the latest failure, or empty
 * @param output the processor's output of a succeeded task, or empty
 * @param updatedAt when the state last changed
 */
public record TaskRecord(
    Task task, TaskState state, Optional<String> lastError, Optional<String> output,
    Instant updatedAt) {}
