package io.prism.batch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The output of a child JVM of an integration test, read on a thread of its own: all of it, for
 * failure messages, and its lines, to wait for.
 */
final class ChildOutput {
  private final StringBuffer all = new StringBuffer();
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread reader;

  ChildOutput(Process child, String name) {
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          all.append(line).append('\n');
          lines.add(line);
        }
      } catch (IOException e) {
        all.append("[reading the output failed: ").append(e).append("]\n");
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Waits for the next line that starts with {@code prefix}, skipping the others; fails, with
   * the output, at the timeout.
   */
  String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    return awaitLineWith(prefix, true, timeout);
  }

  /** Like {@link #awaitLine}, for a line that contains {@code text} anywhere. */
  String awaitLineContaining(String text, Duration timeout) throws InterruptedException {
    return awaitLineWith(text, false, timeout);
  }

  private String awaitLineWith(String text, boolean atStart, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      assertThat(left).as("a line %s %s within %s; output:%n%s",
          atStart ? "starting" : "containing", text, timeout, all).isPositive();
      String line = lines.poll(left, TimeUnit.NANOSECONDS);
      if (line != null && (atStart ? line.startsWith(text) : line.contains(text))) {
        return line;
      }
    }
  }

  /** Waits for the end of the output of an exited child. */
  void drain() throws InterruptedException {
    reader.join(TimeUnit.SECONDS.toMillis(10));
  }

  @Override
  public String toString() {
    return all.toString();
  }
}
