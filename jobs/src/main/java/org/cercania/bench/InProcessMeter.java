package org.cercania.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Times work inside this JVM: wall and process CPU time, the heap pools' peak usage (reset before)
 * and the peak resident set (VmHWM, reset before through /proc/self/clear_refs where Linux allows).
 */
public final class InProcessMeter {
  private static final Path SELF = Paths.get("/proc/self");

  private InProcessMeter() {}

  public static Reading measure(Runnable work) {
    System.gc(); // a clean heap, so the peak is this work's
    for (MemoryPoolMXBean pool : heapPools()) {
      pool.resetPeakUsage();
    }
    resetPeakRss();
    long t0 = System.nanoTime();
    double c0 = cpuSeconds();
    work.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = cpuSeconds() - c0;
    long heap = 0;
    for (MemoryPoolMXBean pool : heapPools()) {
      heap += pool.getPeakUsage().getUsed();
    }
    return new Reading(seconds, cpu, heap, ProcStatus.peakRssBytes(SELF));
  }

  /** CPU seconds of this JVM, all threads (the driver and the local executors). */
  public static double cpuSeconds() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static Iterable<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
  }

  private static void resetPeakRss() {
    try {
      Files.writeString(SELF.resolve("clear_refs"), "5"); // 5: reset the peak RSS (VmHWM) to the current RSS
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or not allowed: the peak is then the process's since it started, which bench.md says
    }
  }
}
