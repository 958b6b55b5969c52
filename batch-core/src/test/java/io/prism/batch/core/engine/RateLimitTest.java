package io.prism.batch.core.engine;

import static io.prism.batch.core.engine.TestProcessors.block;
import static io.prism.batch.core.engine.TestProcessors.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchResult;
import io.prism.batch.api.ErrorClass;
import io.prism.batch.api.Processor;
import io.prism.batch.api.RateLimitedException;
import io.prism.batch.api.Task;
import io.prism.batch.api.TaskContext;
import io.prism.batch.api.TaskState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  @Test
  void shouldNeverExceedTheRateOrTheConcurrencyLimit() {
    List<Long> starts = new CopyOnWriteArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    Processor p = new Processor() {
      @Override
      public String taskType() {
        return "call";
      }

      @Override
      public Set<String> resources() {
        return Set.of("api");
      }

      @Override
      public String process(Task task, TaskContext ctx) {
        starts.add(System.nanoTime());
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        block(30);
        inFlight.decrementAndGet();
        return "";
      }
    };
    RateLimit limit = RateLimit.builder().requestsPerMinute(1_200).maxConcurrent(2).build();
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(4)
        .rateLimit("api", limit).build()) {
      BatchResult r = engine.run(tasks("call", 40));
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(40);
    }
    assertThat(maxInFlight.get()).isLessThanOrEqualTo(2);
    List<Long> sorted = new ArrayList<>(starts);
    Collections.sort(sorted);
    // 1,200 per minute = one permit per 50 ms. Start times are taken after the permit, so a
    // thread descheduled in between can record late; allow two such slips per window.
    long totalMillis = (sorted.get(sorted.size() - 1) - sorted.get(0)) / 1_000_000;
    assertThat(totalMillis).isGreaterThanOrEqualTo(39 * 50 - 200);
    for (int i = 0; i + 12 < sorted.size(); i++) {
      long spanMillis = (sorted.get(i + 12) - sorted.get(i)) / 1_000_000;
      assertThat(spanMillis).as("span of calls %d..%d", i, i + 12).isGreaterThanOrEqualTo(500);
    }
  }

  @Test
  void shouldRetryARateLimitedCallAsRateLimited() {
    AtomicInteger calls = new AtomicInteger();
    List<BatchEvent> events = new CopyOnWriteArrayList<>();
    Processor p = new Processor() {
      @Override
      public String taskType() {
        return "rl";
      }

      @Override
      public String process(Task task, TaskContext ctx) throws Exception {
        try (var permit = ctx.acquire("api")) {
          if (calls.incrementAndGet() <= 2) {
            permit.rateLimited();
            throw new RateLimitedException("api", "HTTP 429 Too Many Requests");
          }
          return "";
        }
      }
    };
    try (BatchEngine engine = BatchEngine.builder().processor(p).parallelism(1)
        .rateLimit("api", RateLimit.builder().requestsPerMinute(60_000).build())
        .retryRules(BatchEngineTest.fastRetries(5)).listener(events::add).build()) {
      BatchResult r = engine.run(tasks("rl", 3));
      assertThat(r.count(TaskState.SUCCEEDED)).isEqualTo(3);
      assertThat(r.retries()).isEqualTo(2);
    }
    assertThat(events).filteredOn(e -> e instanceof BatchEvent.Error)
        .extracting(e -> ((BatchEvent.Error) e).errorClass())
        .containsExactly(ErrorClass.RATE_LIMITED, ErrorClass.RATE_LIMITED);
  }
}
