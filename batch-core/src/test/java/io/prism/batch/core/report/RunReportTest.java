package io.prism.batch.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.BatchStatus;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.TaskFailure;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.EngineMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
  @TempDir Path dir;

  private final BatchResult result = new BatchResult("nightly-1", BatchStatus.COMPLETED_WITH_FAILURES,
      Instant.parse("2026-11-22T01:00:00Z"), Duration.ofSeconds(4),
      10, Map.of(TaskState.SUCCEEDED, 9L, TaskState.FAILED, 1L), 2, 3,
      List.of(new TaskFailure("t-7", "warm", ErrorClass.PERMANENT, "stock <999999> | not found", 1)), false);
  private final RunReport report = RunReport.of(result,
      Map.of("warm", new EngineMetrics.TypeSnapshot(9, 1, 3, 2, 0, 13, 1_500_000, 9_000_000)));

  @Test
  void shouldRenderMarkdownWithCountsTypesAndEscapedFailures() {
    String md = report.markdown();
    assertThat(md).contains("# Batch nightly-1", "| status | COMPLETED_WITH_FAILURES |",
        "| succeeded | 9 |", "| failed | 1 |", "| warm | 9 | 1 | 3 | 2 | 0 | 1.500 | 9.000 |",
        "stock <999999> \\| not found");
  }

  @Test
  void shouldRenderJsonThatParsesBack() throws Exception {
    JsonNode n = new ObjectMapper().readTree(report.json());
    assertThat(n.get("status").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(n.get("counts").get("succeeded").asLong()).isEqualTo(9);
    assertThat(n.get("types").get("warm").get("retried").asLong()).isEqualTo(3);
    assertThat(n.get("failures").get(0).get("taskId").asText()).isEqualTo("t-7");
  }

  @Test
  void shouldEscapeHtmlAndWriteAllThreeFilesAtomically() throws Exception {
    assertThat(report.html()).contains("stock &lt;999999&gt; | not found").doesNotContain("<999999>");
    List<Path> files = report.writeAll(dir.resolve("reports"));
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("nightly-1.md", "nightly-1.json", "nightly-1.html");
    try (var s = Files.list(dir.resolve("reports"))) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }
}
