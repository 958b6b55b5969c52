package io.prism.batch.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {

  @Test
  void shouldParseNestedValues() {
    Object value =
        MiniJson.parse(
            " {\"a\": [1, -2.5e1, true, false, null], \"b\": {\"c\": \"\\u4e2d\\n"
                + "\\\"x\\\"\"}, \"d\": {}} ");

    assertThat(value).isInstanceOf(Map.class);
    Map<?, ?> map = (Map<?, ?>) value;
    assertThat((List<?>) map.get("a")).isEqualTo(List.of(1L, -25.0, true, false, MiniJson.NULL));
    assertThat(((Map<?, ?>) map.get("b")).get("c")).isEqualTo("中\n\"x\"");
    assertThat((Map<?, ?>) map.get("d")).isEmpty();
  }

  @Test
  void shouldDecodeSurrogatePairs() {
    assertThat(MiniJson.parse("\"\\ud83d\\udcc8 up\"")).isEqualTo("📈 up");
  }

  @Test
  void shouldRejectTrailingText() {
    assertThatThrownBy(() -> MiniJson.parse("{} x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 3");
  }

  @Test
  void shouldRejectUnterminatedString() {
    assertThatThrownBy(() -> MiniJson.parse("[\"abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated");
  }
}
