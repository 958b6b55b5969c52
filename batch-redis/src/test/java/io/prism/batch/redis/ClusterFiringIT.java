package io.prism.batch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.core.testing.ClusterFiring;
import io.prism.batch.core.testing.ClusterFiring.Check;
import io.prism.batch.core.testing.ClusterFiring.Cluster;
import io.prism.batch.core.testing.ClusterFiring.NodeResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs run a per-second schedule for {@value ClusterFiring#SECONDS_PROPERTY} seconds
 * (default 60) with one {@link RedisFireGuard} key space, and every second fires exactly once
 * across both.
 */
class ClusterFiringIT {
  private final String prefix = SharedRedis.uniquePrefix("cluster");

  @TempDir Path dir;

  @AfterEach
  void deleteKeys() {
    try (SharedRedis redis = SharedRedis.connect(0)) {
      redis.deleteAll(prefix);
    }
  }

  @Test
  void shouldFireEverySecondExactlyOnceAcrossTwoJvms() throws Exception {
    int seconds = ClusterFiring.seconds();
    Map<String, List<String>> args = new LinkedHashMap<>();
    for (String jvm : List.of("jvm-1", "jvm-2")) {
      args.put(jvm, List.of(SharedRedis.uri(0), prefix, jvm, dir.resolve(jvm).toString()));
    }

    Map<String, NodeResult> nodes;
    Instant end;
    try (Cluster cluster = ClusterFiring.launch(ClusterNodeMain.class, args, seconds)) {
      end = cluster.end();
      nodes = cluster.await(Duration.ofSeconds(seconds + 90L));
    }
    List<Map.Entry<Instant, String>> fires = new ArrayList<>();
    for (String jvm : args.keySet()) {
      for (String line : Files.readAllLines(dir.resolve(jvm), StandardCharsets.UTF_8)) {
        fires.add(Map.entry(Instant.ofEpochMilli(Long.parseLong(line.trim())), jvm));
      }
    }
    Check check = ClusterFiring.check(fires);
    System.out.printf("ClusterFiringIT: %d slots from %s to %s, %d fires; %s; %s%n",
        check.window(), check.first(), check.last(), fires.size(), check.firedByJvm(),
        nodes.values());

    assertThat(check.duplicates()).as("slots fired twice").isEmpty();
    assertThat(check.missing()).as("slots nobody fired").isEmpty();
    assertThat(check.last()).isAfterOrEqualTo(end);
    // JVM start-up under load may cost the first second or two of the window
    assertThat(check.window()).isGreaterThanOrEqualTo(seconds - 5);
    for (NodeResult n : nodes.values()) {
      assertThat(n.fired()).as("fires %s ran and recorded", n.jvm())
          .isEqualTo(check.firedByJvm().getOrDefault(n.jvm(), 0L));
      assertThat(n.failed()).as("failed fires of %s", n.jvm()).isZero();
      assertThat(n.attempted()).as("slots %s tried to claim", n.jvm())
          .isGreaterThanOrEqualTo(check.window() - 3);
      assertThat(n.fired() > 0 || n.denied() >= check.window() - 3)
          .as("%s fired some slots or was refused them", n.jvm()).isTrue();
    }
    assertThat(nodes.values().stream().mapToLong(NodeResult::denied).sum())
        .as("refusals: the guard, not luck, kept each slot single")
        .isGreaterThanOrEqualTo(check.window() - 3);
  }
}
