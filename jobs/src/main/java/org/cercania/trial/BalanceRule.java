package org.cercania.trial;

import java.util.List;

/**
 * The re-randomisation rule: an arm assignment is kept only when every arm's standardised difference
 * from control, (mean_arm - mean_control) / sqrt((var_arm + var_control) / 2), is at most
 * {@code maxAbsStdDiff} in absolute value for every balance covariate; otherwise the arms are drawn
 * again, up to {@code maxTries} times. Randomisation inference applies the same rule to its draws.
 */
public record BalanceRule(List<String> covariates, double maxAbsStdDiff, int maxTries) {
  public static final int DEFAULT_TRIES = 10_000;

  /** True when the arms in {@code armOf} pass the rule on covariate columns {@code x[cluster][j]}. */
  public boolean passes(double[][] x, int[] armOf, int arms) {
    return BalanceTable.maxAbsStdDiff(x, armOf, arms) <= maxAbsStdDiff;
  }

  public String describe() {
    return "max |standardised difference| of each arm from control <= " + maxAbsStdDiff + " on " + String.join(", ", covariates)
        + " (up to " + maxTries + " draws)";
  }
}
