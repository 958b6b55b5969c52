package io.prism.batch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Runs the {@link CacheTierContract} on {@link CaffeineCacheTier} with a settable ticker. */
class CaffeineCacheTierTest extends CacheTierContract {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = nanos::get;

  @Override
  protected CacheTier createTier() {
    return CaffeineCacheTier.builder().ticker(ticker).build();
  }

  @Override
  protected Duration shortTtl() {
    return Duration.ofMinutes(30);
  }

  @Override
  protected void passTime(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  @Override
  protected Duration expiryDeadline() {
    return Duration.ZERO;
  }

  @Test
  void shouldBeNamedCaffeine() {
    assertThat(tier.name()).isEqualTo("caffeine");
  }

  @Test
  void shouldKeepARecordUntilJustBeforeItsTtl() {
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    tier.putAll(List.of(r), k -> Duration.ofHours(6));

    passTime(Duration.ofHours(6).minusNanos(1));
    assertThat(tier.get(r.key())).contains(r);

    passTime(Duration.ofNanos(1));
    assertThat(tier.get(r.key())).isEmpty();
  }

  @Test
  void shouldNotExtendTheTtlOnRead() {
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    tier.putAll(List.of(r), k -> Duration.ofMinutes(10));

    passTime(Duration.ofMinutes(9));
    assertThat(tier.get(r.key())).contains(r);
    passTime(Duration.ofMinutes(2));

    assertThat(tier.get(r.key())).isEmpty();
  }

  @Test
  void shouldAcceptTtlsBeyondCaffeinesLongestExpiry() {
    DataRecord r = record("600519", DataType.COMPANY_PROFILE, "{\"v\":1}");

    tier.putAll(List.of(r), k -> Duration.ofSeconds(Long.MAX_VALUE));
    passTime(Duration.ofDays(365 * 100));

    assertThat(tier.get(r.key())).contains(r);
  }

  @Test
  void shouldReturnTheSameOptionalOnEveryHitWithoutAllocating() {
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    tier.putAll(List.of(r), oneHour());

    Optional<DataRecord> first = tier.get(r.key());
    Optional<DataRecord> second = tier.get(new DataKey("600519", DataType.FINANCIAL));

    assertThat(second).isSameAs(first);
  }

  @Test
  void shouldEvictBeyondTheMaximumSize() {
    CaffeineCacheTier small = CaffeineCacheTier.builder().maximumSize(10).ticker(ticker).build();
    List<DataRecord> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      records.add(record(String.format("%06d", i), DataType.FINANCIAL, "{\"i\":" + i + "}"));
    }

    small.putAll(records, oneHour());
    small.cleanUp();

    assertThat(small.estimatedSize()).isLessThanOrEqualTo(10);
    assertThat(small.getAll(records.stream().map(DataRecord::key).toList()).size())
        .isLessThanOrEqualTo(10);
    assertThat(small.droppedWrites()).isZero();
  }

  @Test
  void shouldDefaultToOneHundredThousandRecords() {
    assertThat(CaffeineCacheTier.create().maximumSize()).isEqualTo(100_000);
  }

  @Test
  void shouldRejectAMaximumSizeBelowOne() {
    assertThatThrownBy(() -> CaffeineCacheTier.builder().maximumSize(0))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maximumSize"));
  }

  @Test
  void shouldRejectAMissingTicker() {
    assertThatThrownBy(() -> CaffeineCacheTier.builder().ticker(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ticker"));
  }

  @Test
  void shouldRejectATtlFunctionThatReturnsNullBeforeWritingAnything() {
    DataRecord a = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    DataRecord b = record("000858", DataType.FINANCIAL, "{\"v\":2}");

    assertThatThrownBy(
            () -> tier.putAll(List.of(a, b), k -> k.equals(b.key()) ? null : Duration.ofHours(1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("000858:financial");
    assertThat(tier.get(a.key())).isEmpty();
  }

  @Test
  void shouldEmptyTheCacheOnClose() {
    CaffeineCacheTier own = CaffeineCacheTier.builder().ticker(ticker).build();
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    own.putAll(List.of(r), oneHour());

    own.close();

    assertThat(own.get(r.key())).isEmpty();
    assertThat(own.estimatedSize()).isZero();
  }
}
