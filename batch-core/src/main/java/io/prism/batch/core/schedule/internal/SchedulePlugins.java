package io.prism.batch.core.schedule.internal;

import io.prism.batch.api.BatchPlugin;
import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Scheduler;
import io.prism.batch.core.schedule.InMemoryFireGuard;
import io.prism.batch.core.schedule.LocalScheduler;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** The scheduling providers registered in {@code META-INF/services}. */
public final class SchedulePlugins {
  private SchedulePlugins() {}

  /**
   * The {@code "local"} scheduler provider: a {@link LocalScheduler} on the system clock with an
   * {@link InMemoryFireGuard} and the bundled A-share calendar. Setting {@code misfireThreshold}
   * (ISO-8601, e.g. {@code PT1M}) is optional. The scheduler is not started.
   *
   * <pre>{@code
   * Scheduler s = Plugins.create(Scheduler.class, "local", Map.of("misfireThreshold", "PT30S"));
   * }</pre>
   *
   * <p>Thread-safe and stateless.
   */
  public static final class LocalSchedulerPlugin implements BatchPlugin<Scheduler> {
    /** The provider name. */
    public static final String NAME = "local";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public LocalSchedulerPlugin() {}

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Class<Scheduler> type() {
      return Scheduler.class;
    }

    @Override
    public Scheduler create(Map<String, String> settings) {
      LocalScheduler.Builder b = LocalScheduler.builder();
      for (Map.Entry<String, String> e : settings.entrySet()) {
        if (!e.getKey().equals("misfireThreshold")) {
          throw new InvalidInputException("scheduler setting", e.getKey(),
              "unknown setting; the local scheduler takes misfireThreshold");
        }
        try {
          b.misfireThreshold(Duration.parse(e.getValue()));
        } catch (DateTimeParseException ex) {
          throw new InvalidInputException(
              "misfireThreshold", e.getValue(), "must be an ISO-8601 duration, e.g. PT1M");
        }
      }
      return b.build();
    }
  }

  /**
   * The {@code "memory"} fire guard provider: an {@link InMemoryFireGuard}. Setting {@code
   * retention} (ISO-8601, e.g. {@code P8D}) is optional.
   *
   * <p>Thread-safe and stateless.
   */
  public static final class MemoryFireGuardPlugin implements BatchPlugin<FireGuard> {
    /** The provider name. */
    public static final String NAME = "memory";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public MemoryFireGuardPlugin() {}

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Class<FireGuard> type() {
      return FireGuard.class;
    }

    @Override
    public FireGuard create(Map<String, String> settings) {
      Duration retention = InMemoryFireGuard.DEFAULT_RETENTION;
      for (Map.Entry<String, String> e : settings.entrySet()) {
        if (!e.getKey().equals("retention")) {
          throw new InvalidInputException("fire guard setting", e.getKey(),
              "unknown setting; the memory fire guard takes retention");
        }
        try {
          retention = Duration.parse(e.getValue());
        } catch (DateTimeParseException ex) {
          throw new InvalidInputException(
              "retention", e.getValue(), "must be an ISO-8601 duration, e.g. P8D");
        }
      }
      return new InMemoryFireGuard(retention);
    }
  }
}
