package io.prism.batch.postgres;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A child JVM of {@link MigrationsIT}: waits for a line on standard input (so that the parent
 * can release several children at once), migrates one schema and prints {@code version=N}.
 * Exits 0 on success, 1 on failure. Arguments: JDBC URL, user, schema.
 */
public final class MigrateMain {
  private MigrateMain() {}

  /**
   * Runs the migration.
   *
   * @param args URL, user, schema
   * @throws Exception never on success
   */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String schema = args[2];
    try (PostgresDataSource db = PostgresDataSource.builder().url(url).user(user)
        .maximumPoolSize(1).build()) {
      System.out.println("ready");
      System.out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(System.in, StandardCharsets.UTF_8));
      in.readLine();
      int version = PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
      System.out.println("version=" + version);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
