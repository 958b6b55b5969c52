package io.prism.batch.chroma.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prism.batch.api.InvalidInputException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WhereFilterTest {

  @Test
  void shouldSendNoClauseForAnEmptyFilter() {
    WhereFilter where = WhereFilter.of(Map.of());

    assertThat(where.where()).isEmpty();
    assertThat(where.matchesNothing()).isFalse();
  }

  @Test
  void shouldMapOneKeyWithOneValueToEquality() {
    WhereFilter where = WhereFilter.of(Map.of("stock", "600519"));

    assertThat(where.where())
        .hasValueSatisfying(w -> assertThat(w).hasToString("{\"stock\":\"600519\"}"));
  }

  @Test
  void shouldMapOneKeyWithACollectionToIn() {
    WhereFilter where = WhereFilter.of(Map.of("stock", List.of("600519", "000001")));

    assertThat(where.where().orElseThrow())
        .hasToString("{\"stock\":{\"$in\":[\"600519\",\"000001\"]}}");
  }

  @Test
  void shouldMapASetToInInItsIterationOrder() {
    Set<Object> values = new LinkedHashSet<>(List.of(3, 1, 2));

    WhereFilter where = WhereFilter.of(Map.of("chunk", values));

    assertThat(where.where().orElseThrow()).hasToString("{\"chunk\":{\"$in\":[3,1,2]}}");
  }

  @Test
  void shouldJoinSeveralKeysWithAndInKeyOrder() {
    Map<String, Object> filter = new HashMap<>();
    filter.put("version", 7L);
    filter.put("active", true);
    filter.put("stock", List.of("600519"));

    WhereFilter where = WhereFilter.of(filter);

    assertThat(where.where().orElseThrow())
        .hasToString(
            "{\"$and\":[{\"active\":true},{\"stock\":{\"$in\":[\"600519\"]}},{\"version\":7}]}");
  }

  @Test
  void shouldWriteIntegersAsIntegersAndFractionsAsDoubles() {
    WhereFilter where = WhereFilter.of(Map.of("a", 1, "b", 2.5f, "c", (short) 3));

    assertThat(where.where().orElseThrow())
        .hasToString("{\"$and\":[{\"a\":1},{\"b\":2.5},{\"c\":3}]}");
  }

  @Test
  void shouldMatchNothingWhenAKeyAllowsNoValue() {
    WhereFilter where = WhereFilter.of(Map.of("stock", List.of(), "type", "quote"));

    assertThat(where.matchesNothing()).isTrue();
    assertThat(where.where()).isEmpty();
  }

  @Test
  void shouldRejectAValueThatIsNotAStringNumberOrBoolean() {
    assertThatThrownBy(() -> WhereFilter.of(Map.of("when", new Object())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("filter.when")
        .hasMessageContaining("must be a string, number or boolean");
  }

  @Test
  void shouldRejectANullValueInsideACollection() {
    List<Object> values = new java.util.ArrayList<>();
    values.add("a");
    values.add(null);

    assertThatThrownBy(() -> WhereFilter.of(Map.of("k", values)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("filter.k: null is invalid");
  }

  @Test
  void shouldRejectAnOperatorKey() {
    assertThatThrownBy(() -> WhereFilter.of(Map.of("$or", "x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must not start with $");
  }

  @Test
  void shouldRejectANullFilterAndNonFiniteNumbers() {
    assertThatThrownBy(() -> WhereFilter.of(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> WhereFilter.of(Map.of("x", Double.NaN)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("finite");
  }

  @Test
  void shouldHandOutCopiesOfTheClause() {
    WhereFilter where = WhereFilter.of(Map.of("k", "v"));

    ((com.fasterxml.jackson.databind.node.ObjectNode) where.where().orElseThrow())
        .put("k", "changed");

    assertThat(where.where().orElseThrow()).hasToString("{\"k\":\"v\"}");
  }
}
