package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.prism.batch.chroma.ChromaVectorStore;
import io.prism.batch.core.rag.CollectionNames;
import io.prism.batch.postgres.PostgresDataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RedisPostgresNightlyMain} end to end on real Redis, PostgreSQL and Chroma, in a schema,
 * a Redis key prefix and a collection prefix of its own (all dropped afterwards): the first run
 * warms, syncs the 28 changed records into Chroma and answers the questions; the second run
 * finds nothing changed, embeds nothing, and answers the same from the index it left. Redis at
 * {@code -Dprism.test.redis} (default 127.0.0.1:6379), database 0; the other servers as in
 * {@link RagServers}.
 */
class RedisPostgresNightlyMainIT {
  static final String REDIS = System.getProperty("prism.test.redis", "127.0.0.1:6379");

  static PostgresDataSource db;
  static String schema;
  static CollectionNames collections;
  static String redisPrefix;

  @TempDir Path work;

  @BeforeAll
  static void servers() {
    RagServers.requireChroma();
    db = RagServers.openDb();
    schema = "it_nightly_main_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    collections = RagServers.freshCollections(RedisPostgresNightlyMainIT.class);
    redisPrefix = "prism:it:nightlymain:" + UUID.randomUUID() + ":";
  }

  @AfterAll
  static void dropEverything() {
    if (collections != null) {
      RagServers.dropCollections(collections);
    }
    if (db != null) {
      RagServers.dropSchema(db, schema);
      db.close();
    }
    RedisClient client = RedisClient.create("redis://" + REDIS + "/0");
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> keys = new ArrayList<>();
      ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(redisPrefix + "*").limit(500))
          .forEachRemaining(keys::add);
      if (!keys.isEmpty()) {
        c.sync().del(keys.toArray(new String[0]));
      }
    } finally {
      client.shutdown();
    }
  }

  private String run() {
    String[] args = {
      "--redis=redis://" + REDIS + "/0", "--redis-prefix=" + redisPrefix, "--schema=" + schema,
      "--chroma=" + RagServers.chromaUrl(), "--collection-prefix=" + collections.prefix(),
      "--latency-ms=1", "--work=" + work
    };
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      RedisPostgresNightlyMain.main(args);
    } finally {
      System.setOut(original);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    original.print(out);
    return out;
  }

  @Test
  void shouldSyncTheWarmedRecordsIntoChromaAndAnswerFromThemAgainOnTheNextRun() {
    String first = run();
    String second = run();

    assertThat(first)
        .contains("28 records changed (from the change feed), 0 stored but not yet indexed")
        .contains("28 synced, 0 unchanged (skipped), 0 failed")
        .contains("97 texts embedded")
        .contains("97 vectors stored in 6 collections, 97 expected by active versions; "
            + "missing 0, orphaned 0");
    assertThat(second)
        .contains("0 records changed (from the change feed), 0 stored but not yet indexed")
        .contains("rag_sync: nothing to sync; the index is up to date")
        .contains("97 vectors stored in 6 collections, 97 expected by active versions; "
            + "missing 0, orphaned 0");
    for (String out : List.of(first, second)) {
      assertThat(out)
          .containsPattern("Q: 贵州茅台的营业收入是多少 .*\\R  1\\. 600519 financial ")
          .containsPattern("Q: 平安银行的十大股东有哪些 .*\\R  1\\. 000001 shareholders ")
          .containsPattern("Q: 东方财富最近的龙虎榜 .*\\R  1\\. 300059 longhubang ");
    }
    long versions = db.jdbi().withHandle(h -> h.createQuery(String.format(Locale.ROOT,
        "SELECT count(*) FROM \"%s\".rag_data_versions WHERE vector_status = 'active'", schema))
        .mapTo(Long.class).one());
    assertThat(versions).isEqualTo(28);
    ChromaVectorStore chroma = ChromaVectorStore.builder().url(RagServers.chromaUrl()).build();
    try {
      assertThat(chroma.ids(collections.forType("financial"), Map.of())).hasSize(38);
    } finally {
      chroma.close();
    }
  }
}
