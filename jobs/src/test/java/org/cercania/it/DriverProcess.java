package org.cercania.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.cercania.testing.Repo;

/**
 * A {@code bin/cercania} run (a spark-submit driver JVM: the launcher execs java, so the process is
 * the driver) whose output lines the test can wait for, and which it can SIGKILL. Every line goes to
 * {@code log}. The process and its descendants are killed on {@link #close()} and at JVM exit.
 */
final class DriverProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;
  private final Thread hook;
  private final long started = System.nanoTime();

  private DriverProcess(Process process, Path log) throws IOException {
    this.process = process;
    PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          w.println(line);
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException e) {
        // the process was killed: its output ends here
      } finally {
        w.close();
        synchronized (lines) {
          lines.notifyAll();
        }
      }
    }, "driver-output");
    reader.setDaemon(true);
    reader.start();
    this.hook = new Thread(() -> Processes.kill(process.toHandle()));
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code bin/cercania args} with the driver memory the team uses and {@code env} added. */
  static DriverProcess start(Path log, Map<String, String> env, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Repo.root().resolve("bin/cercania").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CERCANIA_DRIVER_MEMORY", "3g");
    pb.environment().putAll(env);
    System.out.println("starting: " + String.join(" ", cmd));
    return new DriverProcess(pb.start(), log);
  }

  long pid() {
    return process.pid();
  }

  /** Waits for a line matching {@code p}; false when the process ended or {@code minutes} passed first. */
  boolean await(Predicate<String> p, int minutes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (p.test(lines.get(seen))) {
            return true;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!reader.isAlive() && seen == lines.size())) {
          return false;
        }
        lines.wait(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
  }

  boolean saw(Predicate<String> p) {
    synchronized (lines) {
      return lines.stream().anyMatch(p);
    }
  }

  /** SIGKILL, as a machine or an operator would end the driver: no shutdown hooks, no cleanup. */
  void sigkill() throws InterruptedException {
    Processes.kill(process.toHandle());
    reader.join(TimeUnit.SECONDS.toMillis(30));
  }

  /** Waits for the exit code (SIGKILLs the driver and fails when it runs longer than {@code minutes}). */
  int waitFor(int minutes) throws InterruptedException {
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      sigkill();
      throw new IllegalStateException("the driver did not finish in " + minutes + " minutes");
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    return process.exitValue();
  }

  double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      Processes.kill(process.toHandle());
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs
    }
  }
}
