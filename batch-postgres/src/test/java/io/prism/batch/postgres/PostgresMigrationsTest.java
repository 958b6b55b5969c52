package io.prism.batch.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.postgres.internal.MigrationScript;
import io.prism.batch.postgres.internal.Sql;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What can be checked without a database. */
class PostgresMigrationsTest {

  @Test
  void shouldShipConsecutiveVersionsStartingAtOne() {
    List<MigrationScript> scripts = MigrationScript.discover(
        PostgresMigrations.class.getClassLoader(), PostgresMigrations.LOCATION,
        PostgresMigrations.class);

    assertThat(scripts).isNotEmpty();
    for (int i = 0; i < scripts.size(); i++) {
      assertThat(scripts.get(i).version()).isEqualTo(i + 1);
      assertThat(scripts.get(i).checksum()).hasSize(64);
      assertThat(scripts.get(i).sql()).contains("${schema}.");
    }
    assertThat(PostgresMigrations.latestVersion()).isEqualTo(scripts.size());
    assertThat(PostgresMigrations.available().get(1)).startsWith("V1__").endsWith(".sql");
  }

  @Test
  void shouldCreateEveryTableOfTheSeedAndTheL2Table() {
    String v1 = MigrationScript.discover(PostgresMigrations.class.getClassLoader(),
        PostgresMigrations.LOCATION, PostgresMigrations.class).get(0).render("\"s\"");

    assertThat(v1).contains("CREATE TABLE \"s\".user_watchlists",
        "CREATE TABLE \"s\".watchlist_usage_stats", "CREATE TABLE \"s\".batch_jobs",
        "CREATE TABLE \"s\".batch_performance_metrics", "CREATE TABLE \"s\".market_data",
        "CHECK (priority_level BETWEEN 1 AND 5)")
        .doesNotContain("${schema}");
  }

  @Test
  void shouldOnlyAcceptPlainLowerCaseSchemaNames() {
    assertThat(Sql.quoteSchema("prism_it_1")).isEqualTo("\"prism_it_1\"");
    for (String bad : new String[] {"", "Prism", "1abc", "a-b", "a\"b", "x".repeat(64)}) {
      assertThatThrownBy(() -> Sql.quoteSchema(bad))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("schema");
    }
  }

  @Test
  void shouldRoundTimeBoundsUpToTheMicrosecond() {
    Instant exact = Instant.parse("2024-03-01T07:00:00.123456Z");
    Instant finer = Instant.parse("2024-03-01T07:00:00.1234561Z");

    assertThat(Sql.timeCeiling(exact).toInstant()).isEqualTo(exact);
    assertThat(Sql.timeCeiling(finer).toInstant())
        .isEqualTo(Instant.parse("2024-03-01T07:00:00.123457Z"));
    assertThat(Sql.text(finer)).isEqualTo("2024-03-01T07:00:00.123456Z");
  }

  @Test
  void shouldRequireAPostgresUrl() {
    assertThatThrownBy(() -> PostgresDataSource.builder().url("jdbc:mysql://x/y"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("url");
    assertThatThrownBy(() -> PostgresDataSource.builder().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("url");
  }
}
