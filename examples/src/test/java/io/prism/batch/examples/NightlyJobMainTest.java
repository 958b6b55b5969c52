package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NightlyJobMainTest {

  @Test
  void shouldRunTheNightlyJobOnEmbeddedDefaultsAndWriteItsReports(@TempDir Path work)
      throws IOException {
    NightlyJobMain.main(new String[] {work.toString(), "1"});
    NightlyJobMain.main(new String[] {work.toString(), "1"}); // a second run starts over

    List<String> reports;
    try (Stream<Path> files = Files.list(work.resolve("reports"))) {
      reports = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(reports).hasSize(2 * 3 * 3)
        .anyMatch(n -> n.startsWith("watchlist_warm-1-") && n.endsWith(".md"))
        .anyMatch(n -> n.startsWith("cache_clean-2-") && n.endsWith(".json"))
        .anyMatch(n -> n.startsWith("market_scan-3-") && n.endsWith(".html"));
    try (Stream<Path> records = Files.list(work.resolve("data").resolve("records"))) {
      assertThat(records.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")))
          .containsExactlyInAnyOrder("000001.json", "600519.json", "688469.json", "600919.json",
              "300059.json");
    }
  }

  @Test
  void shouldRefuseADataDirectoryItDidNotMake(@TempDir Path work) throws IOException {
    Files.createDirectories(work.resolve("data"));
    Files.writeString(work.resolve("data").resolve("keep.txt"), "someone else's");

    assertThatThrownBy(() -> NightlyJobMain.main(new String[] {work.toString(), "1"}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not made by");
    assertThat(work.resolve("data").resolve("keep.txt")).exists();
  }
}
