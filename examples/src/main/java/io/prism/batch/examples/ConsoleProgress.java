package io.prism.batch.examples;

import io.prism.batch.api.BatchEvent;
import io.prism.batch.api.BatchListener;
import io.prism.batch.api.ProgressSnapshot;
import io.prism.batch.api.TaskState;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a batch's progress in the terminal: one line rewritten in place on a TTY, plain lines
 * (at most one a second) otherwise, e.g. in CI logs.
 */
final class ConsoleProgress implements BatchListener {
  private final PrintStream out;
  private final boolean tty;
  private long lastPlainLine;

  ConsoleProgress(PrintStream out) {
    this.out = out;
    this.tty = System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  @Override
  public void onEvent(BatchEvent event) {
    if (event instanceof BatchEvent.Progress p) {
      show(p.progress(), false);
    } else if (event instanceof BatchEvent.Status s) {
      out.println((tty ? "\r\033[K" : "") + "[" + s.batchId() + "] " + s.status() + ": " + s.message());
    } else if (event instanceof BatchEvent.Completed c) {
      out.println();
    }
  }

  private void show(ProgressSnapshot p, boolean force) {
    long now = System.nanoTime();
    String line = String.format(Locale.ROOT,
        "%5.1f%%  %d/%d done  ok %d  failed %d  retrying %d  running %d  %.0f tasks/s  ETA %s",
        p.fraction() * 100, p.finished(), p.total(), p.count(TaskState.SUCCEEDED),
        p.count(TaskState.FAILED), p.count(TaskState.RETRYING), p.count(TaskState.RUNNING),
        p.throughputPerSecond(), p.eta().map(d -> String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0)).orElse("?"));
    if (tty) {
      out.print("\r\033[K" + line);
      out.flush();
    } else if (force || now - lastPlainLine >= 1_000_000_000L) {
      out.println(line);
      lastPlainLine = now;
    }
  }
}
