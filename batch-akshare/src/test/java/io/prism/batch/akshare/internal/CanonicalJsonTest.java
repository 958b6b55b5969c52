package io.prism.batch.akshare.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void shouldIgnoreTheFetchTimeMemberOrderAndNumberSpelling() throws Exception {
    JsonNode a = read("{\"stockCode\":\"600519\",\"fetchedAt\":\"2025-05-23T08:00:00Z\","
        + "\"rows\":[{\"日期\":\"2025-05-23\",\"成交额\":5000.0,\"涨跌幅\":-0.50}]}");
    JsonNode b = read("{\"rows\":[{\"涨跌幅\":-0.5,\"成交额\":5000,\"日期\":\"2025-05-23\"}],"
        + "\"fetchedAt\":\"2025-06-01T00:00:00Z\",\"stockCode\":\"600519\"}");

    assertThat(CanonicalJson.contentHash(a)).isEqualTo(CanonicalJson.contentHash(b));
    assertThat(CanonicalJson.canonical(a))
        .isEqualTo("{\"rows\":[{\"成交额\":5000,\"日期\":\"2025-05-23\",\"涨跌幅\":-0.5}],"
            + "\"stockCode\":\"600519\"}");
  }

  @Test
  void shouldChangeTheHashWhenContentChanges() throws Exception {
    JsonNode a = read("{\"stockCode\":\"600519\",\"rows\":[{\"收盘\":1572.6}]}");
    JsonNode b = read("{\"stockCode\":\"600519\",\"rows\":[{\"收盘\":1572.7}]}");
    JsonNode c = read("{\"stockCode\":\"600519\",\"rows\":[{\"收盘\":null}]}");

    assertThat(CanonicalJson.contentHash(a)).isNotEqualTo(CanonicalJson.contentHash(b))
        .isNotEqualTo(CanonicalJson.contentHash(c)).matches("[0-9a-f]{64}");
  }

  @Test
  void shouldOnlyDropVolatileMembersAtTheTop() throws Exception {
    JsonNode nested = read("{\"rows\":[{\"fetchedAt\":\"x\"}]}");

    assertThat(CanonicalJson.canonical(nested)).isEqualTo("{\"rows\":[{\"fetchedAt\":\"x\"}]}");
  }

  private static JsonNode read(String json) throws Exception {
    return CanonicalJson.MAPPER.readTree(json);
  }
}
