package io.prism.batch.postgres;

import java.util.Locale;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The PostgreSQL server the integration tests use: {@code -Dprism.postgres.url} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}) and {@code -Dprism.postgres.user} (default
 * {@code postgres}). Each test class works in a schema of its own, dropped afterwards. A server
 * that cannot be reached fails the tests; it never skips them.
 */
final class PgTestDatabase {
  static final String URL =
      System.getProperty("prism.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = System.getProperty("prism.postgres.user", "postgres");
  static final String PASSWORD = System.getProperty("prism.postgres.password", "");

  private PgTestDatabase() {}

  static PostgresDataSource open() {
    return PostgresDataSource.builder().url(URL).user(USER).password(PASSWORD)
        .maximumPoolSize(4).build();
  }

  /** Returns a schema name no other test run uses. */
  static String freshSchema(Class<?> testClass) {
    String base = testClass.getSimpleName().toLowerCase(Locale.ROOT);
    return "it_" + base.substring(0, Math.min(30, base.length())) + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  static void dropSchema(Jdbi jdbi, String schema) {
    jdbi.useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
  }

  static void truncate(Jdbi jdbi, String schema, String... tables) {
    StringBuilder sql = new StringBuilder("TRUNCATE ");
    for (int i = 0; i < tables.length; i++) {
      sql.append(i == 0 ? "" : ", ").append('"').append(schema).append("\".").append(tables[i]);
    }
    jdbi.useHandle(h -> h.execute(sql.append(" CASCADE").toString()));
  }
}
