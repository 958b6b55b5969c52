package io.prism.batch.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.core.internal.CanonicalJson.Scope;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  private static final String PAYLOAD = "{\"名称\":\"茅台\",\"fetchedAt\":\"2025-05-23T08:00:00Z\","
      + "\"b\":[1.50,2.0e3,{\"z\":-0.0,\"fetchedAt\":1}],\"a\":\"x\"}";

  @Test
  void shouldKeepTheSourceContentHashThatBatchAkshareComputes() {
    // Given a payload with a volatile member at the top and below it
    JsonNode payload = CanonicalJson.parse("payload", PAYLOAD);

    // When it is hashed as a source record
    String hash = CanonicalJson.contentHash(payload);

    // Then only the top-level fetchedAt is dropped, and the hash is the pinned one
    assertThat(CanonicalJson.canonical(payload, CanonicalJson.RECORD_VOLATILE_FIELDS,
        Scope.TOP_LEVEL)).isEqualTo("{\"a\":\"x\",\"b\":[1.5,2000,{\"fetchedAt\":1,\"z\":0}],"
            + "\"名称\":\"茅台\"}");
    assertThat(hash)
        .isEqualTo("e03d1ceabea757c701434b31ac7cfb3649495b8f57b87b3af7327dcd9897f0bd");
  }

  @Test
  void shouldDropMembersAtEveryLevelWhenAsked() {
    JsonNode payload = CanonicalJson.parse("payload", PAYLOAD);

    String canonical = CanonicalJson.canonical(payload, Set.of("fetchedAt"), Scope.EVERY_LEVEL);

    assertThat(canonical).isEqualTo("{\"a\":\"x\",\"b\":[1.5,2000,{\"z\":0}],\"名称\":\"茅台\"}");
  }

  @Test
  void shouldHashTheSameBytesAsTheCanonicalText() {
    JsonNode payload = CanonicalJson.parse("payload", PAYLOAD);

    String fromText = CanonicalJson.sha256(
        CanonicalJson.canonical(payload, Set.of(), Scope.TOP_LEVEL));
    String fromBytes = CanonicalJson.sha256(
        CanonicalJson.canonicalBytes(payload, Set.of(), Scope.TOP_LEVEL));

    assertThat(fromBytes).isEqualTo(fromText).matches("[0-9a-f]{64}");
  }

  @Test
  void shouldRejectTextThatIsNotOneJsonDocument() {
    assertThatThrownBy(() -> CanonicalJson.parse("payload", "{\"a\":1} {\"b\":2}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("payload");
    assertThatThrownBy(() -> CanonicalJson.parse("payload", " "))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("payload");
  }
}
