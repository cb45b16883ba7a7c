package org.cercania.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What a benchmark run does: its output folder, the estimator cases, the launcher for whole-process
 * runs (null: skip them), the Spark master those runs get, and the exposure sizes (0 units: skip exposure).
 */
public record BenchSettings(Path dir, List<BenchCase> cases, Path launcher, String master, int exposureUnits,
    int exposureSample) {
  public boolean runProcesses() {
    return launcher != null;
  }

  public boolean runExposure() {
    return exposureUnits > 0;
  }
}
