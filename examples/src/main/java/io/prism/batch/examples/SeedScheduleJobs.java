package io.prism.batch.examples;

import io.prism.batch.api.data.DailyMetric;
import io.prism.batch.api.data.DataTypes;
import io.prism.batch.api.data.FreshnessPolicy;
import io.prism.batch.api.data.StockCode;
import io.prism.batch.api.data.Watchlist;
import io.prism.batch.api.data.WatchlistStore;
import io.prism.batch.api.schedule.FireAction;
import io.prism.batch.api.schedule.Misfire;
import io.prism.batch.api.schedule.ScheduleFire;
import io.prism.batch.api.schedule.ScheduleListener;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.core.jobs.JobControl;
import io.prism.batch.core.jobs.JobResult;
import io.prism.batch.core.jobs.WarmJobs;
import io.prism.batch.core.schedule.LocalScheduler;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the seed's schedules ({@code ScheduleConfigLoader.example()}) run in the example mains,
 * by schedule name, printing each fire and the result of its job:
 *
 * <ul>
 *   <li>{@code priority_batches.level_N} warms each active auto-batch watchlist of priority N
 *       ({@link WarmJobs#warmWatchlist}, one job record per list);
 *   <li>{@code maintenance_tasks.cache_cleanup} runs {@link WarmJobs#cacheClean()};
 *   <li>{@code market_tasks.*} run {@link WarmJobs#marketScan} over the stocks of the active
 *       auto-batch watchlists and every data type;
 *   <li>{@value #PERFORMANCE_REPORT} rolls the job metrics of the fire's day and the day before
 *       up into the job store ({@link JobControl#rollUpDailyMetrics}) and prints them, after
 *       any task given to {@link #also} for it;
 *   <li>another name given to {@link #also} runs the task given there;
 *   <li>any other name prints what would run: it is not part of the example.
 * </ul>
 */
final class SeedScheduleJobs {
  /** The seed's daily performance report, {@value}. */
  static final String PERFORMANCE_REPORT = "maintenance_tasks.performance_report";
  /** Wall-clock time of day, in the machine's zone, that the fire lines start with. */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

  private final WarmJobs jobs;
  private final WatchlistStore lists;
  private final PrintStream out;
  private final String who;
  private final Consumer<JobResult> results;
  private final Map<String, Task> extra = new HashMap<>();

  /**
   * @param who the name the fire lines give the process, e.g. a node id
   * @param results receives the result of every job the fires run
   */
  SeedScheduleJobs(WarmJobs jobs, WatchlistStore lists, PrintStream out, String who,
      Consumer<JobResult> results) {
    this.jobs = jobs;
    this.lists = lists;
    this.out = out;
    this.who = who;
    this.results = results;
  }

  /** Runs {@code task} on fires of {@code name}, after printing {@code what}. */
  SeedScheduleJobs also(String name, String what, Runnable task) {
    extra.put(name, new Task(what, task));
    return this;
  }

  /** Keeps the scheduler's own log to warnings (misfires): the fires are printed here. */
  static void quietSchedulerLog() {
    System.setProperty("org.slf4j.simpleLogger.log." + LocalScheduler.class.getName(), "warn");
  }

  /**
   * What runs when the schedule fires: its job, run through {@link JobControl#runHere} so that
   * the control can cancel it.
   */
  FireAction action(String name, JobControl control) {
    Consumer<ScheduleFire> work = work(name, control);
    return fire -> control.runHere(() -> work.accept(fire));
  }

  private void rollUpMetrics(ScheduleFire fire, JobControl control) {
    LocalDate day = fire.scheduledTime().atZone(FreshnessPolicy.SHANGHAI).toLocalDate();
    for (LocalDate d : List.of(day.minusDays(1), day)) {
      StringBuilder line = new StringBuilder("job metrics of " + d + ":");
      for (DailyMetric m : control.rollUpDailyMetrics(d)) {
        if (m.category().equals(DailyMetric.ALL_JOB_TYPES)) {
          line.append(' ').append(m.metricType()).append('=')
              .append(m.value().stripTrailingZeros().toPlainString());
        }
      }
      log(fire, line.toString());
    }
  }

  private Consumer<ScheduleFire> work(String name, JobControl control) {
    Task task = extra.get(name);
    Consumer<ScheduleFire> extraWork = fire -> {
      log(fire, task.what());
      task.run().run();
    };
    if (name.equals(PERFORMANCE_REPORT)) {
      Consumer<ScheduleFire> rollUp = fire -> rollUpMetrics(fire, control);
      return task == null ? rollUp : extraWork.andThen(rollUp);
    }
    if (task != null) {
      return extraWork;
    }
    if (name.startsWith("priority_batches.level_")) {
      int priority = Integer.parseInt(name.substring(name.length() - 1));
      return fire -> {
        List<Watchlist> due = new ArrayList<>();
        for (Watchlist w : lists.activeAutoBatch()) {
          if (w.priority() == priority) {
            due.add(w);
          }
        }
        log(fire, "warming " + due.size() + " watchlist(s) of priority " + priority);
        for (Watchlist w : due) {
          done(fire, jobs.warmWatchlist(w.id()));
        }
      };
    }
    if (name.equals("maintenance_tasks.cache_cleanup")) {
      return fire -> {
        log(fire, "cleaning the cache");
        done(fire, jobs.cacheClean());
      };
    }
    if (name.startsWith("market_tasks.")) {
      return fire -> {
        Set<String> stocks = watchedStocks(lists);
        if (stocks.isEmpty()) {
          log(fire, "no active auto-batch watchlist, nothing to scan");
          return;
        }
        log(fire, "scanning " + stocks.size() + " stocks");
        done(fire, jobs.marketScan(stocks, DataTypes.defaults().names()));
      };
    }
    return fire -> log(fire, "would run " + name + " (not part of this example)");
  }

  /** The stocks of the active auto-batch watchlists, which the market scans cover. */
  static Set<String> watchedStocks(WatchlistStore lists) {
    Set<String> stocks = new LinkedHashSet<>();
    for (Watchlist w : lists.activeAutoBatch()) {
      for (StockCode s : w.stocks()) {
        stocks.add(s.code());
      }
    }
    return stocks;
  }

  /** Prints, for each schedule that did anything here, its fires, denials, skips and failures. */
  void summary(List<ScheduleStatus> schedules) {
    for (ScheduleStatus s : schedules) {
      if (s.firedCount() + s.deniedCount() + s.skippedCount() > 0) {
        out.printf("  %-42s fired %d, claimed elsewhere %d, skipped %d, failed %d%n",
            s.name(), s.firedCount(), s.deniedCount(), s.skippedCount(), s.failedCount());
      }
    }
  }

  private void log(ScheduleFire fire, String what) {
    out.printf("%s %s fired %s (slot %s): %s%n", TIME.format(Instant.now()), who,
        fire.scheduleName(), fire.scheduledTime(), what);
  }

  private void done(ScheduleFire fire, JobResult r) {
    results.accept(r);
    log(fire, String.format(Locale.ROOT, "job %d %s %s, processed %d, failed %d, counts %s",
        r.job().id(), r.job().jobType(), r.job().status(), r.job().processedCount(),
        r.job().failedCount(), r.counts()));
  }

  /** Prints slots claimed by another node, misfires and failed fires, as they happen. */
  ScheduleListener printer() {
    return new ScheduleListener() {
      @Override
      public void onFireDenied(String scheduleName, Instant scheduledTime) {
        out.printf("%s %s skipped %s (slot %s): claimed elsewhere%n", TIME.format(Instant.now()),
            who, scheduleName, TIME.format(scheduledTime));
      }

      @Override
      public void onMisfire(Misfire m) {
        out.printf("%s %s misfire of %s: %d slot(s) from %s to %s (%s)%s%n",
            TIME.format(Instant.now()), who, m.scheduleName(), m.missedCount(), m.firstMissed(),
            m.lastMissed(), m.cause(), m.firedLate() ? ", the latest fired late" : "");
      }

      @Override
      public void onFireFailed(ScheduleFire fire, Throwable error) {
        log(fire, "failed: " + error);
      }
    };
  }

  private record Task(String what, Runnable run) {}
}
