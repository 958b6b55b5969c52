package io.prism.batch.examples;

import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleFire;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.api.schedule.Trigger;
import io.prism.batch.core.jobs.JobControl;
import io.prism.batch.core.schedule.LocalScheduler;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The schedule mode of {@link NightlyJobMain}: the schedules on a {@link LocalScheduler} over the
 * embedded stack, their jobs run through a {@link JobControl}, until {@code --for} is up, Ctrl-C
 * or an interrupt. Stopping closes the scheduler, cancels the jobs still running (their records
 * end {@code cancelled}), waits for their fires to end and closes the stores.
 */
final class NightlySchedules {
  /** How the fire lines name this process. */
  static final String WHO = "nightly";
  /** Syncs the records the warms changed into the RAG index and reconciles it. */
  static final String RAG_OPTIMIZATION = "maintenance_tasks.rag_optimization";
  /** How many of each schedule's next fires are printed on start. */
  static final int PREVIEW_COUNT = 3;

  private static final DateTimeFormatter PREVIEW =
      DateTimeFormatter.ofPattern("yyyy-MM-dd EEE HH:mm:ss", Locale.ROOT);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final NightlyOptions options;
  private final PrintStream out;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final long deadline;

  NightlySchedules(NightlyOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.deadline = System.nanoTime() + options.runFor().map(Duration::toNanos).orElse(0L);
  }

  /** Runs the schedules until stopped; returns once everything is closed. */
  void run() {
    SeedScheduleJobs.quietSchedulerLog();
    Path data = EmbeddedStack.freshDataDirectory(options.work().resolve("data"));
    out.println("Prism Batch nightly schedules on embedded defaults; data under "
        + data.toAbsolutePath().normalize() + "; schedules from " + options.config());
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      await(closed, CLOSE_WAIT);
    }, "prism-nightly-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (EmbeddedStack stack = EmbeddedStack.open(data, options.latency(), out)) {
      NightlyFlow flow = new NightlyFlow(out, options.work().resolve("reports"));
      flow.section("watchlists (" + NightlyFlow.USER + ")");
      flow.seedWatchlists(stack.lists());
      SeedScheduleJobs jobs = new SeedScheduleJobs(stack.jobs(), stack.lists(), out, WHO,
          flow::keep)
          .also(SeedScheduleJobs.PERFORMANCE_REPORT, "writing the run reports of the jobs finished since the "
              + "last reports", flow::writeReports)
          .also(RAG_OPTIMIZATION, "syncing the changed records into the RAG index and "
              + "reconciling it", () -> stack.syncRag(flow,
                  NightlyFlow.keysOf(stack.lists().activeAutoBatch()), rag -> { }));
      flow.section("schedules: the next " + PREVIEW_COUNT + " fires of each, in its zone");
      schedule(stack, jobs);
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it has what it waited for
      }
    }
  }

  private void schedule(EmbeddedStack stack, SeedScheduleJobs jobs) {
    ExecutorService fires = Executors.newCachedThreadPool(daemon("prism-nightly-fire-"));
    try (LocalScheduler scheduler = LocalScheduler.builder()
        .executor(fires).listener(jobs.printer()).build()) {
      JobControl control = JobControl.builder().jobs(stack.jobStore()).scheduler(scheduler)
          .build();
      try {
        for (Schedule s : options.schedules()) {
          scheduler.register(s, jobs.action(s.name(), control));
        }
        preview(scheduler);
        scheduler.start();
        out.println();
        out.println(WHO + " running " + options.runFor().map(d -> "for " + d)
            .orElse("until Ctrl-C") + (options.fireNow().isEmpty() ? ""
            : "; firing now: " + String.join(", ", options.fireNow())));
        fireNow(scheduler);
        while (!stopWithin(Duration.ofHours(1))) {
          // until --for is up, Ctrl-C or an interrupt
        }
        out.println(SeedScheduleJobs.TIME.format(Instant.now()) + " " + WHO + " stopping: "
            + (stop.getCount() == 0 ? "asked to stop"
                : "--for " + options.runFor().orElseThrow() + " is up"));
      } finally {
        scheduler.close(); // no new fires
        control.close(); // cancels the jobs still running; their records end cancelled
        fires.shutdown();
        awaitTermination(fires);
      }
      jobs.summary(scheduler.list());
    }
  }

  private void preview(LocalScheduler scheduler) {
    for (ScheduleStatus st : scheduler.list()) {
      Schedule s = st.schedule();
      List<String> next = scheduler.nextFireTimes(s.name(), PREVIEW_COUNT).stream()
          .map(PREVIEW::format).toList();
      out.printf("  %-38s %s %s, %s%s%s: %s%n", s.name(),
          s.trigger() instanceof Trigger.DailyAt ? "at" : "cron", s.trigger().text(), s.zone(),
          s.requiresTradingDay() ? ", trading days" : "", st.paused() ? ", paused" : "",
          next.isEmpty() ? "never" : String.join(", ", next));
    }
  }

  /** Fires the schedules of {@code --fire-now} in turn, each once the one before has ended. */
  private void fireNow(LocalScheduler scheduler) {
    for (String name : options.fireNow()) {
      Optional<ScheduleFire> fire = scheduler.fireNow(name);
      if (fire.isEmpty()) {
        out.println(WHO + ": the fire guard refused " + name + " now");
        continue;
      }
      while (scheduler.status(name).map(ScheduleStatus::running).orElse(false)) {
        if (stopWithin(POLL)) {
          return;
        }
      }
    }
  }

  /**
   * Waits up to {@code max} for a reason to stop: the end of {@code --for}, Ctrl-C (the shutdown
   * hook) or an interrupt.
   *
   * @return whether to stop
   */
  private boolean stopWithin(Duration max) {
    long wait = max.toNanos();
    if (options.runFor().isPresent()) {
      wait = Math.min(wait, deadline - System.nanoTime());
      if (wait <= 0) {
        return true;
      }
    }
    try {
      return stop.await(wait, TimeUnit.NANOSECONDS)
          || (options.runFor().isPresent() && deadline - System.nanoTime() <= 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.countDown();
      return true;
    }
  }

  private static void awaitTermination(ExecutorService fires) {
    try {
      fires.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch, Duration max) {
    try {
      latch.await(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
