package io.prism.batch.postgres.internal;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jdbi.v3.core.JdbiException;

/** Helpers shared by the PostgreSQL stores: schema names, times and error translation. */
public final class Sql {
  /** PostgreSQL's SQLSTATE for a value a type cannot parse, e.g. bad JSON. */
  public static final String INVALID_TEXT_REPRESENTATION = "22P02";
  /** PostgreSQL's SQLSTATE for a character a type cannot hold, e.g. {@code \u0000} in jsonb. */
  public static final String UNTRANSLATABLE_CHARACTER = "22P05";
  /** PostgreSQL's SQLSTATE for a foreign key violation. */
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private Sql() {}

  /**
   * Checks a schema name and returns it quoted for SQL.
   *
   * @param schema the name
   * @return {@code "name"}
   * @throws InvalidInputException naming {@code schema} unless it is 1–63 characters of
   *     {@code a-z}, {@code 0-9} and {@code _}, not starting with a digit
   */
  public static String quoteSchema(String schema) {
    if (schema == null || !SCHEMA.matcher(schema).matches()) {
      throw new InvalidInputException("schema", schema,
          "must be 1-63 characters of a-z, 0-9 and '_', not starting with a digit");
    }
    return "\"" + schema + "\"";
  }

  /**
   * Puts the quoted schema into SQL text in place of {@code ${schema}}.
   *
   * @param sql the text
   * @param quotedSchema the schema, quoted
   * @return the text
   */
  public static String render(String sql, String quotedSchema) {
    return sql.replace("${schema}", quotedSchema);
  }

  /**
   * Truncates to microseconds, the precision of {@code timestamptz}.
   *
   * @param t the instant
   * @return it, as PostgreSQL stores it
   */
  public static OffsetDateTime time(Instant t) {
    return OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  /**
   * Rounds up to microseconds, so that {@code stored < bound} in SQL matches {@code
   * stored.isBefore(bound)} in Java for any stored time (which is whole microseconds).
   *
   * @param t the bound
   * @return it, rounded up
   */
  public static OffsetDateTime timeCeiling(Instant t) {
    Instant down = t.truncatedTo(ChronoUnit.MICROS);
    return OffsetDateTime.ofInstant(down.equals(t) ? t : down.plus(1, ChronoUnit.MICROS),
        ZoneOffset.UTC);
  }

  /**
   * Writes a time, truncated to microseconds, as ISO-8601 text that {@code ::timestamptz}
   * reads, for array binds.
   *
   * @param t the instant
   * @return e.g. {@code 2024-03-01T07:00:00.123456Z}
   */
  public static String text(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).toString();
  }

  /**
   * Like {@link #time(Instant)} for an optional time.
   *
   * @param t the instant, if any
   * @return it, or null for SQL NULL
   */
  public static OffsetDateTime time(Optional<Instant> t) {
    return t.map(Sql::time).orElse(null);
  }

  /**
   * Reads a {@code timestamptz} column.
   *
   * @param t the value, or null
   * @return the instant, or empty
   */
  public static Optional<Instant> instant(OffsetDateTime t) {
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  /**
   * Runs a database call, turning Jdbi's exceptions into {@link BatchException}s.
   *
   * @param what what the call does, for the message
   * @param call the call
   * @param <T> its result
   * @return the result
   */
  public static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (JdbiException e) {
      throw new BatchException("PostgreSQL: cannot " + what + ": " + rootMessage(e), e);
    }
  }

  /**
   * Returns the SQLSTATE of the first {@link SQLException} in a cause chain.
   *
   * @param e the exception
   * @return the state, or empty
   */
  public static Optional<String> sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return Optional.of(s.getSQLState());
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the message of the first {@link SQLException} in a cause chain, else the
   * exception's own.
   *
   * @param e the exception
   * @return the message
   */
  public static String rootMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return t.getMessage();
      }
    }
    return e.getMessage();
  }
}
