package io.prism.batch.core.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataType;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContentHasherTest {
  private static final DataKey KEY = new DataKey("600519", DataType.FINANCIAL);
  private static final String PAYLOAD = "{\"stockCode\":\"600519\",\"fetchedAt\":\"2025-05-23T08:00:00Z\","
      + "\"rows\":[{\"指标\":\"净利润\",\"20250331\":23847017738.53,\"更新时间\":\"2025-05-23 16:00\"}]}";
  private final ContentHasher hasher = ContentHasher.defaults();

  private String version(String payload, String model, String chunker, String text) {
    return hasher.versionHash(KEY, payload, model, chunker, text);
  }

  @Test
  void shouldIgnoreVolatileFieldsAtAnyDepth() {
    String later = PAYLOAD.replace("2025-05-23T08:00:00Z", "2025-05-24T09:30:00Z")
        .replace("2025-05-23 16:00", "2025-05-24 16:00");

    assertThat(hasher.recordHash(later)).isEqualTo(hasher.recordHash(PAYLOAD));
    assertThat(hasher.canonical(PAYLOAD)).doesNotContain("fetchedAt").doesNotContain("更新时间");
  }

  @Test
  void shouldIgnoreKeyOrderWhitespaceAndNumberSpelling() {
    String reordered = "{ \"rows\" : [ { \"20250331\" : 23847017738.530, \"指标\" : \"净利润\" } ],"
        + " \"stockCode\" : \"600519\" }";

    assertThat(hasher.recordHash(reordered)).isEqualTo(hasher.recordHash(PAYLOAD));
    assertThat(hasher.recordHash("{\"a\":5000.0}")).isEqualTo(hasher.recordHash("{\"a\":5000}"));
  }

  @Test
  void shouldChangeWhenAValueChanges() {
    String changed = PAYLOAD.replace("23847017738.53", "23847017738.54");

    assertThat(hasher.recordHash(changed)).isNotEqualTo(hasher.recordHash(PAYLOAD));
    assertThat(hasher.recordHash("[1,2]")).isNotEqualTo(hasher.recordHash("[2,1]"));
  }

  @Test
  void shouldChangeTheVersionHashWithTheModelOrTheChunkerAndNothingElse() {
    String base = version(PAYLOAD, "bge-small", "chunker-a", "text");

    assertThat(version(PAYLOAD, "bge-large", "chunker-a", "text")).isNotEqualTo(base);
    assertThat(version(PAYLOAD, "bge-small", "chunker-b", "text")).isNotEqualTo(base);
    assertThat(version(PAYLOAD.replace("2025-05-23T08:00:00Z", "2026-01-01T00:00:00Z"),
        "bge-small", "chunker-a", "text")).isEqualTo(base);
    assertThat(version(PAYLOAD, "bge-small", "chunker-a", "text")).isEqualTo(base);
    assertThat(hasher.versionHash(new DataKey("000001", DataType.FINANCIAL), PAYLOAD,
        "bge-small", "chunker-a", "text")).isNotEqualTo(base);
  }

  @Test
  void shouldUseTheConfiguredVolatileFields() {
    ContentHasher custom = ContentHasher.builder().volatileFields(Set.of("snapshot")).build();
    String a = "{\"v\":1,\"snapshot\":\"t1\",\"fetchedAt\":\"x\"}";
    String b = "{\"v\":1,\"snapshot\":\"t2\",\"fetchedAt\":\"y\"}";

    assertThat(custom.recordHash(a)).isEqualTo(custom.recordHash(b.replace("\"y\"", "\"x\"")));
    assertThat(custom.recordHash(a)).isNotEqualTo(custom.recordHash(b));
    assertThat(ContentHasher.builder().addVolatileField("snapshot").build().recordHash(a))
        .isEqualTo(ContentHasher.builder().addVolatileField("snapshot").build().recordHash(b));
  }

  @Test
  void shouldRejectAPayloadThatIsNotJson() {
    assertThatThrownBy(() -> hasher.recordHash("{oops"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("payload");
  }

  @Test
  void shouldBeSha256Hex() {
    assertThat(hasher.recordHash(PAYLOAD)).matches("[0-9a-f]{64}");
  }
}
