package io.prism.batch.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.BatchException;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.TaskFailure;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.EngineMetrics.TypeSnapshot;
import io.prism.batch.core.internal.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one finished batch: outcome, counts, per-type metrics and failures, rendered as
 * Markdown, JSON or HTML. Immutable.
 *
 * <pre>{@code
 * RunReport report = RunReport.of(result, engine.metrics().snapshot());
 * report.writeAll(Path.of("reports"));   // <batchId>.md, .json, .html
 * }</pre>
 */
public final class RunReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int FAILURES_SHOWN = 50;

  private final BatchResult result;
  private final Map<String, TypeSnapshot> types;

  private RunReport(BatchResult result, Map<String, TypeSnapshot> types) {
    this.result = result;
    this.types = Map.copyOf(types);
  }

  /**
   * Creates a report.
   *
   * @param result the batch result
   * @param types per-type metrics, e.g. {@code engine.metrics().snapshot()}
   * @return the report
   */
  public static RunReport of(BatchResult result, Map<String, TypeSnapshot> types) {
    return new RunReport(result, types);
  }

  /**
   * Renders Markdown.
   *
   * @return the text
   */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Batch ").append(result.batchId()).append("\n\n");
    b.append("| field | value |\n| --- | --- |\n");
    summary().forEach(row -> b.append("| ").append(row[0]).append(" | ").append(row[1]).append(" |\n"));
    b.append("\n## Task types\n\n| type | succeeded | failed | retried | skipped | cancelled | mean ms | max ms |\n")
        .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    types.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      TypeSnapshot t = e.getValue();
      b.append("| ").append(e.getKey()).append(" | ").append(t.succeeded()).append(" | ")
          .append(t.failed()).append(" | ").append(t.retried()).append(" | ").append(t.skipped())
          .append(" | ").append(t.cancelled()).append(" | ").append(ms(t.meanNanos()))
          .append(" | ").append(ms(t.maxNanos())).append(" |\n");
    });
    if (!result.failures().isEmpty()) {
      b.append("\n## Failures\n\n| task | type | class | attempts | message |\n| --- | --- | --- | ---: | --- |\n");
      result.failures().stream().limit(FAILURES_SHOWN).forEach(f -> b.append("| ")
          .append(f.taskId()).append(" | ").append(f.type()).append(" | ").append(f.errorClass())
          .append(" | ").append(f.attempts()).append(" | ")
          .append(f.message().replace("|", "\\|").replace("\n", " ")).append(" |\n"));
    }
    return b.toString();
  }

  /**
   * Renders JSON.
   *
   * @return the document
   */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("batchId", result.batchId());
    root.put("status", result.status().name());
    root.put("startedAt", result.startedAt().toString());
    root.put("durationMillis", result.duration().toMillis());
    root.put("total", result.total());
    root.put("resumed", result.resumed());
    root.put("retries", result.retries());
    root.put("skipped", result.skipped());
    ObjectNode counts = root.putObject("counts");
    for (TaskState s : TaskState.values()) {
      counts.put(s.name().toLowerCase(Locale.ROOT), result.count(s));
    }
    ObjectNode t = root.putObject("types");
    types.forEach((k, v) -> t.set(k, JSON.valueToTree(v)));
    ArrayNode f = root.putArray("failures");
    for (TaskFailure x : result.failures()) {
      f.add(JSON.valueToTree(x));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new BatchException("cannot render report JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Renders a standalone HTML page.
   *
   * @return the page
   */
  public String html() {
    StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Batch ").append(esc(result.batchId())).append("</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body>")
        .append("<h1>Batch ").append(esc(result.batchId())).append("</h1><table>");
    summary().forEach(r -> b.append("<tr><th>").append(esc(r[0])).append("</th><td>").append(esc(r[1])).append("</td></tr>"));
    b.append("</table><h2>Task types</h2><table><tr><th>type</th><th>succeeded</th><th>failed</th>")
        .append("<th>retried</th><th>skipped</th><th>mean ms</th></tr>");
    types.forEach((k, v) -> b.append("<tr><td>").append(esc(k)).append("</td><td>").append(v.succeeded())
        .append("</td><td>").append(v.failed()).append("</td><td>").append(v.retried()).append("</td><td>")
        .append(v.skipped()).append("</td><td>").append(ms(v.meanNanos())).append("</td></tr>"));
    b.append("</table>");
    if (!result.failures().isEmpty()) {
      b.append("<h2>Failures</h2><table><tr><th>task</th><th>class</th><th>attempts</th><th>message</th></tr>");
      result.failures().stream().limit(FAILURES_SHOWN).forEach(f -> b.append("<tr><td>").append(esc(f.taskId()))
          .append("</td><td>").append(f.errorClass()).append("</td><td>").append(f.attempts())
          .append("</td><td>").append(esc(f.message())).append("</td></tr>"));
      b.append("</table>");
    }
    return b.append("</body></html>\n").toString();
  }

  /**
   * Writes {@code <batchId>.md}, {@code .json} and {@code .html} into a directory, each
   * replaced atomically and durably (temporary file, fsync, rename, fsync of the directory).
   *
   * @param dir the directory, created if missing
   * @return the three paths
   */
  public List<Path> writeAll(Path dir) {
    try {
      Files.createDirectories(dir);
      return List.of(write(dir, ".md", markdown()), write(dir, ".json", json()), write(dir, ".html", html()));
    } catch (IOException e) {
      throw new BatchException("cannot write report to " + dir + ": " + e.getMessage(), e);
    }
  }

  private Path write(Path dir, String ext, String text) throws IOException {
    Path target = dir.resolve(result.batchId() + ext);
    AtomicFiles.replace(target, text.getBytes(StandardCharsets.UTF_8));
    return target;
  }

  private List<String[]> summary() {
    double secs = Math.max(1e-9, result.duration().toNanos() / 1e9);
    return List.of(
        new String[] {"status", result.status().name()},
        new String[] {"started", result.startedAt().toString()},
        new String[] {"duration", String.format(Locale.ROOT, "%.3f s", secs)},
        new String[] {"tasks", String.valueOf(result.total())},
        new String[] {"succeeded", String.valueOf(result.count(TaskState.SUCCEEDED))},
        new String[] {"failed", String.valueOf(result.count(TaskState.FAILED))},
        new String[] {"cancelled", String.valueOf(result.count(TaskState.CANCELLED))},
        new String[] {"skipped (output existed)", String.valueOf(result.skipped())},
        new String[] {"retries", String.valueOf(result.retries())},
        new String[] {"throughput", String.format(Locale.ROOT, "%.1f tasks/s",
            (result.count(TaskState.SUCCEEDED) + result.count(TaskState.FAILED)) / secs)},
        new String[] {"resumed from journal", String.valueOf(result.resumed())});
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
