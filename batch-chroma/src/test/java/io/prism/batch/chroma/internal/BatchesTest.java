package io.prism.batch.chroma.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchesTest {

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void shouldMakeNoBatchOfNothing() {
    assertThat(Batches.split(List.of(), 10)).isEmpty();
  }

  @Test
  void shouldKeepASmallListInOneBatch() {
    assertThat(Batches.split(upTo(3), 5)).containsExactly(List.of(0, 1, 2));
  }

  @Test
  void shouldSplitAnExactMultipleIntoFullBatches() {
    assertThat(Batches.split(upTo(6), 3)).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5));
  }

  @Test
  void shouldPutTheRemainderInALastSmallerBatch() {
    List<List<Integer>> parts = Batches.split(upTo(5461 * 2 + 7), 5461);

    assertThat(parts).hasSize(3);
    assertThat(parts).extracting(List::size).containsExactly(5461, 5461, 7);
    assertThat(parts.stream().flatMap(List::stream).toList()).isEqualTo(upTo(5461 * 2 + 7));
  }

  @Test
  void shouldSplitIntoSingletonsForSizeOne() {
    assertThat(Batches.split(upTo(3), 1)).containsExactly(List.of(0), List.of(1), List.of(2));
  }

  @Test
  void shouldRejectASizeBelowOne() {
    assertThatThrownBy(() -> Batches.split(upTo(3), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }

  @Test
  void shouldKeepTheLastItemPerKeyAtTheFirstPosition() {
    List<String> items = List.of("a=1", "b=1", "a=2", "c=1", "b=2");

    List<String> last = Batches.lastByKey(items, s -> s.substring(0, 1));

    assertThat(last).containsExactly("a=2", "b=2", "c=1");
  }

  @Test
  void shouldDropRepeatedIdsKeepingOrder() {
    assertThat(Batches.distinct(List.of("x", "y", "x", "z", "y"))).containsExactly("x", "y", "z");
  }
}
