package org.cercania.io;

import java.util.Locale;

/** Progress lines on standard output: {@code [stage] what: rows=N (S.s s)}, one per finished step. */
public final class Progress {
  private final String stage;
  private final long started = System.nanoTime();
  private long last = started;

  public Progress(String stage) {
    this.stage = stage;
  }

  /** Prints a step with its row count and the seconds since the previous step. */
  public void step(String what, long rows) {
    long now = System.nanoTime();
    System.out.println(String.format(Locale.ROOT, "[%s] %s: rows=%,d (%.1f s)", stage, what, rows, (now - last) / 1e9));
    last = now;
  }

  public void info(String what) {
    System.out.println("[" + stage + "] " + what);
  }

  /** Prints the stage's total time. */
  public void done() {
    System.out.println(String.format(Locale.ROOT, "[%s] done in %.1f s", stage, (System.nanoTime() - started) / 1e9));
  }

  public double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
