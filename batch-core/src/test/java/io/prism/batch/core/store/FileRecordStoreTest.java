package io.prism.batch.core.store;

import static io.prism.batch.core.store.StoreAssertions.assertSameRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.BatchException;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.JournalCorruptedException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.RecordStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRecordStoreTest extends RecordStoreContract {
  @TempDir Path dir;

  @Override
  protected RecordStore newStore() {
    return FileRecordStore.builder().directory(dir).build();
  }

  @Nested
  class InMemory extends RecordStoreContract {
    @Override
    protected RecordStore newStore() {
      return FileRecordStore.inMemory();
    }
  }

  @Test
  void shouldReadBackWhatItWroteAfterAReopen() {
    DataRecord a = record("600519", DataType.FINANCIAL, "h1", T0);
    DataRecord b = record("600519", DataType.SHAREHOLDERS, "h2", T0);
    DataRecord c = record("000001", DataType.FINANCIAL, "h3", T0);
    store.upsertAll(List.of(a, b, c));
    store.deleteAll(List.of(c.key()));
    store.close();

    store = newStore();

    assertThat(store.keys()).containsExactly(a.key(), b.key());
    assertSameRecord(store.get(a.key()).orElseThrow(), a);
    assertThat(store.upsertAll(List.of(a, b))).as("hashes survive the reopen").isEmpty();
  }

  @Test
  void shouldKeepOneFilePerStockAndNoTemporaryFiles() throws IOException {
    store.upsertAll(List.of(record("600519", DataType.FINANCIAL, "h1", T0),
        record("600519", DataType.SHAREHOLDERS, "h2", T0),
        record("000001", DataType.FINANCIAL, "h3", T0)));
    store.deleteAll(List.of(new DataKey("000001", DataType.FINANCIAL)));

    assertThat(names(dir.resolve(FileRecordStore.SUBDIRECTORY)))
        .containsExactlyInAnyOrder(".lock", "600519.json");
  }

  @Test
  void shouldRemoveATemporaryFileLeftByACrash() throws IOException {
    store.upsertAll(List.of(record("600519", DataType.FINANCIAL, "h1", T0)));
    store.close();
    Path records = dir.resolve(FileRecordStore.SUBDIRECTORY);
    Files.writeString(records.resolve(".600519.json.1234.tmp"), "{\"format\":1,\"stockC");

    store = newStore();

    assertThat(names(records)).containsExactlyInAnyOrder(".lock", "600519.json");
    assertThat(store.keys()).containsExactly(new DataKey("600519", DataType.FINANCIAL));
  }

  @Test
  void shouldRefuseASecondStoreOnTheSameDirectory() {
    assertThatThrownBy(() -> FileRecordStore.builder().directory(dir).build())
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("already open");
  }

  @Test
  void shouldNameADamagedFile() throws IOException {
    store.close();
    Path file = dir.resolve(FileRecordStore.SUBDIRECTORY).resolve("600519.json");
    Files.write(file, "{\"format\":1,\"stockCode\":\"600519\",\"rec".getBytes(
        StandardCharsets.UTF_8));

    assertThatThrownBy(this::newStore)
        .isInstanceOf(JournalCorruptedException.class)
        .hasMessageContaining("600519.json");
    store = FileRecordStore.inMemory();
  }

  @Test
  void shouldRefuseCallsAfterClose() {
    store.close();

    assertThatThrownBy(() -> store.keys()).isInstanceOf(BatchException.class);
    store.close();
  }

  @Test
  void shouldRequireADirectory() {
    assertThatThrownBy(() -> FileRecordStore.builder().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("directory");
  }

  static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
