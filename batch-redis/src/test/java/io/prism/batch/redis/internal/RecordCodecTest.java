package io.prism.batch.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Checks the binary form of records in Redis. */
class RecordCodecTest {
  private static final DataKey KEY = new DataKey("600519", DataType.FINANCIAL);

  @Test
  void shouldRoundTripEveryField() {
    DataRecord r = new DataRecord(KEY, "{\"名称\":\"贵州茅台\",\"e\":\"😀\"}", "ab".repeat(32),
        Instant.parse("1970-01-01T00:00:00.999999999Z").minusSeconds(86_400), "东方财富", true);

    assertThat(RecordCodec.decode(KEY, RecordCodec.encode(r))).contains(r);
  }

  @Test
  void shouldRoundTripLongHashesAndSources() {
    DataRecord r = new DataRecord(KEY, "{}", "h".repeat(300), Instant.EPOCH, "s".repeat(20_000),
        false);

    assertThat(RecordCodec.decode(KEY, RecordCodec.encode(r))).contains(r);
  }

  @Test
  void shouldAddSixteenBytesToPayloadHashAndSource() {
    DataRecord r = new DataRecord(KEY, "{\"roe\":31.2}", "ab".repeat(32), Instant.now(), "akshare",
        false);

    assertThat(RecordCodec.encode(r))
        .hasSize(16 + "{\"roe\":31.2}".length() + 64 + "akshare".length());
  }

  @Test
  void shouldDecodeForeignOrDamagedBytesAsNothing() {
    byte[] good = RecordCodec.encode(
        new DataRecord(KEY, "{\"v\":1}", "abc", Instant.EPOCH, "akshare", false));

    assertThat(RecordCodec.decode(KEY, "{\"v\":1}".getBytes(UTF_8))).isEmpty();
    assertThat(RecordCodec.decode(KEY, new byte[0])).isEmpty();
    assertThat(RecordCodec.decode(KEY, Arrays.copyOf(good, 17))).isEmpty();
    byte[] badLength = good.clone();
    badLength[14] = (byte) 0x7F;
    assertThat(RecordCodec.decode(KEY, badLength)).isEmpty();
    byte[] badNanos = good.clone();
    badNanos[10] = (byte) 0xFF;
    assertThat(RecordCodec.decode(KEY, badNanos)).isEmpty();
  }
}
