package io.prism.batch.akshare.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class AkCallTest {

  @Test
  void shouldPercentEncodeUtf8AndKeepUnreservedCharacters() {
    AkCall call = AkCall.of("stock_lhb_stock_detail_em", "symbol", "600077", "flag", "买入",
        "keyword", "a b+c~");

    assertThat(call.query())
        .isEqualTo("symbol=600077&flag=%E4%B9%B0%E5%85%A5&keyword=a%20b%2Bc~");
    assertThat(call).hasToString(
        "stock_lhb_stock_detail_em(symbol=\"600077\", flag=\"买入\", keyword=\"a b+c~\")");
  }

  @Test
  void shouldRejectWhatAkToolsCannotPass() {
    assertThatThrownBy(() -> AkCall.of("stock_zh_a_hist", "symbol", "a&b"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("symbol");
    assertThatThrownBy(() -> AkCall.of("stock_zh_a_hist", "timeout", "5"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> AkCall.of("stock/../x"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("function");
  }

  @Test
  void shouldFindTheQuarterEndOnOrBeforeADate() {
    assertThat(ShareholdersMapping.quarterEndOnOrBefore(LocalDate.of(2025, 5, 3)))
        .isEqualTo(LocalDate.of(2025, 3, 31));
    assertThat(ShareholdersMapping.quarterEndOnOrBefore(LocalDate.of(2025, 3, 31)))
        .isEqualTo(LocalDate.of(2025, 3, 31));
    assertThat(ShareholdersMapping.quarterEndOnOrBefore(LocalDate.of(2025, 2, 10)))
        .isEqualTo(LocalDate.of(2024, 12, 31));
    assertThat(ShareholdersMapping.quarterEndOnOrBefore(LocalDate.of(2025, 12, 30)))
        .isEqualTo(LocalDate.of(2025, 9, 30));
  }
}
