package org.cercania.bench;

/**
 * One row of the benchmark table: what was timed ({@code name}: floor, an estimator case, exposure or
 * cross-join), how ({@code mode}: in_process, process or scaled), on how many rows, what it cost, its
 * ratio to the floor of the same panel (NaN when there is none), the overall ATT (NaN when none) and
 * whether its output agreed with its reference (null when nothing was compared).
 */
public record Measurement(String name, String mode, long rows, Reading reading, double floorSeconds, double estimate,
    Boolean agrees, String command) {
  public static final String IN_PROCESS = "in_process";
  public static final String PROCESS = "process";
  public static final String SCALED = "scaled";

  public double rowsPerSecond() {
    return rows / reading.seconds();
  }

  public double ratioToFloor() {
    return reading.seconds() / floorSeconds;
  }
}
