package io.prism.batch.examples;

import io.prism.batch.api.InvalidInputException;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.core.schedule.ScheduleConfigLoader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of {@link NightlyJobMain}, checked in full before anything is written: a bad
 * value gives an {@link IllegalArgumentException} whose message names the option, the value and
 * what is wrong.
 *
 * @param work the work directory
 * @param latency the simulated latency of the replayed source
 * @param help whether {@code --help} asked for the usage
 * @param scheduleMode whether {@code --schedules} asked for the schedule mode
 * @param runFor how long the schedule mode runs; empty until stopped
 * @param fireNow the schedules to fire at once, in order
 * @param schedules the schedules to run
 * @param config where the schedules come from, for the output
 */
record NightlyOptions(Path work, Duration latency, boolean help, boolean scheduleMode,
    Optional<Duration> runFor, List<String> fireNow, List<Schedule> schedules, String config) {

  static final String USAGE = """
      usage: NightlyJobMain [workDir] [latencyMs] [--schedules [--for=DURATION]
                            [--fire-now=NAME[,NAME...]] [--config=schedules.yaml]] [--help]
        workDir               default target/prism-nightly; its data directory is recreated
        latencyMs             latency of the replayed source in ms, default 50
        --schedules           run the schedules with the scheduler instead of the job once
        --for=DURATION        stop the schedules after this long, ISO-8601 (PT30S, PT2M);
                              default: run until Ctrl-C
        --fire-now=NAME,...   fire these schedules at once, one after the other
        --config=FILE         the schedules; default the bundled example (the seed's)""";

  private static final Set<String> OPTIONS =
      Set.of("schedules", "for", "fire-now", "config", "help");
  private static final Set<String> SCHEDULE_OPTIONS = Set.of("for", "fire-now", "config");

  /**
   * Parses and checks the arguments; reads the schedules in schedule mode.
   *
   * @throws IllegalArgumentException naming the option or argument, its value and the fault
   */
  static NightlyOptions parse(String[] args) {
    MainArgs a = MainArgs.parse(args).requireKnown(OPTIONS);
    List<String> positional = a.positional();
    if (positional.size() > 2) {
      throw new IllegalArgumentException("unexpected argument " + positional.get(2)
          + ": the positional arguments are [workDir] [latencyMs]");
    }
    Path work = Path.of(positional.isEmpty() ? "target/prism-nightly" : positional.get(0));
    Duration latency = Duration.ofMillis(positional.size() > 1 ? latencyMs(positional.get(1)) : 50);
    for (String flag : List.of("schedules", "help")) {
      a.value(flag).filter(v -> !v.isEmpty()).ifPresent(v -> {
        throw new IllegalArgumentException("--" + flag + "=" + v + ": --" + flag
            + " takes no value");
      });
    }
    boolean scheduleMode = a.has("schedules");
    if (!scheduleMode) {
      for (String name : SCHEDULE_OPTIONS) {
        a.value(name).ifPresent(v -> {
          throw new IllegalArgumentException("--" + name + "=" + v + ": applies only with "
              + "--schedules");
        });
      }
      return new NightlyOptions(work, latency, a.has("help"), false, Optional.empty(),
          List.of(), List.of(), "");
    }
    Optional<Duration> runFor = a.value("for").map(NightlyOptions::runFor);
    Optional<String> file = a.value("config");
    List<Schedule> schedules = file.map(NightlyOptions::schedules)
        .orElseGet(ScheduleConfigLoader::example);
    String config = file.map(f -> Path.of(f).toAbsolutePath().normalize().toString())
        .orElse("the bundled example " + ScheduleConfigLoader.EXAMPLE_RESOURCE);
    List<String> fireNow = a.value("fire-now").map(v -> fireNow(v, schedules))
        .orElse(List.of());
    return new NightlyOptions(work, latency, a.has("help"), true, runFor, fireNow, schedules,
        config);
  }

  private static long latencyMs(String value) {
    try {
      long ms = Long.parseLong(value);
      if (ms >= 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("latencyMs " + value
        + ": must be a whole number of milliseconds, 0 or more");
  }

  private static Duration runFor(String value) {
    Duration d;
    try {
      d = Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--for=" + value
          + ": not an ISO-8601 duration; give e.g. PT30S, PT2M or PT1H");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("--for=" + value + ": must be longer than zero");
    }
    return d;
  }

  private static List<Schedule> schedules(String file) {
    if (file.isEmpty()) {
      throw new IllegalArgumentException("--config=: needs the path of a schedules YAML file");
    }
    try {
      return ScheduleConfigLoader.load(Path.of(file));
    } catch (InvalidInputException e) {
      throw new IllegalArgumentException("--config=" + file + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException("--config=" + file + ": cannot be read ("
          + e.getCause() + ")");
    }
  }

  private static List<String> fireNow(String value, List<Schedule> schedules) {
    List<String> known = schedules.stream().map(Schedule::name).toList();
    List<String> names = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      String n = name.strip();
      if (!known.contains(n)) {
        throw new IllegalArgumentException("--fire-now=" + value + ": "
            + (n.isEmpty() ? "an empty schedule name" : "no schedule is named " + n)
            + "; the schedules are " + String.join(", ", known));
      }
      names.add(n);
    }
    return List.copyOf(names);
  }
}
