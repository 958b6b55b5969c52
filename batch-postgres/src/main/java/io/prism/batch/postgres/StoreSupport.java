package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.postgres.internal.Sql;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/** What every PostgreSQL store shares: the database, the schema and an owned resource. */
abstract class StoreSupport implements AutoCloseable {
  final Jdbi jdbi;
  final String schema;
  final String quotedSchema;
  private final AutoCloseable owned;
  private volatile boolean closed;

  StoreSupport(StoreBuilder<?> b) {
    this.jdbi = b.jdbi;
    this.schema = b.schema;
    this.quotedSchema = Sql.quoteSchema(b.schema);
    this.owned = b.owned;
    if (b.migrate) {
      try {
        PostgresMigrations.builder(jdbi).schema(schema).build().migrate();
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }
  }

  /** Renders SQL with {@code ${schema}} filled in. */
  final String sql(String template) {
    return Sql.render(template, quotedSchema);
  }

  final void ensureOpen() {
    if (closed) {
      throw new BatchException(this + " is closed");
    }
  }

  /** Closes the resource given to {@link StoreBuilder#closing}. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        throw new BatchException("cannot close " + owned + ": " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[schema " + schema + "]";
  }

  /**
   * The settings every PostgreSQL store's builder has.
   *
   * @param <B> the builder type
   */
  abstract static class StoreBuilder<B extends StoreBuilder<B>> {
    final Jdbi jdbi;
    String schema = PostgresMigrations.DEFAULT_SCHEMA;
    boolean migrate = true;
    AutoCloseable owned;

    StoreBuilder(Jdbi jdbi) {
      this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    abstract B self();

    /**
     * Sets the schema that holds the tables.
     *
     * @param schema 1–63 characters of {@code a-z}, {@code 0-9} and {@code _}; default {@value
     *     PostgresMigrations#DEFAULT_SCHEMA}
     * @return this builder
     * @throws io.prism.batch.api.InvalidInputException naming {@code schema} for a bad name
     */
    public B schema(String schema) {
      Sql.quoteSchema(schema);
      this.schema = schema;
      return self();
    }

    /**
     * Sets whether {@code build()} runs {@link PostgresMigrations#migrate()} first (default
     * true). Turn it off when the host migrates the schema itself.
     *
     * @param migrate the flag
     * @return this builder
     */
    public B migrate(boolean migrate) {
      this.migrate = migrate;
      return self();
    }

    /**
     * Hands over a resource, such as the {@link PostgresDataSource} behind the {@link Jdbi}, to
     * be closed when the store is closed.
     *
     * @param resource the resource
     * @return this builder
     */
    public B closing(AutoCloseable resource) {
      this.owned = Objects.requireNonNull(resource, "resource");
      return self();
    }
  }
}
