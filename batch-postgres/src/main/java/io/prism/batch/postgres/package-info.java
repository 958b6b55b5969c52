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
 */
package io.prism.batch.postgres;
