package io.prism.batch.chroma.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CollectionNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"abc", "a-b", "stock_quotes.v2", "Quote-600519_2024.01", "1.2.3", "999.1.1.1"})
  void shouldAcceptNamesChromaAccepts(String name) {
    assertThat(CollectionNames.check(name)).isEqualTo(name);
  }

  @Test
  void shouldAcceptTheLongestName() {
    String name = "a".repeat(512);

    assertThat(CollectionNames.check(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "ab", "_abc", "abc_", "-abc", "abc.", "has space", "中文名", "a/b/c", "ab..cd"})
  void shouldRejectNamesChromaRejects(String name) {
    assertThatThrownBy(() -> CollectionNames.check(name))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("collection: ")
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("collection"));
  }

  @Test
  void shouldRejectTooLongNamesNullAndIpAddresses() {
    assertThatThrownBy(() -> CollectionNames.check("a".repeat(513)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CollectionNames.check(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CollectionNames.check("192.168.1.1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("IPv4");
  }
}
