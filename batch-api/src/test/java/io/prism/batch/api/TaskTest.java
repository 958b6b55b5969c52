package io.prism.batch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.Exchange;
import io.prism.batch.api.data.StockCode;
import org.junit.jupiter.api.Test;

class TaskTest {

  @Test
  void shouldDefaultIdDedupeKeyPriorityAndPayload() {
    Task t = Task.builder("warm").build();
    assertThat(t.id()).isNotEmpty();
    assertThat(t.dedupeKey()).isEqualTo(t.id());
    assertThat(t.priority()).isEqualTo(Task.DEFAULT_PRIORITY);
    assertThat(t.payload()).isEqualTo("{}");
    assertThat(t.attempts()).isZero();
  }

  @Test
  void shouldNameTheFieldValueAndReasonOfABadTask() {
    assertThatThrownBy(() -> Task.builder("warm").priority(6).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("priority: 6 is invalid: must be between 1 and 5");
    assertThatThrownBy(() -> Task.builder("warm").priority(0).build())
        .hasMessageContaining("priority: 0");
    assertThatThrownBy(() -> Task.builder("bad type!").build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("type: \"bad type!\" is invalid");
    assertThatThrownBy(() -> Task.builder("warm").payload(" ").build())
        .hasMessageContaining("payload");
    assertThatThrownBy(() -> Task.builder("warm").id("x".repeat(300)).build())
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> {
          InvalidInputException ie = (InvalidInputException) e;
          assertThat(ie.field()).isEqualTo("id");
          assertThat(ie.value()).contains("302 chars");
          assertThat(ie.reason()).contains("at most 200");
        });
  }

  @Test
  void shouldParseStockCodesWithOrWithoutTheirExchange() {
    assertThat(StockCode.parse("600519")).isEqualTo(new StockCode("600519", Exchange.SH));
    assertThat(StockCode.parse("sz000001").exchange()).isEqualTo(Exchange.SZ);
    assertThat(StockCode.parse("688469.SH").exchange()).isEqualTo(Exchange.SH);
    assertThat(StockCode.parse("300059").exchange()).isEqualTo(Exchange.SZ);
    assertThat(StockCode.parse("830799").exchange()).isEqualTo(Exchange.BJ);
    assertThatThrownBy(() -> StockCode.parse("600519.SZ"))
        .hasMessageContaining("stockCode").hasMessageContaining("listed on SH");
    assertThatThrownBy(() -> StockCode.parse("60051X")).hasMessageContaining("6 digits");
    assertThatThrownBy(() -> new DataKey("600519", "Bad-Type")).hasMessageContaining("dataType");
  }
}
