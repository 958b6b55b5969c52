package io.prism.batch.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  Path dir;

  @Test
  void shouldReplaceAFileAndLeaveNoTemporaryFile() throws IOException {
    // Given a file with old content
    Path target = dir.resolve("state.json");
    Files.writeString(target, "old");

    // When it is replaced
    AtomicFiles.replace(target, "new".getBytes(StandardCharsets.UTF_8));

    // Then it has the new content and is the only file
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(names()).containsExactly("state.json");
  }

  @Test
  void shouldLeaveNothingBehindWhenTheTargetCannotBeReplaced() throws IOException {
    // Given a target that is a non-empty directory
    Path target = dir.resolve("busy");
    Files.createDirectories(target.resolve("child"));

    // When replacing it fails, then no temporary file is left
    assertThatThrownBy(() -> AtomicFiles.replace(target, new byte[] {1}))
        .isInstanceOf(IOException.class);
    assertThat(names()).containsExactly("busy");
  }

  @Test
  void shouldRemoveOnlyTemporaryFiles() throws IOException {
    Files.writeString(dir.resolve("600519.json"), "{}");
    Files.writeString(dir.resolve(".600519.json.1234.tmp"), "{\"half");
    Files.writeString(AtomicFiles.temporaryFor(dir.resolve("usage.json")), "{");

    AtomicFiles.removeTemporaryFiles(dir);

    assertThat(names()).containsExactly("600519.json");
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
