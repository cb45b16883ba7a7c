package org.cercania.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cercania.errors.Errors;

/**
 * Times a whole process (JVM start included): wall time from start to exit, and, polled every
 * 100 ms while it runs, its CPU time and peak resident set (/proc/PID/status VmHWM). The last poll
 * before exit is what is reported, so up to 100 ms of CPU at the very end can be missed.
 */
public final class ProcessMeter {
  private static final long POLL_MS = 100;

  private ProcessMeter() {}

  public static Reading run(List<String> command, Map<String, String> env, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    Path proc = Paths.get("/proc", Long.toString(p.pid()));
    double cpu = 0;
    long rss = -1;
    while (p.isAlive()) {
      cpu = p.info().totalCpuDuration().map(Duration::toNanos).map(n -> n / 1e9).orElse(cpu);
      rss = Math.max(rss, ProcStatus.peakRssBytes(proc));
      p.waitFor(POLL_MS, TimeUnit.MILLISECONDS);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw Errors.subprocess(String.join(" ", command), p.exitValue(), log);
    }
    return new Reading(seconds, cpu, -1, rss);
  }
}
