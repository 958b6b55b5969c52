/**
 * The embedded {@link io.prism.batch.api.TaskQueue} implementations: {@link
 * io.prism.batch.core.queue.MemoryTaskQueue} (in memory, the fastest) and {@link
 * io.prism.batch.core.queue.JournaledTaskQueue} (the same state kept durable by an append-only,
 * group-committed journal and snapshots in a directory), with their plugins {@code "memory"} and
 * {@code "file"}.
 *
 * <p>Both implement {@link io.prism.batch.api.SignallingQueue}, so a consumer can wait for
 * work instead of polling.
 */
package io.prism.batch.core.queue;
