package io.prism.batch.core.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.prism.batch.api.TaskState;
import io.prism.batch.core.engine.BatchRun;
import io.prism.batch.core.engine.EngineMetrics;
import java.util.function.ToDoubleFunction;

/**
 * Exposes an engine's metrics to a Micrometer registry: counters {@code prism.batch.tasks}
 * tagged by type and outcome, gauges of mean and max run time per type, and the run's queue
 * depth by state. Micrometer is an optional dependency: only hosts that call this need it.
 *
 * <pre>{@code
 * MicrometerBinder.bind(engine.metrics(), run, registry);
 * }</pre>
 */
public final class MicrometerBinder {
  private MicrometerBinder() {}

  /**
   * Registers the meters of the task types seen so far and the run's queue depth.
   *
   * @param metrics the engine's metrics
   * @param run the run whose progress gives the queue depth
   * @param registry the registry
   */
  public static void bind(EngineMetrics metrics, BatchRun run, MeterRegistry registry) {
    metrics.snapshot().keySet().forEach(type -> bindType(metrics, type, registry));
    for (TaskState s : TaskState.values()) {
      Gauge.builder("prism.batch.queue.depth", run, r -> r.progress().count(s))
          .tag("batch", run.batchId()).tag("state", s.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
  }

  /**
   * Registers the meters of one task type.
   *
   * @param metrics the engine's metrics
   * @param type the task type
   * @param registry the registry
   */
  public static void bindType(EngineMetrics metrics, String type, MeterRegistry registry) {
    counter(registry, metrics, type, "succeeded", s -> s.succeeded());
    counter(registry, metrics, type, "failed", s -> s.failed());
    counter(registry, metrics, type, "retried", s -> s.retried());
    counter(registry, metrics, type, "skipped", s -> s.skipped());
    counter(registry, metrics, type, "cancelled", s -> s.cancelled());
    Gauge.builder("prism.batch.task.time.mean", metrics, m -> snap(m, type).meanNanos() / 1e9)
        .tag("type", type).baseUnit("seconds").register(registry);
    Gauge.builder("prism.batch.task.time.max", metrics, m -> snap(m, type).maxNanos() / 1e9)
        .tag("type", type).baseUnit("seconds").register(registry);
  }

  private static void counter(MeterRegistry registry, EngineMetrics metrics, String type, String outcome,
      ToDoubleFunction<EngineMetrics.TypeSnapshot> f) {
    FunctionCounter.builder("prism.batch.tasks", metrics, m -> f.applyAsDouble(snap(m, type)))
        .tag("type", type).tag("outcome", outcome).register(registry);
  }

  private static EngineMetrics.TypeSnapshot snap(EngineMetrics m, String type) {
    return m.snapshot().getOrDefault(type, new EngineMetrics.TypeSnapshot(0, 0, 0, 0, 0, 0, 0, 0));
  }
}
