package io.prism.batch.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.core.cache.CaffeineCacheTier;
import io.prism.batch.core.data.ReadResult;
import io.prism.batch.core.data.Tier;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.redis.RedisCacheTier;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An L1 hit through the read path, side by side with the bare lookup it wraps: Caffeine (floor:
 * under 1 µs) and Redis against a raw Lettuce {@code GET} of the same key on the same server
 * (floor: at most 1.25× its time). Needs Redis on 127.0.0.1:6379 ({@code bash .ci/services.sh}).
 *
 * <p>Run: {@code mvn -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar ReadPath -rf json -rff target/readpath.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ReadPathBenchmark {
  private final DataKey key = new DataKey("600519", "financial");
  private CaffeineCacheTier caffeine;
  private TieredDataPath caffeinePath;
  private RedisCacheTier redis;
  private TieredDataPath redisPath;
  private RedisClient rawClient;
  private StatefulRedisConnection<String, String> rawConnection;
  private RedisCommands<String, String> raw;
  private String redisKey;
  private String prefix;

  @Setup(Level.Trial)
  public void setUp() {
    SyntheticMarketDataSource source = SyntheticMarketDataSource.builder()
        .stockCodes(List.of("600519")).build();
    caffeine = CaffeineCacheTier.create();
    caffeinePath = TieredDataPath.builder().cache(caffeine).store(FileRecordStore.inMemory())
        .source(source).build();
    require(caffeinePath.get(key), Tier.L3);
    require(caffeinePath.get(key), Tier.L1);

    prefix = "prism:bench:" + UUID.randomUUID() + ":";
    redis = RedisCacheTier.builder().uri("redis://127.0.0.1:6379").keyPrefix(prefix).build();
    redisPath = TieredDataPath.builder().cache(redis).store(FileRecordStore.inMemory())
        .source(source).build();
    require(redisPath.get(key), Tier.L3);
    require(redisPath.get(key), Tier.L1);
    redisKey = prefix + key.stockCode() + ":" + key.dataType();
    rawClient = RedisClient.create("redis://127.0.0.1:6379");
    rawConnection = rawClient.connect();
    raw = rawConnection.sync();
    if (raw.get(redisKey) == null) {
      throw new IllegalStateException("the tier did not write " + redisKey);
    }
  }

  private static void require(ReadResult r, Tier tier) {
    if (r.tier() != tier || r.record().isEmpty()) {
      throw new IllegalStateException("expected a " + tier + " hit, got " + r);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    raw.del(redisKey);
    rawConnection.close();
    rawClient.shutdown();
    redis.close();
  }

  @Benchmark
  public ReadResult caffeineHitThroughReadPath() {
    return caffeinePath.get(key);
  }

  @Benchmark
  public Optional<?> caffeineTierGet() {
    return caffeine.get(key);
  }

  @Benchmark
  public ReadResult redisHitThroughReadPath() {
    return redisPath.get(key);
  }

  @Benchmark
  public String rawLettuceGet() {
    return raw.get(redisKey);
  }
}
