package io.prism.batch.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills a child JVM with SIGKILL in the middle of a 5,000-task durable batch, starts it again
 * with the same batch id, and checks that every task's side effect happened exactly once.
 * Repetitions: {@code -Dprism.crash.repeats=20} (default 3).
 */
class CrashResumeIT {
  private static final int TASKS = 5_000;

  @TempDir Path dir;

  static List<Integer> runs() {
    int n = Integer.getInteger("prism.crash.repeats", 3);
    return java.util.stream.IntStream.rangeClosed(1, n).boxed().toList();
  }

  @ParameterizedTest(name = "run {0}")
  @MethodSource("runs")
  void shouldResumeAfterSigkillWithEachSideEffectExactlyOnce(int run) throws Exception {
    Path journal = dir.resolve("journal-" + run);
    Path effects = dir.resolve("effects-" + run + ".txt");
    int killAt = 800 + (run * 397) % 2_500; // vary the crash point between runs

    Process first = child(journal, effects);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines(effects) < killAt) {
      assertThat(first.isAlive()).as("child ended before it was killed").isTrue();
      assertThat(System.nanoTime()).as("child too slow").isLessThan(deadline);
      first.waitFor(2, TimeUnit.MILLISECONDS);
    }
    first.destroyForcibly(); // SIGKILL on Unix
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);
    long beforeResume = lines(effects);
    assertThat(beforeResume).isLessThan(TASKS);

    Process second = child(journal, effects);
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("resumed child finished").isTrue();
    String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(second.exitValue()).as(out).isZero();
    assertThat(out).contains("RESULT resumed=true succeeded=" + TASKS + " failed=0");

    Map<String, Integer> seen = new HashMap<>();
    for (String line : Files.readAllLines(effects, StandardCharsets.UTF_8)) {
      if (!line.isEmpty()) {
        seen.merge(line, 1, Integer::sum);
      }
    }
    assertThat(seen).hasSize(TASKS);
    assertThat(seen.entrySet()).filteredOn(e -> e.getValue() != 1).isEmpty();
  }

  private static Process child(Path journal, Path effects) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        CrashResumeChild.class.getName(), journal.toString(), effects.toString(),
        String.valueOf(TASKS), "1000");
    pb.redirectErrorStream(true);
    return pb.start();
  }

  private static long lines(Path f) throws IOException {
    if (!Files.exists(f)) {
      return 0;
    }
    byte[] b = Files.readAllBytes(f);
    long n = 0;
    for (byte x : b) {
      if (x == '\n') {
        n++;
      }
    }
    return n;
  }
}
