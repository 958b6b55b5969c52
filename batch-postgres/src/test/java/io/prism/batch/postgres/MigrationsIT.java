package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigrationsIT {
  /** Every table the shipped scripts create, plus the version table, sorted. */
  private static final List<String> TABLES = createdTables();

  private static List<String> createdTables() {
    java.util.TreeSet<String> names = new java.util.TreeSet<>(List.of("prism_schema_version"));
    java.util.regex.Pattern create =
        java.util.regex.Pattern.compile("CREATE TABLE \\$\\{schema\\}\\.(\\w+)");
    for (String script : PostgresMigrations.available().values()) {
      String path = PostgresMigrations.LOCATION + "/" + script;
      try (var in = MigrationsIT.class.getClassLoader().getResourceAsStream(path)) {
        String sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = create.matcher(sql);
        while (m.find()) {
          names.add(m.group(1));
        }
      } catch (java.io.IOException | NullPointerException e) {
        throw new AssertionError("cannot read migration " + path, e);
      }
    }
    // the shipped V1 tables must always be among them
    if (!names.containsAll(List.of("batch_jobs", "batch_performance_metrics", "market_data",
        "user_watchlists", "watchlist_usage_stats"))) {
      throw new AssertionError("V1 tables missing from " + names);
    }
    return List.copyOf(names);
  }

  private static PostgresDataSource db;
  private final List<String> schemas = new ArrayList<>();

  @BeforeAll
  static void connect() {
    db = PgTestDatabase.open();
  }

  @AfterAll
  static void disconnect() {
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void dropSchemas() {
    schemas.forEach(s -> PgTestDatabase.dropSchema(db.jdbi(), s));
  }

  private String freshSchema() {
    String s = PgTestDatabase.freshSchema(MigrationsIT.class);
    schemas.add(s);
    return s;
  }

  private List<String> tables(String schema) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT table_name FROM"
            + " information_schema.tables WHERE table_schema = :s ORDER BY table_name")
        .bind("s", schema).mapTo(String.class).list());
  }

  private List<Map<String, Object>> versionRows(String schema) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT version, script, checksum FROM \""
            + schema + "\".prism_schema_version ORDER BY version")
        .mapToMap().list());
  }

  @Test
  void shouldCreateEveryTableInAFreshSchema() {
    String schema = freshSchema();
    PostgresMigrations m = PostgresMigrations.builder(db.jdbi()).schema(schema).build();
    assertThat(m.currentVersion()).isZero();

    int version = m.migrate();

    assertThat(version).isEqualTo(PostgresMigrations.latestVersion()).isPositive();
    assertThat(m.currentVersion()).isEqualTo(version);
    assertThat(tables(schema)).containsExactlyElementsOf(TABLES);
    assertThat(versionRows(schema)).hasSize(PostgresMigrations.available().size())
        .first().satisfies(r -> assertThat(r).containsEntry("version", 1)
            .containsEntry("script", PostgresMigrations.available().get(1)));
  }

  @Test
  void shouldBeIdempotent() {
    String schema = freshSchema();
    PostgresMigrations m = PostgresMigrations.builder(db.jdbi()).schema(schema).build();
    m.migrate();
    List<Map<String, Object>> first = versionRows(schema);

    int again = m.migrate();

    assertThat(again).isEqualTo(PostgresMigrations.latestVersion());
    assertThat(versionRows(schema)).isEqualTo(first);
    assertThat(tables(schema)).containsExactlyElementsOf(TABLES);
  }

  @Test
  void shouldKeepSchemasApart() {
    String a = freshSchema();
    String b = freshSchema();
    PostgresMigrations.builder(db.jdbi()).schema(a).build().migrate();

    assertThat(tables(b)).isEmpty();
    PostgresMigrations.builder(db.jdbi()).schema(b).build().migrate();
    assertThat(tables(b)).containsExactlyElementsOf(TABLES);
  }

  @Test
  void shouldMigrateOnceWhenFourThreadsStartAtOnce() throws Exception {
    String schema = freshSchema();
    CyclicBarrier start = new CyclicBarrier(4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Integer> run = () -> {
          start.await();
          return PostgresMigrations.builder(db.jdbi()).schema(schema).build().migrate();
        };
        results.add(pool.submit(run));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(PostgresMigrations.latestVersion());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(versionRows(schema)).hasSize(PostgresMigrations.available().size());
    assertThat(tables(schema)).containsExactlyElementsOf(TABLES);
  }

  @Test
  void shouldMigrateOnceWhenTwoJvmsStartAtOnce() throws Exception {
    String schema = freshSchema();
    List<Process> children = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    List<StringBuilder> logs = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            MigrateMain.class.getName(), PgTestDatabase.URL, PgTestDatabase.USER, schema)
            .redirectErrorStream(true)
            .start();
        children.add(p);
        outputs.add(new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        logs.add(new StringBuilder());
      }
      // each child prints "ready" once connected; then both are released together
      for (int i = 0; i < 2; i++) {
        assertThat(readUntil(outputs.get(i), "ready", logs.get(i)))
            .as("child %d connected:%n%s", i, logs.get(i)).isTrue();
      }
      for (Process p : children) {
        OutputStream in = p.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
      for (int i = 0; i < 2; i++) {
        readUntil(outputs.get(i), null, logs.get(i)); // to the end of its output
        Process p = children.get(i);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child %d finished", i).isTrue();
        assertThat(p.exitValue()).as("exit code of child %d:%n%s", i, logs.get(i)).isZero();
        assertThat(logs.get(i).toString())
            .contains("version=" + PostgresMigrations.latestVersion());
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }
    String both = logs.get(0) + "\n" + logs.get(1);
    assertThat(both.split("Applied migration ", -1)).as("one child applied each script:%n%s", both)
        .hasSize(PostgresMigrations.available().size() + 1);
    assertThat(versionRows(schema)).hasSize(PostgresMigrations.available().size());
    assertThat(tables(schema)).containsExactlyElementsOf(TABLES);
    assertThat(PostgresMigrations.builder(db.jdbi()).schema(schema).build().currentVersion())
        .isEqualTo(PostgresMigrations.latestVersion());
  }

  @Test
  void shouldRefuseABadSchemaName() {
    assertThatThrownBy(() -> PostgresMigrations.builder(db.jdbi()).schema("x; DROP TABLE y"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("schema");
    assertThatThrownBy(() -> PostgresMigrations.builder(db.jdbi()).schema("Upper"))
        .isInstanceOf(InvalidInputException.class);
  }

  /**
   * Reads a child's output into {@code log} until a line equals {@code line} (true) or the
   * output ends (false).
   */
  private static boolean readUntil(BufferedReader out, String line, StringBuilder log)
      throws IOException {
    for (String l = out.readLine(); l != null; l = out.readLine()) {
      log.append(l).append('\n');
      if (l.equals(line)) {
        return true;
      }
    }
    return false;
  }
}
