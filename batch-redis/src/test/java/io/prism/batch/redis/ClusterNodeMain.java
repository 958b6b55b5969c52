package io.prism.batch.redis;

import io.prism.batch.core.testing.ClusterFiring;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A child JVM of {@link ClusterFiringIT}: one cluster node whose {@link RedisFireGuard}
 * shares a key prefix with the other node, running {@link ClusterFiring#runNode}. Each fire it
 * runs is appended to its own file as the slot's epoch milliseconds. Arguments: Redis URI, key
 * prefix, JVM id, record file. Exits 0 on success, 1 on failure.
 */
public final class ClusterNodeMain {
  private ClusterNodeMain() {}

  /**
   * Runs the node.
   *
   * @param args URI, prefix, JVM id, file
   */
  public static void main(String[] args) {
    String uri = args[0];
    String prefix = args[1];
    String jvm = args[2];
    Path file = Path.of(args[3]);
    int exit = 0;
    try (RedisFireGuard guard = RedisFireGuard.builder().uri(uri).keyPrefix(prefix).nodeId(jvm)
        .claimTtl(Duration.ofMinutes(10)).build()) {
      Files.writeString(file, "", StandardCharsets.UTF_8);
      ClusterFiring.runNode(jvm, guard, fire -> Files.writeString(file,
          fire.scheduledTime().toEpochMilli() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.APPEND));
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }
}
