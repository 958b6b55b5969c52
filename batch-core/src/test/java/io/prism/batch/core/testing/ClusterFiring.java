package io.prism.batch.core.testing;

import io.prism.batch.api.schedule.FireGuard;
import io.prism.batch.api.schedule.Misfire;
import io.prism.batch.api.schedule.MisfireCause;
import io.prism.batch.api.schedule.Schedule;
import io.prism.batch.api.schedule.ScheduleFire;
import io.prism.batch.api.schedule.ScheduleListener;
import io.prism.batch.api.schedule.ScheduleStatus;
import io.prism.batch.core.schedule.LocalScheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A harness for proving that a shared {@link FireGuard} fires a schedule once per slot across
 * JVMs: the test starts two child JVMs ({@link #launch}), each a small main that builds its guard
 * and calls {@link #runNode}; every child runs a {@link LocalScheduler} in production mode (its
 * own thread, the system clock) with the per-second schedule {@value #SCHEDULE} ({@code * * * *
 * * *}) and records each fire it runs; the test then reads the records of both and checks them
 * with {@link #check}.
 *
 * <p>Protocol: a child prints {@code ready} once its guard is built, waits for {@code go <end
 * epoch second>} on standard input (so both start together), runs until its scheduler has
 * handled the slot at {@code end}, and prints {@code result jvm=… fired=… denied=… skipped=…
 * guardFailed=… failed=…}. The window is {@value #SECONDS_PROPERTY} seconds (default {@value
 * #DEFAULT_SECONDS}).
 */
public final class ClusterFiring {

  /** The schedule both JVMs run, {@value}. */
  public static final String SCHEDULE = "cluster.every_second";
  /** The system property with the window in seconds, {@value}. */
  public static final String SECONDS_PROPERTY = "prism.cluster.seconds";
  /** The window when the property is not set, {@value} seconds. */
  public static final int DEFAULT_SECONDS = 60;

  private static final Pattern RESULT = Pattern.compile(
      "result jvm=(\\S+) fired=(\\d+) denied=(\\d+) skipped=(\\d+) guardFailed=(\\d+)"
          + " failed=(\\d+)");

  private ClusterFiring() {}

  /**
   * Returns the window of a run.
   *
   * @return {@value #SECONDS_PROPERTY}, 5 to 3600, default {@value #DEFAULT_SECONDS}
   */
  public static int seconds() {
    int s = Integer.parseInt(System.getProperty(SECONDS_PROPERTY, "" + DEFAULT_SECONDS).trim());
    if (s < 5 || s > 3600) {
      throw new IllegalArgumentException(SECONDS_PROPERTY + " must be 5 to 3600, got " + s);
    }
    return s;
  }

  /** Records one fire run by a child, where the test can read it back. */
  @FunctionalInterface
  public interface Recorder {
    /**
     * Records a fire.
     *
     * @param fire the fire
     * @throws Exception if it cannot be recorded; the child then reports a failed fire
     */
    void record(ScheduleFire fire) throws Exception;
  }

  // ---- child side ----

  /**
   * Runs one cluster node in a child JVM: see the class comment. Returns when done; the caller
   * then exits the JVM.
   *
   * @param jvmId the name of this JVM in the records
   * @param guard the shared guard
   * @param recorder where fires are recorded
   * @throws Exception if the protocol breaks or the node does not finish in time
   */
  public static void runNode(String jvmId, FireGuard guard, Recorder recorder)
      throws Exception {
    PrintStream out = System.out;
    out.println("ready");
    out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String go = in.readLine();
    if (go == null || !go.startsWith("go ")) {
      throw new IllegalStateException("expected 'go <end epoch second>', got " + go);
    }
    Instant end = Instant.ofEpochSecond(Long.parseLong(go.substring(3).trim()));
    AtomicLong guardFailed = new AtomicLong();
    AtomicInteger inFlight = new AtomicInteger();
    LocalScheduler scheduler = LocalScheduler.builder()
        .fireGuard(guard)
        .threadName("cluster-" + jvmId)
        .listener(new ScheduleListener() {
          @Override
          public void onMisfire(Misfire m) {
            if (m.cause() == MisfireCause.GUARD_FAILED) {
              guardFailed.addAndGet(m.skippedCount());
            }
          }
        })
        .build();
    ScheduleStatus status;
    try {
      scheduler.register(Schedule.builder(SCHEDULE).cron("* * * * * *").zone(ZoneOffset.UTC)
          .build(), fire -> {
            inFlight.incrementAndGet();
            try {
              recorder.record(fire);
            } finally {
              inFlight.decrementAndGet();
            }
          });
      scheduler.start();
      Instant deadline = end.plusSeconds(30);
      while (!handled(scheduler, end)) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(jvmId + ": slot " + end + " not handled by " + deadline
              + "; status " + scheduler.status(SCHEDULE));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    } finally {
      scheduler.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    status = scheduler.status(SCHEDULE).orElseThrow();
    out.println("result jvm=" + jvmId + " fired=" + status.firedCount() + " denied="
        + status.deniedCount() + " skipped=" + status.skippedCount() + " guardFailed="
        + guardFailed.get() + " failed=" + status.failedCount());
    out.flush();
  }

  private static boolean handled(LocalScheduler scheduler, Instant slot) {
    Optional<ScheduleStatus> s = scheduler.status(SCHEDULE);
    return s.isPresent() && s.get().nextFireTime()
        .map(ZonedDateTime::toInstant).map(next -> next.isAfter(slot)).orElse(true);
  }

  // ---- parent side ----

  /**
   * Starts child JVMs running {@code main} with the test's class path, waits until each is
   * ready, and releases them together.
   *
   * @param main the child's main class
   * @param argsPerJvm each child's arguments, by JVM id
   * @param seconds the window
   * @return the running cluster
   * @throws IOException if a child cannot start or is not ready within a minute
   */
  public static Cluster launch(Class<?> main, Map<String, List<String>> argsPerJvm, int seconds)
      throws IOException {
    Cluster c = new Cluster();
    try {
      for (Map.Entry<String, List<String>> e : argsPerJvm.entrySet()) {
        List<String> cmd = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(e.getValue());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        c.children.put(e.getKey(), new Child(e.getKey(), p));
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      for (Child ch : c.children.values()) {
        if (ch.awaitLine("ready"::equals, deadline).isEmpty()) {
          throw new IOException("child " + ch.id + " not ready:\n" + ch.log());
        }
      }
      c.end = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(seconds + 1L);
      c.start = Instant.now();
      for (Child ch : c.children.values()) {
        OutputStream in = ch.process.getOutputStream();
        in.write(("go " + c.end.getEpochSecond() + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Two (or more) running child JVMs. Close it to kill any that still run. */
  public static final class Cluster implements AutoCloseable {
    private final Map<String, Child> children = new LinkedHashMap<>();
    private Instant start;
    private Instant end;

    private Cluster() {}

    /**
     * Returns when the children were released.
     *
     * @return the instant of {@code go}
     */
    public Instant start() {
      return start;
    }

    /**
     * Returns the last slot the children run to.
     *
     * @return the end slot
     */
    public Instant end() {
      return end;
    }

    /**
     * Waits for every child to print its result and exit 0.
     *
     * @param timeout how long to wait for all
     * @return each child's counts, by JVM id
     * @throws AssertionError naming the child and showing its output if one fails
     * @throws InterruptedException if interrupted
     */
    public Map<String, NodeResult> await(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      Map<String, NodeResult> out = new LinkedHashMap<>();
      for (Child ch : children.values()) {
        Optional<String> line = ch.awaitLine(l -> RESULT.matcher(l).matches(), deadline);
        long left = Math.max(1, deadline - System.nanoTime());
        if (line.isEmpty() || !ch.process.waitFor(left, TimeUnit.NANOSECONDS)
            || ch.process.exitValue() != 0) {
          throw new AssertionError("child " + ch.id + " did not finish cleanly (exit "
              + (ch.process.isAlive() ? "none yet" : ch.process.exitValue()) + "):\n"
              + ch.log());
        }
        Matcher m = RESULT.matcher(line.get());
        m.matches();
        out.put(ch.id, new NodeResult(m.group(1), Long.parseLong(m.group(2)),
            Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
            Long.parseLong(m.group(6))));
      }
      return out;
    }

    /**
     * Returns a child's output so far.
     *
     * @param jvmId the child
     * @return its standard output and error
     */
    public String log(String jvmId) {
      return children.get(jvmId).log();
    }

    @Override
    public void close() {
      children.values().forEach(c -> c.process.destroyForcibly());
    }
  }

  /**
   * One child's own counts.
   *
   * @param jvm the JVM id
   * @param fired slots it claimed and ran
   * @param denied slots the guard refused it (another JVM had them)
   * @param skipped slots it missed and skipped
   * @param guardFailed slots not run because the guard failed
   * @param failed fires whose recording failed
   */
  public record NodeResult(
      String jvm, long fired, long denied, long skipped, long guardFailed, long failed) {

    /**
     * Returns the slots it tried to claim.
     *
     * @return fired + denied
     */
    public long attempted() {
      return fired + denied;
    }
  }

  /**
   * What the records of a run show.
   *
   * @param first the first recorded slot
   * @param last the last recorded slot
   * @param bySlot the JVMs that ran each slot, in slot order
   * @param duplicates slots run more than once
   * @param missing seconds between the first and the last recorded slot that nobody ran
   * @param firedByJvm how many slots each JVM ran
   */
  public record Check(Instant first, Instant last, Map<Instant, List<String>> bySlot,
      List<Instant> duplicates, List<Instant> missing, Map<String, Long> firedByJvm) {

    /**
     * Returns the number of seconds from the first to the last recorded slot, both included.
     *
     * @return the window in slots
     */
    public long window() {
      return Duration.between(first, last).getSeconds() + 1;
    }
  }

  /**
   * Checks recorded fires: which slots ran more than once, which seconds between the first and
   * last recorded slot nobody ran, and how many each JVM ran.
   *
   * @param fires (slot, JVM id) of every recorded fire
   * @return the findings
   */
  public static Check check(List<Map.Entry<Instant, String>> fires) {
    if (fires.isEmpty()) {
      throw new AssertionError("no fire was recorded");
    }
    TreeMap<Instant, List<String>> bySlot = new TreeMap<>();
    Map<String, Long> byJvm = new TreeMap<>();
    for (Map.Entry<Instant, String> f : fires) {
      bySlot.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue());
      byJvm.merge(f.getValue(), 1L, Long::sum);
    }
    List<Instant> duplicates = new ArrayList<>();
    bySlot.forEach((slot, jvms) -> {
      if (jvms.size() > 1) {
        duplicates.add(slot);
      }
    });
    List<Instant> missing = new ArrayList<>();
    for (Instant t = bySlot.firstKey(); t.isBefore(bySlot.lastKey()); t = t.plusSeconds(1)) {
      if (!bySlot.containsKey(t)) {
        missing.add(t);
      }
    }
    return new Check(bySlot.firstKey(), bySlot.lastKey(), bySlot, duplicates, missing, byJvm);
  }

  /** One child JVM and a thread collecting its output. */
  private static final class Child {
    private final String id;
    private final Process process;
    private final StringBuilder log = new StringBuilder();
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Child(String id, Process process) {
      this.id = id;
      this.process = process;
      Thread reader = new Thread(this::read, "cluster-child-" + id);
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          synchronized (log) {
            log.append(l).append('\n');
          }
          lines.add(l);
        }
      } catch (IOException e) {
        synchronized (log) {
          log.append("(output lost: ").append(e).append(")\n");
        }
      }
    }

    Optional<String> awaitLine(Predicate<String> match, long deadlineNanos) {
      try {
        for (;;) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return Optional.empty();
          }
          String l = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)),
              TimeUnit.NANOSECONDS);
          if (l != null && match.test(l)) {
            return Optional.of(l);
          }
          if (l == null && !process.isAlive() && lines.isEmpty()) {
            return Optional.empty();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    String log() {
      synchronized (log) {
        return log.toString();
      }
    }
  }
}
