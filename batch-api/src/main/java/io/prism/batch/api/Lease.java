package io.prism.batch.api;

import java.time.Instant;

/**
 * A worker's claim on a task, valid until {@link #expiresAt()} unless extended by a heartbeat.
 *
 * <p>The fencing token grows with every claim of the same task: a queue rejects a completion or
 * failure that carries a token older than the task's current one, so a worker whose lease was
 * taken over cannot commit.
 *
 * @param task the claimed task; its attempt count includes this claim
 * @param workerId the worker holding the lease
 * @param token the fencing token of this claim
 * @param expiresAt when the lease lapses without a heartbeat
 */
public record Lease(Task task, String workerId, long token, Instant expiresAt) {}
