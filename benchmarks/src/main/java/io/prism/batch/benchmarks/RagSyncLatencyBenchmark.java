package io.prism.batch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.DataKey;
import io.prism.batch.api.data.DataRecord;
import io.prism.batch.api.data.DataType;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.RecordStore;
import io.prism.batch.api.rag.DataVersion;
import io.prism.batch.api.rag.VectorStore;
import io.prism.batch.api.rag.VersionStore;
import io.prism.batch.chroma.ChromaVectorStore;
import io.prism.batch.core.data.RecordChange;
import io.prism.batch.core.jobs.ChangeFeed;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.core.rag.ContentHasher;
import io.prism.batch.core.rag.FileVersionStore;
import io.prism.batch.core.rag.InMemoryVectorStore;
import io.prism.batch.core.rag.MarketDocumentRenderer;
import io.prism.batch.core.rag.RagHit;
import io.prism.batch.core.rag.RagQuery;
import io.prism.batch.core.rag.RagSyncProcessor;
import io.prism.batch.core.rag.StockNames;
import io.prism.batch.core.rag.SyncResult;
import io.prism.batch.core.source.ReplayMarketDataSource;
import io.prism.batch.core.store.FileRecordStore;
import io.prism.batch.onnx.OnnxEmbedder;
import io.prism.batch.postgres.PostgresDataSource;
import io.prism.batch.postgres.PostgresMigrations;
import io.prism.batch.postgres.PostgresRecordStore;
import io.prism.batch.postgres.PostgresVersionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * RAG sync latency: the time from a record change — the upsert of a changed record into the
 * {@link RecordStore} and its change event on the {@link ChangeFeed}, as the read path makes them
 * — to its new chunks being returned by a {@link RagQuery}. The record is 贵州茅台's real financial
 * summary (8 chunks of up to 512 tokens); each change raises its 2025年一季报 营业总收入 by some
 * 亿元, so every change re-renders, re-chunks and re-embeds the whole document. A change-feed
 * subscriber hands the key to one sync thread ({@link RagSyncProcessor#sync(DataKey)}); the
 * measuring thread polls the ledger's active version and, once it flipped, asks {@code
 * 贵州茅台2025年一季报的营业总收入是多少} (filtered to the stock and type) until a returned chunk is of
 * the new version and carries the new figure. Changes are sequential: the next starts after the
 * previous sync (its cleanup included) has returned.
 *
 * <p>Two setups, each on fresh stores per round and the real ONNX embedder (bge-small-zh-v1.5
 * int8, one instance, two threads):
 *
 * <ul>
 *   <li>{@code embedded}: {@link FileRecordStore}, {@link InMemoryVectorStore} persisted to a
 *       directory (every write fsynced), {@link FileVersionStore} persisted; no servers. Floor:
 *       p95 under 1 s.
 *   <li>{@code chroma}: {@link PostgresRecordStore} and {@link PostgresVersionStore} in a fresh
 *       PostgreSQL schema, {@link ChromaVectorStore} under a fresh collection prefix; both dropped
 *       afterwards. Floor: p95 under 2 s. Needs PostgreSQL and Chroma ({@code bash
 *       .ci/services.sh}).
 * </ul>
 * The seed asks for 30 s. Each round measures every setup in turn (so they share the machine's
 * noise); prints p50, p95 and max per setup and round with the load average, then the median and
 * spread of the rounds' p50 and p95, and exits 1 if a median p95 misses its floor.
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp benchmarks/target/benchmarks.jar \
 *     io.prism.batch.benchmarks.RagSyncLatencyBenchmark --changes=60 --rounds=3 --warmup=5
 * </pre>
 *
 * <p>Options: {@code --setups=embedded,chroma}, {@code --changes=60} (measured per round, at
 * least 50), {@code --rounds=3}, {@code --warmup=5} (unmeasured changes per round), {@code
 * --chroma=URL} (else {@code CHROMA_URL}, else {@code http://127.0.0.1:8000}), {@code
 * --pg-url=jdbc:postgresql://127.0.0.1:5432/test}, {@code --pg-user=postgres}.
 */
public final class RagSyncLatencyBenchmark {
  static final DataKey KEY = new DataKey("600519", DataType.FINANCIAL);
  static final String QUESTION = "贵州茅台2025年一季报的营业总收入是多少";
  static final String PERIOD = "20250331";
  static final Duration FLOOR_EMBEDDED = Duration.ofSeconds(1);
  static final Duration FLOOR_CHROMA = Duration.ofSeconds(2);
  static final Duration CHANGE_DEADLINE = Duration.ofSeconds(30);
  static final StockNames NAMES = StockNames.builder().put("600519", "贵州茅台", "茅台").build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DataRecord BASE = ReplayMarketDataSource.create().fetch(KEY).orElseThrow();
  private static final BigDecimal BASE_REVENUE = baseRevenue();

  private RagSyncLatencyBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --name=value} options, see the class comment
   * @throws Exception if a setup fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("options are --name=value, got " + a);
      }
      opts.put(a.substring(2, eq), a.substring(eq + 1));
    }
    int changes = Integer.parseInt(opts.getOrDefault("changes", "60"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    if (changes < 50 || rounds < 1 || warmup < 0) {
      throw new IllegalArgumentException("need --changes >= 50, --rounds >= 1, --warmup >= 0");
    }
    List<String> setups = List.of(opts.getOrDefault("setups", "embedded,chroma").split(","));
    String env = System.getenv("CHROMA_URL");
    String chromaUrl = opts.getOrDefault("chroma",
        env == null || env.isBlank() ? "http://127.0.0.1:8000" : env);
    String pgUrl = opts.getOrDefault("pg-url", "jdbc:postgresql://127.0.0.1:5432/test");
    String pgUser = opts.getOrDefault("pg-user", "postgres");

    System.out.printf(Locale.ROOT, "RAG sync latency: %s, %d rounds x (%d warm-up + %d measured)"
            + " changes of %s; %d cores, %s, %s%n", setups, rounds, warmup, changes, KEY,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"));
    Map<String, List<Summary>> bySetup = new LinkedHashMap<>();
    try (OnnxEmbedder embedder = OnnxEmbedder.builder().threads(2).build()) {
      // rounds outside, setups inside: the setups share the machine's noise of each round
      for (int round = 1; round <= rounds; round++) {
        for (String setup : setups) {
          try (Stores stores = setup.equals("embedded") ? Stores.embedded()
              : setup.equals("chroma") ? Stores.chroma(chromaUrl, pgUrl, pgUser)
              : unknown(setup)) {
            Summary s = measure(embedder, stores, round, warmup, changes);
            bySetup.computeIfAbsent(setup, k -> new ArrayList<>()).add(s);
            System.out.printf(Locale.ROOT, "%-8s round %d: p50 %4.0f ms  p95 %4.0f ms  max %4.0f ms"
                    + "  mean %4.0f ms (sync %4.0f ms, query after flip %3.0f ms), %d chunks; "
                    + "load average %s%n", setup, round, s.p50, s.p95, s.max, s.mean, s.meanSync,
                s.meanQuery, s.chunks, loadAverage());
          }
        }
      }
    }
    boolean ok = true;
    for (Map.Entry<String, List<Summary>> e : bySetup.entrySet()) {
      String setup = e.getKey();
      List<Summary> summaries = e.getValue();
      Duration floor = setup.equals("embedded") ? FLOOR_EMBEDDED : FLOOR_CHROMA;
      double medianP50 = median(summaries.stream().mapToDouble(s -> s.p50).toArray());
      double medianP95 = median(summaries.stream().mapToDouble(s -> s.p95).toArray());
      System.out.printf(Locale.ROOT, "%-8s over %d rounds: p50 median %.0f ms (%.0f-%.0f), p95 "
              + "median %.0f ms (%.0f-%.0f); floor p95 < %d ms: %s%n", setup, rounds, medianP50,
          summaries.stream().mapToDouble(s -> s.p50).min().orElse(0),
          summaries.stream().mapToDouble(s -> s.p50).max().orElse(0), medianP95,
          summaries.stream().mapToDouble(s -> s.p95).min().orElse(0),
          summaries.stream().mapToDouble(s -> s.p95).max().orElse(0), floor.toMillis(),
          medianP95 < floor.toMillis() ? "met" : "MISSED");
      ok &= medianP95 < floor.toMillis();
    }
    System.exit(ok ? 0 : 1);
  }

  /** The 1, 5 and 15 minute load averages, or "?" where /proc has none. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static Stores unknown(String setup) {
    throw new IllegalArgumentException("unknown setup " + setup + "; use embedded or chroma");
  }

  /** One round: warm-up changes, then the measured ones. */
  static Summary measure(OnnxEmbedder embedder, Stores stores, int round, int warmup,
      int changes) throws Exception {
    CollectionNames collections = stores.collections;
    RagSyncProcessor sync = RagSyncProcessor.builder()
        .embedder(embedder).vectorStore(stores.vectors).versionStore(stores.versions)
        .recordStore(stores.records).collections(collections)
        .renderer(MarketDocumentRenderer.builder().stockNames(NAMES).build())
        .build();
    RagQuery query = RagQuery.builder()
        .embedder(embedder).vectorStore(stores.vectors).versionStore(stores.versions)
        .collections(collections).stockNames(NAMES).threshold(0.5).topK(10)
        .build();
    RagQuery.Request request = RagQuery.request(QUESTION).stockCodes(KEY.stockCode())
        .dataTypes(KEY.dataType()).build();
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "rag-sync");
      t.setDaemon(true);
      return t;
    });
    AtomicReference<Future<SyncResult>> inFlight = new AtomicReference<>();
    AtomicReference<Long> syncNanos = new AtomicReference<>(0L);
    ChangeFeed feed = new ChangeFeed();
    // the subscriber hands the change off, as the change feed asks, to one sync thread
    feed.subscribe(c -> inFlight.set(worker.submit(() -> {
      long start = System.nanoTime();
      SyncResult r = sync.sync(c.record().key());
      syncNanos.set(System.nanoTime() - start);
      return r;
    })));

    double[] latencies = new double[changes];
    double sumSync = 0;
    double sumQuery = 0;
    int chunks = 0;
    try {
      int variant = round * 100; // +100 亿元 per round, +1 per change
      change(stores.records, feed, variant); // the first version
      await(inFlight.get());
      for (int i = 0; i < warmup + changes; i++) {
        variant++;
        String previous = stores.versions.active(KEY).orElseThrow().versionId();
        String expected = revenueText(variant);
        long t0 = System.nanoTime();
        change(stores.records, feed, variant);
        long flipped = 0;
        long t1;
        while (true) {
          Optional<DataVersion> active = stores.versions.active(KEY);
          if (active.isPresent() && !active.get().versionId().equals(previous)) {
            flipped = flipped == 0 ? System.nanoTime() : flipped;
            List<RagHit> hits = query.search(request);
            if (hits.stream().anyMatch(h -> !h.versionId().equals(previous)
                && h.text().contains(expected))) {
              t1 = System.nanoTime();
              break;
            }
          } else {
            LockSupport.parkNanos(100_000);
          }
          if (System.nanoTime() - t0 > CHANGE_DEADLINE.toNanos()) {
            throw new IllegalStateException("change " + variant + " was not returned by a query"
                + " within " + CHANGE_DEADLINE);
          }
        }
        SyncResult r = await(inFlight.get());
        if (r.status() != SyncResult.Status.SYNCED) {
          throw new IllegalStateException("change " + variant + " did not sync: " + r);
        }
        if (i >= warmup) {
          latencies[i - warmup] = (t1 - t0) / 1e6;
          sumSync += syncNanos.get() / 1e6;
          sumQuery += (t1 - flipped) / 1e6;
          chunks = r.chunks();
        }
      }
    } finally {
      worker.shutdownNow();
    }
    double[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Summary(percentile(sorted, 0.50), percentile(sorted, 0.95),
        sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(0), sumSync / changes,
        sumQuery / changes, chunks);
  }

  private static SyncResult await(Future<SyncResult> f)
      throws InterruptedException, ExecutionException, TimeoutException {
    return f.get(CHANGE_DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  /** A record change as the read path makes it: stored in L2, then announced. */
  static void change(RecordStore records, ChangeFeed feed, int variant) {
    DataRecord r = record(variant);
    records.upsertAll(List.of(r));
    feed.accept(new RecordChange(r));
  }

  /** 贵州茅台's financial summary with 2025年一季报 营业总收入 raised by {@code variant} 亿元. */
  static DataRecord record(int variant) {
    try {
      ObjectNode p = (ObjectNode) JSON.readTree(BASE.payload());
      Instant now = Instant.now();
      p.put("fetchedAt", now.toString());
      for (JsonNode row : p.withArray("rows")) {
        if ("营业总收入".equals(row.path("指标").asText())) {
          ((ObjectNode) row).put(PERIOD, BASE_REVENUE.add(yi(variant)));
        }
      }
      String payload = JSON.writeValueAsString(p);
      return new DataRecord(KEY, payload, ContentHasher.defaults().recordHash(payload), now,
          BASE.source(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How the renderer writes a variant's 营业总收入, e.g. {@code 营业总收入 588.93亿元}. */
  static String revenueText(int variant) {
    BigDecimal value = BASE_REVENUE.add(yi(variant))
        .divide(BigDecimal.valueOf(100_000_000L), 2, RoundingMode.HALF_UP);
    return "营业总收入 " + value.toPlainString() + "亿元";
  }

  private static BigDecimal yi(int n) {
    return BigDecimal.valueOf(n).multiply(BigDecimal.valueOf(100_000_000L));
  }

  private static BigDecimal baseRevenue() {
    try {
      for (JsonNode row : JSON.readTree(BASE.payload()).path("rows")) {
        if ("营业总收入".equals(row.path("指标").asText())) {
          return row.path(PERIOD).decimalValue();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("the replayed financial summary of 600519 has no 营业总收入");
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** One round's figures, in milliseconds. */
  record Summary(double p50, double p95, double max, double mean, double meanSync,
      double meanQuery, int chunks) {}

  /** The stores of one round, fresh, and how to drop them. */
  static final class Stores implements AutoCloseable {
    final RecordStore records;
    final VectorStore vectors;
    final VersionStore versions;
    final CollectionNames collections;
    private final List<AutoCloseable> cleanup;

    private Stores(RecordStore records, VectorStore vectors, VersionStore versions,
        CollectionNames collections, List<AutoCloseable> cleanup) {
      this.records = records;
      this.vectors = vectors;
      this.versions = versions;
      this.collections = collections;
      this.cleanup = cleanup;
    }

    /** File record store, persisted in-process vectors and file ledger in a temporary directory. */
    static Stores embedded() throws IOException {
      Path dir = Files.createTempDirectory("prism-rag-latency-");
      FileRecordStore records = FileRecordStore.builder().directory(dir).build();
      InMemoryVectorStore vectors = InMemoryVectorStore.builder().directory(dir).build();
      FileVersionStore versions = FileVersionStore.builder().directory(dir).build();
      return new Stores(records, vectors, versions, CollectionNames.defaults(),
          List.of(records, vectors, versions, () -> deleteTree(dir)));
    }

    /** PostgreSQL records and ledger in a fresh schema, Chroma under a fresh prefix. */
    static Stores chroma(String chromaUrl, String pgUrl, String pgUser) {
      String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      String schema = "bench_rag_" + id;
      CollectionNames collections = CollectionNames.withPrefix("bench-rag-" + id + "_");
      PostgresDataSource db = PostgresDataSource.builder().url(pgUrl).user(pgUser)
          .maximumPoolSize(4).build();
      PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
      PostgresRecordStore records = PostgresRecordStore.builder(db.jdbi()).schema(schema)
          .migrate(false).build();
      PostgresVersionStore versions = PostgresVersionStore.builder(db.jdbi()).schema(schema)
          .migrate(false).build();
      ChromaVectorStore chroma = ChromaVectorStore.builder().url(chromaUrl).build();
      return new Stores(records, chroma, versions, collections, List.of(records, versions,
          () -> DataTypes.defaults().names().forEach(t ->
              chroma.deleteCollection(collections.forType(t))),
          chroma,
          () -> db.jdbi().useHandle(h -> h.execute("DROP SCHEMA \"" + schema + "\" CASCADE")),
          db));
    }

    @Override
    public void close() {
      IllegalStateException failure = null;
      for (AutoCloseable c : cleanup) {
        try {
          c.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = new IllegalStateException("cleaning up the round's stores failed", e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    private static void deleteTree(Path dir) throws IOException {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
