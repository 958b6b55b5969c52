/**
 * PostgreSQL adapters: {@link io.prism.batch.postgres.PostgresMigrations} (versioned schema
 * migrations, safe when several JVMs start at once), the L2 {@link
 * io.prism.batch.postgres.PostgresRecordStore}, {@link
 * io.prism.batch.postgres.PostgresWatchlistStore} and {@link
 * io.prism.batch.postgres.PostgresJobStore} on Jdbi, and {@link
 * io.prism.batch.postgres.PostgresDataSource}, a pooled connection made from a JDBC URL. The
 * stores are registered as the {@code postgres} providers of their SPI.
 *
 * <p>{@link io.prism.batch.postgres.PostgresFireGuard} lets a schedule fire once across a
 * cluster: each slot is claimed by inserting a unique fire row. It is the {@code postgres}
 * provider of {@link io.prism.batch.api.schedule.FireGuard}.
 *
 * <p>{@link io.prism.batch.postgres.PostgresTaskQueue} is the task queue several JVMs share: claims
 * with {@code FOR UPDATE SKIP LOCKED}, leases with fencing tokens, reclaim of expired leases,
 * per-type concurrency caps, and {@link
 * io.prism.batch.postgres.PostgresTaskQueue#inLeaseTransaction} for database effects made exactly
 * once. It is the {@code postgres} provider of {@link io.prism.batch.api.TaskQueue}.
 */
package io.prism.batch.postgres;
