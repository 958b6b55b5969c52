package io.prism.batch.postgres;

import io.prism.batch.core.testing.ClusterFiring;
import io.prism.batch.postgres.internal.Sql;

/**
 * A child JVM of {@link ClusterFiringIT}: one cluster node whose {@link PostgresFireGuard} shares
 * a schema with the other node, running {@link ClusterFiring#runNode}. Each fire it runs is
 * inserted into the schema's {@code cluster_fires} table (slot, JVM id). Arguments: JDBC URL,
 * user, password (may be empty), schema, JVM id. Exits 0 on success, 1 on failure.
 */
public final class ClusterNodeMain {
  private ClusterNodeMain() {}

  /**
   * Runs the node.
   *
   * @param args URL, user, password, schema, JVM id
   */
  public static void main(String[] args) {
    String schema = args[3];
    String jvm = args[4];
    int exit = 0;
    try (PostgresDataSource db = PostgresDataSource.builder().url(args[0]).user(args[1])
        .password(args[2]).maximumPoolSize(2).build();
        PostgresFireGuard guard = PostgresFireGuard.builder(db.jdbi()).schema(schema)
            .nodeId(jvm).migrate(false).build()) {
      String insert =
          "INSERT INTO \"" + schema + "\".cluster_fires (slot, jvm) VALUES (:slot, :jvm)";
      ClusterFiring.runNode(jvm, guard, fire -> db.jdbi().useHandle(h -> h.createUpdate(insert)
          .bind("slot", Sql.time(fire.scheduledTime())).bind("jvm", jvm).execute()));
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }
}
