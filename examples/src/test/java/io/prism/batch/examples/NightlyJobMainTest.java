package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    String second = runCapturingOutput(work); // a second run starts over

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
    // the RAG sync of the 28 records the warm changed (the replay has no 龙虎榜 of two stocks)
    try (Stream<Path> ledger = Files.list(work.resolve("data").resolve("rag-versions"))) {
      assertThat(ledger.filter(p -> p.toString().endsWith(".json"))).hasSize(28)
          .anyMatch(p -> p.getFileName().toString().equals("600519_financial.json"));
    }
    try (Stream<Path> vectors = Files.list(work.resolve("data").resolve("vectors"))) {
      assertThat(vectors.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".vec")))
          .contains("prism_financial.vec", "prism_shareholders.vec", "prism_longhubang.vec");
    }
    assertThat(second)
        .contains("28 records changed (from the change feed), 0 stored but not yet indexed")
        .contains("28 synced, 0 unchanged (skipped), 0 failed")
        .contains("missing 0, orphaned 0, repaired 0, removed 0 (consistent)")
        .containsPattern("Q: 贵州茅台的营业收入是多少 .*\\R  1\\. 600519 financial ")
        .containsPattern("Q: 平安银行的十大股东有哪些 .*\\R  1\\. 000001 shareholders ")
        .containsPattern("Q: 东方财富最近的龙虎榜 .*\\R  1\\. 300059 longhubang ");
  }

  private static String runCapturingOutput(Path work) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      NightlyJobMain.main(new String[] {work.toString(), "1"});
    } finally {
      System.setOut(original);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    original.print(out);
    return out;
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
