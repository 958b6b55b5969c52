/**
 * Prism Batch public API: the task model, the engine's service-provider interfaces
 * ({@link io.prism.batch.api.Processor}, {@link io.prism.batch.api.TaskQueue} and its optional
 * {@link io.prism.batch.api.SignallingQueue},
 * {@link io.prism.batch.api.BatchListener}), events, results and plugin discovery.
 *
 * <p>This package has no third-party dependency. Every type is either an interface or an
 * immutable value; no method returns {@code null}.
 */
package io.prism.batch.api;
