package org.cercania.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The machine a benchmark ran on, from the JVM and Linux's /proc: cores, memory, CPU model, load. */
final class Machine {
  private Machine() {}

  static String describe() {
    String model = field(Paths.get("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    String mem = field(Paths.get("/proc/meminfo"), "MemTotal")
        .map(v -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(v.replace("kB", "").trim()) / 1024.0 / 1024.0))
        .orElse("unknown memory");
    String load = read(Paths.get("/proc/loadavg")).map(l -> ", 1-minute load average " + l.split(" ")[0] + " when the table was written").orElse("");
    return String.format(Locale.ROOT, "%d cores, %s, %s, %s %s, Java %s%s", Runtime.getRuntime().availableProcessors(), mem, model,
        System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"), load);
  }

  private static Optional<String> field(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file)) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
          return Optional.of(line.substring(colon + 1).trim());
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static Optional<String> read(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
