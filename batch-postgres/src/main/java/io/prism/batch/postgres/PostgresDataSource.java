package io.prism.batch.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A small connection pool (HikariCP) and a {@link Jdbi} on it, made from a JDBC URL: the
 * convenience behind the {@code postgres} plugins, for hosts that configure the database by URL.
 * Hosts with their own {@link DataSource} pass {@code Jdbi.create(theirDataSource)} to the
 * stores instead.
 *
 * <p>The pool is created at {@link Builder#build()} and connects at once, so a wrong URL or an
 * unreachable server fails there. Thread-safe; close it when done.
 *
 * <pre>{@code
 * try (PostgresDataSource db = PostgresDataSource.builder()
 *     .url("jdbc:postgresql://127.0.0.1:5432/test").user("postgres").build()) {
 *   RecordStore l2 = PostgresRecordStore.builder(db.jdbi()).build();
 * }
 * }</pre>
 */
public final class PostgresDataSource implements AutoCloseable {

  /** The default most connections in the pool, {@value}. */
  public static final int DEFAULT_MAXIMUM_POOL_SIZE = 4;
  /** The default time to wait for a connection, in milliseconds: {@value}. */
  public static final long DEFAULT_CONNECTION_TIMEOUT_MILLIS = 10_000;

  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final String url;

  private PostgresDataSource(Builder b) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(b.url);
    if (!b.user.isEmpty()) {
      c.setUsername(b.user);
    }
    if (!b.password.isEmpty()) {
      c.setPassword(b.password);
    }
    c.setMaximumPoolSize(b.maximumPoolSize);
    c.setMinimumIdle(Math.min(1, b.maximumPoolSize));
    c.setConnectionTimeout(b.connectionTimeoutMillis);
    c.setPoolName("prism-postgres-" + b.poolName);
    c.setDriverClassName("org.postgresql.Driver");
    try {
      this.pool = new HikariDataSource(c);
    } catch (RuntimeException e) {
      throw new BatchException("PostgreSQL: cannot connect to " + b.url + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    this.url = b.url;
    this.jdbi = Jdbi.create(pool);
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the pooled data source.
   *
   * @return the data source
   */
  public DataSource dataSource() {
    return pool;
  }

  /**
   * Returns a {@link Jdbi} on the pool.
   *
   * @return the Jdbi
   */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** Closes the pool. Idempotent. */
  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "PostgresDataSource[" + url + "]";
  }

  /** Builds a {@link PostgresDataSource}. Not thread-safe. */
  public static final class Builder {
    private static int counter;
    private String url;
    private String user = "";
    private String password = "";
    private int maximumPoolSize = DEFAULT_MAXIMUM_POOL_SIZE;
    private long connectionTimeoutMillis = DEFAULT_CONNECTION_TIMEOUT_MILLIS;
    private final String poolName;

    private Builder() {
      synchronized (Builder.class) {
        poolName = String.valueOf(++counter);
      }
    }

    /**
     * Sets the JDBC URL.
     *
     * @param url e.g. {@code jdbc:postgresql://127.0.0.1:5432/test}
     * @return this builder
     * @throws InvalidInputException naming {@code url} unless it starts with {@code
     *     jdbc:postgresql:}
     */
    public Builder url(String url) {
      if (url == null || !url.startsWith("jdbc:postgresql:")) {
        throw new InvalidInputException("url", url, "must start with jdbc:postgresql:");
      }
      this.url = url;
      return this;
    }

    /**
     * Sets the user; by default the driver's (from the URL, or the OS user).
     *
     * @param user the user name
     * @return this builder
     */
    public Builder user(String user) {
      this.user = user == null ? "" : user;
      return this;
    }

    /**
     * Sets the password; none by default.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      this.password = password == null ? "" : password;
      return this;
    }

    /**
     * Sets the most connections in the pool.
     *
     * @param size 1 or more; default {@value #DEFAULT_MAXIMUM_POOL_SIZE}
     * @return this builder
     */
    public Builder maximumPoolSize(int size) {
      if (size < 1) {
        throw new InvalidInputException("maximumPoolSize", size, "must be at least 1");
      }
      this.maximumPoolSize = size;
      return this;
    }

    /**
     * Sets how long to wait for a connection.
     *
     * @param millis 250 or more; default {@value #DEFAULT_CONNECTION_TIMEOUT_MILLIS}
     * @return this builder
     */
    public Builder connectionTimeoutMillis(long millis) {
      if (millis < 250) {
        throw new InvalidInputException("connectionTimeoutMillis", millis, "must be at least 250");
      }
      this.connectionTimeoutMillis = millis;
      return this;
    }

    /**
     * Opens the pool and checks that it can connect.
     *
     * @return the data source
     * @throws InvalidInputException if no URL was set
     * @throws BatchException if the server cannot be reached
     */
    public PostgresDataSource build() {
      if (url == null) {
        throw new InvalidInputException("url", null, "must be set");
      }
      return new PostgresDataSource(this);
    }
  }
}
