package io.prism.batch.postgres;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.postgres.internal.MigrationScript;
import io.prism.batch.postgres.internal.Sql;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a schema up to the latest version of Prism Batch's tables.
 *
 * <p>The migrations are SQL scripts on the class path in {@value #LOCATION}, named {@code
 * V1__description.sql}, {@code V2__…}, with versions running 1, 2, 3… without gaps; {@code
 * ${schema}} in a script stands for the configured schema. (The folder is not {@code
 * db/migration}, so that a host's own Flyway or Liquibase set-up never picks these scripts up.)
 * The applied versions are recorded in the schema's {@value #VERSION_TABLE} table with each
 * script's SHA-256.
 *
 * <p>{@link #migrate()} is idempotent and safe when several JVMs start at once: it holds a
 * PostgreSQL session advisory lock (keyed by the schema name) on one connection for the whole
 * run, creates the schema and version table if missing, reads the applied versions inside the
 * lock and applies each missing script in its own transaction together with its version row. A
 * JVM that waited for the lock finds the work done and applies nothing. A script that fails is
 * rolled back and reported; the versions before it stay applied.
 *
 * <p>Thread-safe; the object holds no state between calls.
 *
 * <pre>{@code
 * Jdbi jdbi = Jdbi.create(dataSource);
 * int version = PostgresMigrations.builder(jdbi).schema("prism").build().migrate();
 * }</pre>
 */
public final class PostgresMigrations {

  /** The schema used when none is set, {@value}. */
  public static final String DEFAULT_SCHEMA = "public";
  /** The class-path folder of the scripts, {@value}. */
  public static final String LOCATION = "io/prism/batch/postgres/migration";
  /** The table that records applied versions, {@value}. */
  public static final String VERSION_TABLE = "prism_schema_version";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresMigrations.class);
  /** The first key of the advisory lock: the same for every schema. */
  private static final String LOCK_NAMESPACE = "io.prism.batch.postgres.migrations";

  private final Jdbi jdbi;
  private final String schema;
  private final String quotedSchema;

  private PostgresMigrations(Builder b) {
    this.jdbi = b.jdbi;
    this.schema = b.schema;
    this.quotedSchema = Sql.quoteSchema(b.schema);
  }

  /**
   * Starts a builder.
   *
   * @param jdbi the database
   * @return a builder for schema {@value #DEFAULT_SCHEMA}
   */
  public static Builder builder(Jdbi jdbi) {
    return new Builder(jdbi);
  }

  /**
   * Lists the migrations this library ships, in order.
   *
   * @return the scripts' versions and file names, e.g. {@code 1 -> V1__...sql}
   */
  public static Map<Integer, String> available() {
    Map<Integer, String> m = new LinkedHashMap<>();
    scripts().forEach(s -> m.put(s.version(), s.fileName()));
    return m;
  }

  /**
   * Returns the version {@link #migrate()} brings a schema to.
   *
   * @return the highest shipped version
   */
  public static int latestVersion() {
    List<MigrationScript> all = scripts();
    return all.get(all.size() - 1).version();
  }

  /**
   * Returns the schema this object migrates.
   *
   * @return the schema name
   */
  public String schema() {
    return schema;
  }

  /**
   * Applies every missing migration.
   *
   * @return the schema's version afterwards
   * @throws BatchException if the database cannot be reached or a script fails
   */
  public int migrate() {
    List<MigrationScript> scripts = scripts();
    try (Handle h = jdbi.open()) {
      h.createQuery(
              "SELECT 1 FROM (SELECT pg_advisory_lock(hashtext(:ns), hashtext(:schema))) l")
          .bind("ns", LOCK_NAMESPACE).bind("schema", schema).mapTo(Integer.class).one();
      try {
        return migrateLocked(h, scripts);
      } finally {
        h.createQuery("SELECT pg_advisory_unlock(hashtext(:ns), hashtext(:schema))")
            .bind("ns", LOCK_NAMESPACE).bind("schema", schema).mapTo(Boolean.class).one();
      }
    } catch (JdbiException e) {
      throw new BatchException(
          "PostgreSQL: cannot migrate schema " + schema + ": " + Sql.rootMessage(e), e);
    }
  }

  /**
   * Reads the schema's version without changing anything.
   *
   * @return the highest applied version, 0 if none
   */
  public int currentVersion() {
    return Sql.call("read the schema version of " + schema, () -> jdbi.withHandle(h -> {
      boolean exists = h.createQuery("SELECT to_regclass(:t) IS NOT NULL")
          .bind("t", quotedSchema + "." + VERSION_TABLE).mapTo(Boolean.class).one();
      if (!exists) {
        return 0;
      }
      return h.createQuery("SELECT COALESCE(MAX(version), 0) FROM " + versionTable())
          .mapTo(Integer.class).one();
    }));
  }

  private int migrateLocked(Handle h, List<MigrationScript> scripts) {
    h.execute("CREATE SCHEMA IF NOT EXISTS " + quotedSchema);
    h.execute("CREATE TABLE IF NOT EXISTS " + versionTable() + " ("
        + "version INTEGER PRIMARY KEY, "
        + "description TEXT NOT NULL, "
        + "script TEXT NOT NULL, "
        + "checksum TEXT NOT NULL, "
        + "installed_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
        + "execution_ms BIGINT NOT NULL)");
    Map<Integer, String> applied = new HashMap<>();
    h.createQuery("SELECT version, checksum FROM " + versionTable())
        .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getString(2)))
        .forEach(e -> applied.put(e.getKey(), e.getValue()));
    int latestShipped = scripts.get(scripts.size() - 1).version();
    int latestApplied = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (latestApplied > latestShipped) {
      throw new BatchException("schema " + schema + " is at version " + latestApplied
          + ", newer than this library's " + latestShipped + "; upgrade the library");
    }
    List<Integer> done = new ArrayList<>();
    for (MigrationScript s : scripts) {
      String checksum = applied.get(s.version());
      if (checksum != null) {
        if (!checksum.equals(s.checksum())) {
          LOG.warn("Migration {} of schema {} was applied from a different script "
              + "(checksum {} in the database, {} now); it is not run again",
              s.fileName(), schema, checksum, s.checksum());
        }
        continue;
      }
      long start = System.nanoTime();
      h.useTransaction(tx -> {
        runScript(tx, s);
        tx.createUpdate("INSERT INTO " + versionTable()
                + " (version, description, script, checksum, execution_ms)"
                + " VALUES (:v, :d, :f, :c, :ms)")
            .bind("v", s.version()).bind("d", s.description()).bind("f", s.fileName())
            .bind("c", s.checksum()).bind("ms", (System.nanoTime() - start) / 1_000_000)
            .execute();
      });
      done.add(s.version());
      LOG.info("Applied migration {} to schema {} in {} ms", s.fileName(), schema,
          (System.nanoTime() - start) / 1_000_000);
    }
    if (done.isEmpty()) {
      LOG.debug("Schema {} is up to date at version {}", schema, latestShipped);
    }
    return latestShipped;
  }

  private void runScript(Handle tx, MigrationScript s) {
    try (Statement st = tx.getConnection().createStatement()) {
      st.execute(s.render(quotedSchema));
    } catch (SQLException e) {
      throw new BatchException("PostgreSQL: migration " + s.fileName() + " failed on schema "
          + schema + ": " + e.getMessage(), e);
    }
  }

  private String versionTable() {
    return quotedSchema + "." + VERSION_TABLE;
  }

  private static List<MigrationScript> scripts() {
    return MigrationScript.discover(
        PostgresMigrations.class.getClassLoader(), LOCATION, PostgresMigrations.class);
  }

  /** Builds {@link PostgresMigrations}. Not thread-safe. */
  public static final class Builder {
    private final Jdbi jdbi;
    private String schema = DEFAULT_SCHEMA;

    private Builder(Jdbi jdbi) {
      this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /**
     * Sets the schema; it is created if missing.
     *
     * @param schema 1–63 characters of {@code a-z}, {@code 0-9} and {@code _}
     * @return this builder
     * @throws InvalidInputException naming {@code schema} for a bad name
     */
    public Builder schema(String schema) {
      Sql.quoteSchema(schema);
      this.schema = schema;
      return this;
    }

    /**
     * Builds the migrator.
     *
     * @return the migrator
     */
    public PostgresMigrations build() {
      return new PostgresMigrations(this);
    }
  }
}
