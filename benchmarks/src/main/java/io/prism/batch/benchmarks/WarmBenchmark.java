package io.prism.batch.benchmarks;

import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.JobStatus;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.source.SyntheticMarketDataSource;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresWatchlistStore;
import io.prism.batch.redis.RedisCacheTier;
import java.util.List;
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
 * A cold warm of 1,000 stocks × 4 data types (4,000 records) from the synthetic source at zero
 * latency into Redis (L1) and PostgreSQL (L2), as a market-scan job on the engine with two
 * workers. Each invocation starts from an empty schema and an unused Redis key prefix. Floor:
 * under 60 s (the seed asks for 1,000 stocks an hour). Needs Redis and PostgreSQL on
 * 127.0.0.1 ({@code bash .ci/services.sh}).
 *
 * <p>Run: {@code mvn -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar WarmBenchmark -rf json -rff target/warm.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class WarmBenchmark {
  static final List<String> TYPES = List.of(
      DataType.FINANCIAL, DataType.COMPANY_PROFILE, DataType.ANNOUNCEMENTS, DataType.SHAREHOLDERS);

  private PostgresDataSource db;
  private SyntheticMarketDataSource source;
  private String schema;
  private RedisCacheTier redis;
  private PostgresRecordStore records;
  private PostgresWatchlistStore watchlists;
  private PostgresJobStore jobs;
  private WarmJobs warm;

  @Setup(Level.Trial)
  public void connect() {
    db = PostgresDataSource.builder().url("jdbc:postgresql://127.0.0.1:5432/test").user("postgres")
        .password("").build();
    source = SyntheticMarketDataSource.builder().stockCount(1_000).build();
  }

  @Setup(Level.Invocation)
  public void freshTiers() {
    schema = "bench_warm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
    records = PostgresRecordStore.builder(db.jdbi()).schema(schema).migrate(false).build();
    watchlists = PostgresWatchlistStore.builder(db.jdbi()).schema(schema).migrate(false).build();
    jobs = PostgresJobStore.builder(db.jdbi()).schema(schema).migrate(false).build();
    redis = RedisCacheTier.builder().uri("redis://127.0.0.1:6379")
        .keyPrefix("prism:bench:" + schema + ":").build();
    TieredDataPath path = TieredDataPath.builder().cache(redis).store(records).source(source).build();
    warm = WarmJobs.builder().dataPath(path).cache(redis).store(records).watchlists(watchlists)
        .jobs(jobs).parallelism(2).build();
  }

  @TearDown(Level.Invocation)
  public void dropTiers() {
    redis.invalidate(records.keys());
    redis.close();
    db.jdbi().useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
  }

  @TearDown(Level.Trial)
  public void disconnect() {
    db.close();
  }

  @Benchmark
  public JobResult warm1000StocksTimes4Types() {
    JobResult r = warm.marketScan(source.stockCodes(), TYPES);
    if (r.job().status() != JobStatus.SUCCESS || r.job().successCount() != 4_000) {
      throw new IllegalStateException("warm did not succeed: " + r.job());
    }
    return r;
  }
}
