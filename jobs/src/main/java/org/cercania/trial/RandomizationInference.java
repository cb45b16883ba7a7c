package org.cercania.trial;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Randomisation inference under the sharp null that no arm changes anyone's outcome: the outcomes stay
 * as observed and the actual assignment procedure ({@link ArmAssignment}, re-randomisation rule
 * included) is re-run on the drawn clusters; each re-assignment's regression is assembled from the
 * same per-cluster sums. The statistic is the absolute cluster-robust t (the randomisation-t, Young
 * 2019); the p-value is the share of re-assignments at least as extreme as the observed one.
 */
public final class RandomizationInference {
  private RandomizationInference() {}

  /** p-values, one per contrast. */
  public static double[] pValues(ClusterCrossProducts cp, int arms, int[] observed, List<Contrast> contrasts,
      ArmAssignment procedure, int draws, long seed) {
    ClusterRegression reg = cp.regression(observed, arms);
    int k = reg.regressors();
    double[] tObs = new double[contrasts.size()];
    for (int c = 0; c < tObs.length; c++) {
      tObs[c] = Math.abs(reg.t(contrasts.get(c).vector(k)));
    }
    int[] hits = new int[contrasts.size()];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int b = 0; b < draws; b++) {
      ClusterRegression re = cp.regression(procedure.draw(rng).armOf(), arms);
      for (int c = 0; c < tObs.length; c++) {
        double t = Math.abs(re.t(contrasts.get(c).vector(k)));
        // relative tolerance: the observed assignment drawn again must count as a tie
        if (!(t < tObs[c] * (1 - 1e-9))) {
          hits[c]++;
        }
      }
    }
    double[] p = new double[hits.length];
    for (int c = 0; c < p.length; c++) {
      p[c] = (double) hits[c] / draws;
    }
    return p;
  }
}
