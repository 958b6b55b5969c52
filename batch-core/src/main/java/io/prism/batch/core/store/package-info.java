/**
 * The embedded record, watchlist and job stores: {@link
 * io.prism.batch.core.store.FileRecordStore} (L2 {@link io.prism.batch.api.data.RecordStore}),
 * {@link io.prism.batch.core.store.FileWatchlistStore} and {@link
 * io.prism.batch.core.store.FileJobStore}. Each keeps its data in memory and, when given a
 * directory, persists it as JSON files replaced atomically; each also has an in-memory variant
 * for tests and benchmarks. They are registered as the {@code file} and {@code memory}
 * providers of their SPI.
 */
package io.prism.batch.core.store;
