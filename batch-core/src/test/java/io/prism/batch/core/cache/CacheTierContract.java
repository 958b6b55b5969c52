package io.prism.batch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.data.CacheTier;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CacheTier} must show, run against each implementation's real
 * backend: the embedded Caffeine tier in batch-core, Redis in batch-redis.
 *
 * <p>Subclasses create a fresh, empty tier per test and say how time passes: a tier on a
 * controllable clock advances it; a tier on real time passes a short real time to live and lets
 * {@link #passTime} do nothing, since expiry is polled for with a deadline. An adapter module
 * depends on batch-core's test-jar and subclasses it against its real backend:
 *
 * <pre>{@code
 * class RedisCacheTierIT extends CacheTierContract {
 *   protected CacheTier createTier() {
 *     return RedisCacheTier.builder().keyPrefix(uniquePrefix).build();
 *   }
 *   protected Duration shortTtl() {
 *     return Duration.ofMillis(1_500);
 *   }
 *   protected void passTime(Duration d) {}
 * }
 * }</pre>
 */
public abstract class CacheTierContract {

  /** A fetch time with nanoseconds, to check that the instant survives a round trip whole. */
  protected static final Instant FETCHED_AT = Instant.parse("2025-03-14T07:30:12.123456789Z");

  /** The tier under test, created before each test and closed after it. */
  protected CacheTier tier;

  /**
   * Creates a new, empty tier for one test.
   *
   * @return the tier
   */
  protected abstract CacheTier createTier();

  /**
   * Returns a time to live short enough to watch a record expire in a test, and long enough that
   * a record written with it can be read back right away.
   *
   * @return the time to live
   */
  protected abstract Duration shortTtl();

  /**
   * Lets time pass for the tier: advances a controllable clock, or does nothing when the tier
   * runs on real time.
   *
   * @param duration how much time
   */
  protected abstract void passTime(Duration duration);

  /**
   * Returns how long to poll for an expired record to disappear.
   *
   * @return the deadline
   */
  protected Duration expiryDeadline() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  void createTierUnderTest() {
    tier = createTier();
  }

  @AfterEach
  void closeTierUnderTest() {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void shouldHaveAName() {
    assertThat(tier.name()).matches("[a-z][a-z0-9_-]*");
  }

  @Test
  void shouldMissWhenNothingWasPut() {
    assertThat(tier.get(new DataKey("600519", DataType.FINANCIAL))).isEmpty();
    assertThat(tier.getAll(List.of(new DataKey("600519", DataType.FINANCIAL)))).isEmpty();
  }

  @Test
  void shouldReturnTheRecordThatWasPut() {
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"roe\":31.2}");

    tier.putAll(List.of(r), oneHour());

    assertThat(tier.get(r.key())).contains(r);
  }

  @Test
  void shouldKeepEveryFieldIncludingNanosecondsAndTheStaleFlag() {
    DataRecord stale =
        new DataRecord(
            new DataKey("000001", DataType.SHAREHOLDERS),
            "{\"holders\":[]}",
            sha256("{\"holders\":[]}"),
            Instant.parse("1999-12-31T23:59:59.000000001Z"),
            "akshare",
            true);
    DataRecord fresh = record("000002", DataType.SHAREHOLDERS, "{\"holders\":[1]}");

    tier.putAll(List.of(stale, fresh), oneHour());

    DataRecord readStale = tier.get(stale.key()).orElseThrow();
    assertThat(readStale).isEqualTo(stale);
    assertThat(readStale.stale()).isTrue();
    assertThat(readStale.fetchedAt().getNano()).isEqualTo(1);
    assertThat(tier.get(fresh.key()).orElseThrow().stale()).isFalse();
  }

  @Test
  void shouldKeepStocksAndDataTypesApart() {
    DataRecord a = record("600519", DataType.FINANCIAL, "{\"v\":\"a\"}");
    DataRecord b = record("600519", DataType.ANNOUNCEMENTS, "{\"v\":\"b\"}");
    DataRecord c = record("000858", DataType.FINANCIAL, "{\"v\":\"c\"}");

    tier.putAll(List.of(a, b, c), oneHour());

    assertThat(tier.get(a.key())).contains(a);
    assertThat(tier.get(b.key())).contains(b);
    assertThat(tier.get(c.key())).contains(c);
    assertThat(tier.get(new DataKey("000858", DataType.ANNOUNCEMENTS))).isEmpty();
  }

  @Test
  void shouldGetAllOnlyTheKeysThatArePresent() {
    DataRecord a = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    DataRecord b = record("000858", DataType.FINANCIAL, "{\"v\":2}");
    DataKey absent = new DataKey("300750", DataType.FINANCIAL);
    tier.putAll(List.of(a, b), oneHour());

    Map<DataKey, DataRecord> found = tier.getAll(List.of(a.key(), absent, b.key()));

    assertThat(found).containsOnly(Map.entry(a.key(), a), Map.entry(b.key(), b));
  }

  @Test
  void shouldAcceptEmptyCollections() {
    tier.putAll(List.of(), oneHour());
    tier.invalidate(List.of());

    assertThat(tier.getAll(List.of())).isEmpty();
    assertThat(tier.droppedWrites()).isZero();
  }

  @Test
  void shouldWarmAndReadBackManyRecordsInOneCall() {
    List<DataRecord> records = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      records.add(
          record(String.format("%06d", 600_000 + i), DataType.DAILY_QUOTES, "{\"i\":" + i + "}"));
    }

    tier.putAll(records, oneHour());

    Map<DataKey, DataRecord> found = tier.getAll(records.stream().map(DataRecord::key).toList());
    assertThat(found).hasSize(records.size());
    for (DataRecord r : records) {
      assertThat(found.get(r.key())).isEqualTo(r);
    }
    assertThat(tier.droppedWrites()).isZero();
  }

  @Test
  void shouldOverwriteARecordWithTheLatestWrite() {
    DataRecord first = record("600519", DataType.FINANCIAL, "{\"roe\":30.0}");
    DataRecord second = record("600519", DataType.FINANCIAL, "{\"roe\":31.5}");

    tier.putAll(List.of(first), oneHour());
    tier.putAll(List.of(second), oneHour());

    assertThat(tier.get(first.key())).contains(second);
  }

  @Test
  void shouldInvalidateOnlyTheGivenKeys() {
    DataRecord a = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    DataRecord b = record("600519", DataType.ANNOUNCEMENTS, "{\"v\":2}");
    DataRecord c = record("000858", DataType.FINANCIAL, "{\"v\":3}");
    tier.putAll(List.of(a, b, c), oneHour());

    tier.invalidate(List.of(a.key(), c.key(), new DataKey("300750", DataType.FINANCIAL)));

    assertThat(tier.get(a.key())).isEmpty();
    assertThat(tier.get(c.key())).isEmpty();
    assertThat(tier.get(b.key())).contains(b);
  }

  @Test
  void shouldExpireEachRecordAfterTheTtlOfItsDataType() {
    DataRecord shortLived = record("600519", DataType.ANNOUNCEMENTS, "{\"n\":1}");
    DataRecord longLived = record("600519", DataType.FINANCIAL, "{\"n\":2}");
    Duration ttl = shortTtl();

    tier.putAll(
        List.of(shortLived, longLived),
        key -> key.dataType().equals(DataType.ANNOUNCEMENTS) ? ttl : Duration.ofHours(1));
    assertThat(tier.get(shortLived.key())).contains(shortLived);

    passTime(ttl.plusMillis(1));

    awaitTrue("the short-lived record to expire", () -> tier.get(shortLived.key()).isEmpty());
    assertThat(tier.getAll(List.of(shortLived.key(), longLived.key())))
        .containsOnly(Map.entry(longLived.key(), longLived));
  }

  @Test
  void shouldApplyTheTtlOfTheLatestWrite() {
    DataRecord first = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    DataRecord second = record("600519", DataType.FINANCIAL, "{\"v\":2}");
    DataKey probe = new DataKey("000001", DataType.FINANCIAL);
    Duration ttl = shortTtl();

    tier.putAll(List.of(first), k -> ttl);
    tier.putAll(List.of(second), oneHour());
    tier.putAll(List.of(record(probe.stockCode(), probe.dataType(), "{\"p\":0}")), k -> ttl);
    passTime(ttl.plusMillis(1));

    awaitTrue("the probe written with the short ttl to expire", () -> tier.get(probe).isEmpty());
    assertThat(tier.get(first.key())).contains(second);
  }

  @Test
  void shouldRemoveTheRecordWhenTheTtlIsNotPositive() {
    DataRecord r = record("600519", DataType.FINANCIAL, "{\"v\":1}");
    tier.putAll(List.of(r), oneHour());

    tier.putAll(List.of(record("600519", DataType.FINANCIAL, "{\"v\":2}")), k -> Duration.ZERO);

    assertThat(tier.get(r.key())).isEmpty();
    assertThat(tier.droppedWrites()).isZero();
  }

  @Test
  void shouldRoundTripUnicodePayloadsExactly() {
    String payload =
        "{\"名称\":\"贵州茅台\",\"公告\":\"关于2024年度利润分配方案的公告——每10股派276.73元（含税）\","
            + "\"emoji\":\"📈😀\",\"extB\":\"𠀀𪚥\",\"escapes\":\"\\\"q\\\" \\\\ \\n \\t \\u0000\","
            + "\"raw\":\"tab\there\\nnew\r\nline\",\"accents\":\"ÀÉÎõü ß Ω\"}";
    DataRecord r =
        new DataRecord(
            new DataKey("600519", DataType.ANNOUNCEMENTS),
            payload,
            sha256(payload),
            FETCHED_AT,
            "巨潮资讯",
            false);
    DataRecord big =
        record("000001", DataType.ANNOUNCEMENTS, "{\"t\":\"" + "龙虎榜".repeat(70_000) + "\"}");

    tier.putAll(List.of(r, big), oneHour());

    DataRecord read = tier.get(r.key()).orElseThrow();
    assertThat(read.payload()).isEqualTo(payload);
    assertThat(read.source()).isEqualTo("巨潮资讯");
    assertThat(read).isEqualTo(r);
    assertThat(tier.get(big.key())).contains(big);
  }

  @Test
  void shouldServeConcurrentReadersAndWriters() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int hits = 0;
                  for (int i = 0; i < 200; i++) {
                    DataRecord r =
                        record(
                            String.format("%06d", thread * 1_000 + i),
                            DataType.DAILY_QUOTES,
                            "{\"t\":" + thread + ",\"i\":" + i + "}");
                    tier.putAll(List.of(r), oneHour());
                    if (tier.get(r.key()).filter(r::equals).isPresent()) {
                      hits++;
                    }
                  }
                  return hits;
                }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(tier.droppedWrites()).isZero();
  }

  /**
   * Returns a one-hour time to live for every key.
   *
   * @return the ttl function
   */
  protected static Function<DataKey, Duration> oneHour() {
    return key -> Duration.ofHours(1);
  }

  /**
   * Makes a record fetched at {@link #FETCHED_AT} from {@code akshare}, hashed by its payload.
   *
   * @param code the stock code
   * @param type the data type
   * @param payload the JSON payload
   * @return the record
   */
  protected static DataRecord record(String code, String type, String payload) {
    return new DataRecord(
        new DataKey(code, type), payload, sha256(payload), FETCHED_AT, "akshare", false);
  }

  /**
   * Hashes text as the tiers' records do.
   *
   * @param text the text
   * @return SHA-256 as lowercase hex
   */
  protected static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Polls a condition every few milliseconds until it holds or {@link #expiryDeadline()} passes.
   *
   * @param what what is awaited, for the failure message
   * @param condition the condition
   */
  protected void awaitTrue(String what, BooleanSupplier condition) {
    awaitTrue(what, expiryDeadline(), condition);
  }

  /**
   * Polls a condition every few milliseconds until it holds or the deadline passes.
   *
   * @param what what is awaited, for the failure message
   * @param timeout how long to poll
   * @param condition the condition
   */
  protected static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
