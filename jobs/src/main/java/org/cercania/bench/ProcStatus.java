package org.cercania.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's peak resident set from Linux's /proc/PID/status (VmHWM). */
final class ProcStatus {
  private ProcStatus() {}

  /** The peak resident set in bytes, or -1 when /proc does not tell (not Linux, or the process is gone). */
  static long peakRssBytes(Path procDir) {
    try {
      for (String line : Files.readAllLines(procDir.resolve("status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
