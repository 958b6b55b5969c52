package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.JobRecord;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.schedule.ScheduleConfigLoader;
import io.prism.batch.core.store.FileJobStore;
import io.prism.batch.core.store.FileWatchlistStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schedule mode of {@link NightlyJobMain}, run in this JVM on a temporary work directory. */
class NightlyJobMainScheduleTest {
  private static final Pattern PREVIEW_TIME =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2} [A-Z][a-z]{2} (\\d{2}:\\d{2}:\\d{2})");
  private static final Duration RUN_FOR = Duration.ofSeconds(3);

  @Test
  void shouldPreviewEveryScheduleFireTheAskedOnesInTurnAndStopAfterFor(@TempDir Path work) {
    long start = System.nanoTime();
    Run run = run(work.toString(), "1", "--schedules",
        "--fire-now=priority_batches.level_5,maintenance_tasks.cache_cleanup",
        "--for=" + RUN_FOR);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(run.status()).isZero();
    assertThat(took).isBetween(RUN_FOR, RUN_FOR.plusSeconds(30));
    List<Schedule> schedules = ScheduleConfigLoader.example();
    assertThat(schedules).isNotEmpty();
    for (Schedule s : schedules) {
      String line = run.line("  " + s.name() + " ");
      assertThat(PREVIEW_TIME.matcher(line).results().count()).as(line).isEqualTo(3);
      assertThat(line).contains(s.trigger().text() + ", " + s.zone());
    }
    assertThat(PREVIEW_TIME.matcher(run.line("  priority_batches.level_5 ")).results()
        .map(m -> m.group(1))).containsExactly("00:30:00", "00:30:00", "00:30:00");
    assertThat(run.line("  market_tasks.post_market_update ")).contains("trading days")
        .doesNotContain(" Sat ").doesNotContain(" Sun ");

    long warmId;
    long keys;
    try (FileWatchlistStore lists = FileWatchlistStore.builder()
            .directory(work.resolve("data")).build();
        FileJobStore jobs = FileJobStore.builder().directory(work.resolve("data")).build()) {
      List<Watchlist> priority5 = lists.activeAutoBatch().stream()
          .filter(w -> w.priority() == 5).toList();
      assertThat(priority5).hasSize(1);
      Watchlist w = priority5.get(0);
      keys = (long) w.stocks().size() * w.dataTypes().size();
      JobRecord warm = single(jobs, WarmJobs.WATCHLIST_WARM);
      assertThat(warm.status()).isEqualTo(JobStatus.SUCCESS);
      assertThat(warm.watchlistId()).contains(w.id());
      assertThat(warm.priority()).isEqualTo(5);
      assertThat(warm.processedCount()).isEqualTo(keys);
      assertThat(warm.successCount()).isEqualTo(keys);
      assertThat(warm.failedCount()).isZero();
      assertThat(warm.resultSummary()).contains("\"" + JobResult.FETCHED + "\":" + keys);
      assertThat(single(jobs, WarmJobs.CACHE_CLEAN).status()).isEqualTo(JobStatus.SUCCESS);
      warmId = warm.id();
    }

    String warmed = "nightly fired priority_batches.level_5 (slot ";
    String cleaned = "nightly fired maintenance_tasks.cache_cleanup (slot ";
    assertThat(run.out())
        .contains("nightly running for " + RUN_FOR)
        .containsPattern(Pattern.quote(warmed) + ".*\\): warming 1 watchlist\\(s\\) of priority 5")
        .containsPattern(Pattern.quote(warmed) + ".*\\): job " + warmId + " watchlist_warm "
            + JobStatus.SUCCESS + ", processed " + keys + ", failed 0")
        .containsPattern(Pattern.quote(cleaned) + ".*\\): job \\d+ cache_clean "
            + JobStatus.SUCCESS)
        .contains("nightly stopping: --for " + RUN_FOR + " is up")
        .containsPattern("priority_batches\\.level_5 +fired 1, claimed elsewhere 0, skipped 0, "
            + "failed 0")
        .containsPattern("maintenance_tasks\\.cache_cleanup +fired 1,");
    // in turn: the clean fires once the warm has ended
    assertThat(run.out().indexOf(cleaned)).isGreaterThan(run.out().indexOf("job " + warmId + " "));
    assertThat(work.resolve("reports")).doesNotExist(); // performance_report did not fire
  }

  @Test
  void shouldIndexWhatTheWarmChangedAndReportItsRunOnTheMaintenanceSchedules(@TempDir Path work)
      throws IOException {
    Run run = run(work.toString(), "1", "--schedules", "--fire-now=priority_batches.level_5,"
        + "maintenance_tasks.rag_optimization,maintenance_tasks.performance_report", "--for=PT8S");

    assertThat(run.status()).isZero();
    List<String> warmed;
    try (FileWatchlistStore lists = FileWatchlistStore.builder()
            .directory(work.resolve("data")).build()) {
      Watchlist w = lists.activeAutoBatch().stream().filter(l -> l.priority() == 5).findFirst()
          .orElseThrow();
      warmed = NightlyFlow.keysOf(List.of(w)).stream()
          .map(k -> k.stockCode() + "_" + k.dataType() + ".json").toList();
    }
    try (Stream<Path> ledger = Files.list(work.resolve("data").resolve("rag-versions"))) {
      assertThat(ledger.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")))
          .containsExactlyInAnyOrderElementsOf(warmed);
    }
    try (Stream<Path> reports = Files.list(work.resolve("reports"))) {
      assertThat(reports.map(p -> p.getFileName().toString()))
          .hasSize(3).allMatch(n -> n.startsWith("watchlist_warm-1-"));
    }
    assertThat(run.out())
        .contains(warmed.size() + " records changed (from the change feed), 0 stored but not yet"
            + " indexed")
        .contains(warmed.size() + " synced, 0 unchanged (skipped), 0 failed")
        .contains("(consistent)")
        .containsPattern("report of watchlist_warm job 1: .*watchlist_warm-1-.*\\.md")
        // the warm, the only finished job, rolled up into the day's metrics
        .containsPattern("performance_report .*: job metrics of [0-9-]+: .*job_count=1\\b.*")
        .containsPattern("performance_report .*: job metrics of [0-9-]+: .*success_rate=1\\b.*");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--for=soon           | --for=soon: not an ISO-8601 duration",
      "--for=PT0S           | --for=PT0S: must be longer than zero",
      "--fire-now=priority_batches.level_9 | --fire-now=priority_batches.level_9: no schedule "
          + "is named priority_batches.level_9",
      "--config=missing.yaml | --config=missing.yaml: cannot be read",
      "--fire-nwo=x         | unknown option --fire-nwo",
  })
  void shouldRefuseABadOptionBeforeWritingAnything(String option, String error,
      @TempDir Path tmp) {
    Path work = tmp.resolve("work");

    Run run = run(work.toString(), "1", "--schedules", option);

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).startsWith("NightlyJobMain: " + error).contains("usage:");
    assertThat(run.out()).isEmpty();
    assertThat(work).doesNotExist();
  }

  @Test
  void shouldRefuseScheduleOptionsWithoutTheScheduleModeAndABadLatency(@TempDir Path tmp) {
    Path work = tmp.resolve("work");

    Run forAlone = run(work.toString(), "--for=PT1M");
    Run latency = run(work.toString(), "fast");

    assertThat(forAlone.status()).isEqualTo(2);
    assertThat(forAlone.err()).startsWith("NightlyJobMain: --for=PT1M: applies only with "
        + "--schedules");
    assertThat(latency.status()).isEqualTo(2);
    assertThat(latency.err()).startsWith("NightlyJobMain: latencyMs fast: must be a whole number");
    assertThat(work).doesNotExist();
  }

  private static JobRecord single(FileJobStore jobs, String type) {
    List<JobRecord> records = jobs.recent(Optional.of(type), 10);
    assertThat(records).as(type).hasSize(1);
    return records.get(0);
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = NightlyJobMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Run run = new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
    System.out.print(run.out());
    System.err.print(run.err());
    return run;
  }

  private record Run(int status, String out, String err) {
    /** The one line of the schedule previews, printed on start, that starts with {@code prefix}. */
    String line(String prefix) {
      int from = out.indexOf("== schedules: the next 3 fires of each");
      int to = out.indexOf("nightly running ");
      assertThat(from).isNotNegative().isLessThan(to);
      List<String> lines;
      try (Stream<String> all = out.substring(from, to).lines()) {
        lines = all.filter(l -> l.startsWith(prefix)).toList();
      }
      assertThat(lines).as("lines starting with '%s'", prefix).hasSize(1);
      return lines.get(0);
    }
  }
}
