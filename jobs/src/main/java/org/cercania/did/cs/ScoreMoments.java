package org.cercania.did.cs;

import java.util.Arrays;
import org.cercania.did.linalg.SmallMatrix;

/**
 * One cell's moments at its fitted propensity score, by control block (panel: the cell's controls;
 * cross-sections: the controls of the base period, then of t): sums of w r, w r X and w r (v - X b) X
 * (r = trimmed p / (1 - p)); the logit information h = X' diag(w p (1 - p)) X over the cell; and the
 * largest score.
 */
record ScoreMoments(double[] r, double[][] rx, double[][] rres, double[][] h, double maxScore) {

  /** The moments {@link PropensityScore#moments} summed for cell {@code i}. */
  static ScoreMoments at(double[] moments, int i, int k, int blocks) {
    int off = i * PropensityScore.stride(k, blocks);
    double[] r = new double[blocks];
    double[][] rx = new double[blocks][];
    double[][] rres = new double[blocks][];
    for (int s = 0; s < blocks; s++) {
      int o = off + s * (1 + 2 * k);
      r[s] = moments[o];
      rx[s] = Arrays.copyOfRange(moments, o + 1, o + 1 + k);
      rres[s] = Arrays.copyOfRange(moments, o + 1 + k, o + 1 + 2 * k);
    }
    double[][] h = SmallMatrix.block(moments, off + blocks * (1 + 2 * k), k);
    return new ScoreMoments(r, rx, rres, h, moments[off + PropensityScore.stride(k, blocks) - 1]);
  }

  /** The logit MLE without covariates: the weighted treated share of the cell, capped as DRDID caps scores. */
  static double constantScore(double swTreated, double swControls) {
    return Math.min(swTreated / (swTreated + swControls), 1 - 1e-6);
  }

  /**
   * The moments of an intercept-only score p, constant within the cell, from each block's sum of
   * weights sw, weighted sum of the value sv and regression intercept b; swCell the cell's sum of weights.
   */
  static ScoreMoments constant(double p, double[] sw, double[] sv, double[] b, double swCell) {
    double odds = CellModel.trimmedOdds(p);
    int blocks = sw.length;
    double[] r = new double[blocks];
    double[][] rx = new double[blocks][];
    double[][] rres = new double[blocks][];
    for (int s = 0; s < blocks; s++) {
      r[s] = odds * sw[s];
      rx[s] = new double[] {odds * sw[s]};
      rres[s] = new double[] {odds * (sv[s] - sw[s] * b[s])};
    }
    return new ScoreMoments(r, rx, rres, new double[][] {{p * (1 - p) * swCell}}, p);
  }
}
