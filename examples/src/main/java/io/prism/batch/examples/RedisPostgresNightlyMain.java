package io.prism.batch.examples;

import io.prism.batch.akshare.AkToolsSource;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.MarketDataSource;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.chroma.ChromaVectorStore;
import io.prism.batch.core.data.TieredDataPath;
import io.prism.batch.core.engine.RateLimit;
import io.prism.batch.core.engine.RateLimiters;
import io.prism.batch.core.jobs.ChangeFeed;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.jobs.WatchlistReader;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.onnx.OnnxEmbedder;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresJobStore;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresVersionStore;
import io.prism.batch.postgres.PostgresWatchlistStore;
import io.prism.batch.redis.RedisCacheTier;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nightly job on Redis (L1, {@link RedisCacheTier}) and PostgreSQL (L2 records, watchlists
 * and job records, after {@link PostgresMigrations}), with AKShare over AKTools or the replayed
 * real data as L3: the same steps as {@link NightlyJobMain} — the seed's test watchlists, a
 * {@code watchlist_warm} with live progress, reads back from L2 and L1 with the per-tier table,
 * a {@code cache_clean}, a {@code market_scan} of the five stocks — and every job's run report,
 * then the RAG sync of the records that changed into a Chroma server ({@link ChromaVectorStore},
 * collections {@code <prefix><dataType>}) with the version ledger in PostgreSQL ({@link
 * PostgresVersionStore}), a reconciliation of the two, and the same questions answered.
 *
 * <p>Needs Redis, PostgreSQL and Chroma running (on the development machines: {@code
 * redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no}, {@code
 * pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start} and {@code
 * .ci/chroma.sh}; {@code .ci/services.sh} starts all three). Run from the repository root:
 *
 * <pre>
 * mvn -q -pl examples -am package -DskipTests exec:java \
 *     -Dexec.mainClass=io.prism.batch.examples.RedisPostgresNightlyMain
 *
 * mvn -q -pl examples -am package -DskipTests exec:java \
 *     -Dexec.mainClass=io.prism.batch.examples.RedisPostgresNightlyMain \
 *     -Dexec.args="--fresh --aktools=http://127.0.0.1:8080 --schema=prism_nightly"
 * </pre>
 *
 * <p>Options ({@code --name=value}; each falls back to the environment variable named, then to
 * the default):
 *
 * <table>
 *   <caption>options</caption>
 *   <tr><th>option</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code --redis}</td><td>{@code PRISM_REDIS_URI}</td>
 *       <td>{@code redis://127.0.0.1:6379/0}</td></tr>
 *   <tr><td>{@code --redis-prefix}</td><td>{@code PRISM_REDIS_PREFIX}</td>
 *       <td>{@code prism:nightly:}</td></tr>
 *   <tr><td>{@code --pg-url}</td><td>{@code PRISM_PG_URL}</td>
 *       <td>{@code jdbc:postgresql://127.0.0.1:5432/test}</td></tr>
 *   <tr><td>{@code --pg-user}</td><td>{@code PRISM_PG_USER}</td><td>{@code postgres}</td></tr>
 *   <tr><td>{@code --pg-password}</td><td>{@code PRISM_PG_PASSWORD}</td><td>empty</td></tr>
 *   <tr><td>{@code --schema}</td><td>{@code PRISM_PG_SCHEMA}</td><td>{@code prism_nightly}</td></tr>
 *   <tr><td>{@code --chroma}</td><td>{@code CHROMA_URL}</td>
 *       <td>{@code http://127.0.0.1:8000}</td></tr>
 *   <tr><td>{@code --collection-prefix}</td><td>{@code PRISM_CHROMA_PREFIX}</td>
 *       <td>the schema and {@code _}, e.g. {@code prism_nightly_financial}</td></tr>
 *   <tr><td>{@code --aktools}</td><td>{@code AKTOOLS_URL}</td>
 *       <td>none: the replayed data (as of 2025-05-23) is L3</td></tr>
 *   <tr><td>{@code --latency-ms}</td><td>{@code PRISM_REPLAY_LATENCY_MS}</td>
 *       <td>{@code 50}: simulated latency of the replayed source</td></tr>
 *   <tr><td>{@code --work}</td><td>{@code PRISM_WORK_DIR}</td>
 *       <td>{@code target/prism-nightly-redis-pg}: reports and journals</td></tr>
 *   <tr><td>{@code --fresh}</td><td></td>
 *       <td>off; when given, the watched keys are first deleted from L2 and L1 so the source
 *       serves them again</td></tr>
 * </table>
 *
 * <p>The watchlists, records, job records and RAG versions stay in the schema, and the vectors in
 * Chroma, between runs (the lists are updated by name, not duplicated), so a second run finds
 * fresh records in L2, nothing changed and nothing to embed; {@code --fresh} fetches again (the
 * same content is still not re-embedded). Drop everything with {@code DROP SCHEMA prism_nightly
 * CASCADE}, {@code redis-cli --scan --pattern 'prism:nightly:*' | xargs redis-cli del} and a
 * delete of the {@code prism_nightly_*} collections in Chroma.
 */
public final class RedisPostgresNightlyMain {
  private RedisPostgresNightlyMain() {}

  /**
   * Runs the nightly job on Redis and PostgreSQL.
   *
   * @param args {@code --name=value} options, see the class comment
   */
  public static void main(String[] args) {
    Map<String, String> opts = parse(args);
    PrintStream out = System.out;
    String redisUri = opt(opts, "redis", "PRISM_REDIS_URI", "redis://127.0.0.1:6379/0");
    String prefix = opt(opts, "redis-prefix", "PRISM_REDIS_PREFIX", "prism:nightly:");
    String pgUrl = opt(opts, "pg-url", "PRISM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String schema = opt(opts, "schema", "PRISM_PG_SCHEMA", "prism_nightly");
    String aktools = opt(opts, "aktools", "AKTOOLS_URL", "");
    Duration latency = Duration.ofMillis(
        Long.parseLong(opt(opts, "latency-ms", "PRISM_REPLAY_LATENCY_MS", "50")));
    Path work = Path.of(opt(opts, "work", "PRISM_WORK_DIR", "target/prism-nightly-redis-pg"));
    String chroma = opt(opts, "chroma", "CHROMA_URL", "http://127.0.0.1:8000");
    CollectionNames collections = CollectionNames.withPrefix(
        opt(opts, "collection-prefix", "PRISM_CHROMA_PREFIX", schema + "_"));
    NightlyFlow flow = new NightlyFlow(out, work.resolve("reports"));

    MarketDataSource source = aktools.isEmpty()
        ? ReplayMarketDataSource.builder().latency(latency).build()
        : AkToolsSource.builder().baseUrl(aktools).build();
    RateLimit limit = aktools.isEmpty()
        ? RateLimit.builder().requestsPerMinute(1_200).maxConcurrent(2).build()
        : RateLimit.builder().requestsPerMinute(60).maxConcurrent(2).build();
    RateLimiters limits = RateLimiters.builder().limit(source.name(), limit).build();
    ChangeFeed changes = new ChangeFeed();
    NightlyFlow.ChangedKeys changed = new NightlyFlow.ChangedKeys();
    changes.subscribe(changed); // the RAG sync takes these keys after the warm

    out.println("Prism Batch nightly job on Redis + PostgreSQL + Chroma");
    out.println("L1 " + redisUri + " (prefix " + prefix + "), L2 " + pgUrl + " schema " + schema
        + ", L3 " + (aktools.isEmpty() ? "replayed AKShare data, " + latency.toMillis() + " ms"
        : "AKTools at " + aktools) + "; vectors in Chroma at " + chroma + " (collections "
        + collections.prefix() + "<type>)");
    out.println(NightlyFlow.seedTargets());

    try (PostgresDataSource db = PostgresDataSource.builder().url(pgUrl)
            .user(opt(opts, "pg-user", "PRISM_PG_USER", "postgres"))
            .password(opt(opts, "pg-password", "PRISM_PG_PASSWORD", "")).build();
        RedisCacheTier l1 = RedisCacheTier.builder().uri(redisUri).keyPrefix(prefix).build();
        source) {
      int version = PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
      out.println("schema " + schema + " migrated to version " + version);
      try (PostgresRecordStore l2 = PostgresRecordStore.builder(db.jdbi()).schema(schema)
              .migrate(false).build();
          PostgresWatchlistStore lists = PostgresWatchlistStore.builder(db.jdbi()).schema(schema)
              .dataTypes(DataTypes.defaults()).migrate(false).build();
          PostgresJobStore jobStore = PostgresJobStore.builder(db.jdbi()).schema(schema)
              .migrate(false).build()) {
        TieredDataPath path = TieredDataPath.builder()
            .cache(l1).store(l2).source(source).rateLimiters(limits).onChange(changes).build();
        WarmJobs jobs = WarmJobs.builder()
            .dataPath(path).cache(l1).store(l2).watchlists(lists).jobs(jobStore)
            .parallelism(2)
            .batchSize(20) // the seed's max_stocks_per_batch
            .journal(work.resolve("journal"))
            .rateLimiters(limits, source.name())
            .progressInterval(Duration.ofMillis(200))
            .listener(new ConsoleProgress(out))
            .build();
        WatchlistReader reader = new WatchlistReader(path, lists);

        flow.section("watchlists (" + NightlyFlow.USER + ")");
        List<Watchlist> watched = flow.seedWatchlists(lists);
        List<DataKey> keys = NightlyFlow.keysOf(watched);
        if (opts.containsKey("fresh")) {
          flow.forget(l1, l2, keys);
        }

        flow.section("before the warm: a user opens the priority list");
        flow.read(reader, watched.get(0), "first read");

        flow.section("watchlist_warm: every active auto-batch list, priority 5 first, deduplicated");
        flow.job(jobs.watchlistWarm());
        out.println("  change events for the RAG sync: " + changed.events());

        flow.section("read back");
        flow.clearL1(l1, keys);
        flow.read(reader, watched.get(1), "L1 cleared, L2 serves and refills");
        flow.read(reader, watched.get(1), "again, L1 serves");
        flow.read(reader, watched.get(0), "the priority list, L1 serves");

        flow.section("hits, misses and latency per tier");
        flow.tierTable(path.stats());
        flow.usage(lists, watched);
        if (l1.droppedWrites() > 0) {
          out.println("Redis dropped " + l1.droppedWrites() + " writes (it was unavailable)");
        }

        flow.section("cache_clean: expired (30 days) and orphaned records");
        flow.job(jobs.cacheClean());

        flow.section("market_scan: the five stocks, every type, priority 1");
        flow.job(jobs.marketScan(NightlyFlow.SEED_STOCKS, DataTypes.defaults().names()));

        flow.section("job records (batch_jobs in " + schema + ")");
        flow.jobTable(jobStore);
        flow.section("run reports");
        flow.writeReports();

        flow.section("rag_sync: the changed records -> render, chunk, embed (ONNX), upsert into "
            + "Chroma, activate in PostgreSQL");
        try (OnnxEmbedder embedder = OnnxEmbedder.builder().build();
            ChromaVectorStore vectors = ChromaVectorStore.builder().url(chroma).build();
            PostgresVersionStore versions = PostgresVersionStore.builder(db.jdbi()).schema(schema)
                .migrate(false).build()) {
          RagIndex rag = new RagIndex(embedder, vectors, versions, collections);
          out.println("embedder " + embedder.modelId() + " (" + embedder.dimension() + " dims, "
              + embedder.threads() + " threads); vectors in " + chroma + ", versions in "
              + schema + ".rag_data_versions");
          flow.ragSync(rag.syncProcessor(l2), flow.ragKeys(changed, keys, l2, versions));
          flow.reconcile(rag.reconciler());

          flow.section("questions, answered from active versions only (similarity >= "
              + RagIndex.QUERY_THRESHOLD + ", hybrid score 0.7 similarity + 0.3 metadata match)");
          flow.ask(rag.query(), RagIndex.QUESTIONS);
        }
      }
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("options are --name=value, got " + a);
      }
      int eq = a.indexOf('=');
      m.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "" : a.substring(eq + 1));
    }
    return m;
  }

  private static String opt(Map<String, String> opts, String name, String env, String fallback) {
    String v = opts.get(name);
    if (v == null || v.isEmpty()) {
      v = System.getenv(env);
    }
    return v == null || v.isEmpty() ? fallback : v;
  }
}
