package io.prism.batch.core.engine;

import static io.prism.batch.core.engine.TestProcessors.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.TestProcessors.Recording;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalResumeTest {
  @TempDir Path dir;

  @Test
  void shouldNotRunEndedTasksAgainWhenTheSameBatchIdIsStartedAgain() {
    Recording first = new Recording("j", t -> "");
    try (BatchEngine e = BatchEngine.builder().batchId("b1").journal(dir).processor(first).build()) {
      assertThat(e.run(tasks("j", 300)).count(TaskState.SUCCEEDED)).isEqualTo(300);
    }
    Recording second = new Recording("j", t -> "");
    try (BatchEngine e = BatchEngine.builder().batchId("b1").journal(dir).processor(second).build()) {
      BatchResult r = e.run(tasks("j", 300));
      assertThat(r.resumed()).isTrue();
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(300);
      assertThat(r.total()).isEqualTo(300);
    }
    assertThat(second.order).isEmpty();
  }

  @Test
  void shouldReportATruncatedJournalTailAndRunWhatWasLost() throws IOException {
    Recording first = new Recording("j", t -> "");
    try (BatchEngine e = BatchEngine.builder().batchId("b2").journal(dir).processor(first)
        .snapshotEvery(1_000_000, java.time.Duration.ofDays(1)).build()) {
      e.run(tasks("j", 200));
    }
    Path segment = newestJournalSegment(dir.resolve("b2"));
    long size = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(size - 7); // tear the last record
    }
    List<BatchEvent> events = new CopyOnWriteArrayList<>();
    Recording second = new Recording("j", t -> "");
    try (BatchEngine e = BatchEngine.builder().batchId("b2").journal(dir).processor(second)
        .listener(events::add).build()) {
      BatchResult r = e.run(tasks("j", 200));
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(200);
    }
    assertThat(events).filteredOn(ev -> ev instanceof BatchEvent.Status s
        && s.message().contains("journal tail damaged")).hasSize(1);
    // the torn record was a completion at most: that task (and no other) ran again
    assertThat(second.order).hasSizeLessThanOrEqualTo(1);
  }

  private static Path newestJournalSegment(Path batchDir) throws IOException {
    try (Stream<Path> s = Files.list(batchDir)) {
      return s.filter(p -> p.getFileName().toString().contains("journal")
              || p.getFileName().toString().endsWith(".log") || p.getFileName().toString().startsWith("segment"))
          .filter(p -> {
            try {
              return Files.size(p) > 0;
            } catch (IOException e) {
              return false;
            }
          })
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .orElseThrow(() -> new AssertionError("no journal segment in " + batchDir));
    }
  }
}
