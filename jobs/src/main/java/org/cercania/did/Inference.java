package org.cercania.did;

import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/** p-values and intervals for clustered estimates: Student t with G-1 degrees of freedom, as fixest does. */
public final class Inference {
  private Inference() {}

  public static double tQuantile(long clusters, double p) {
    return new TDistribution(Math.max(1, clusters - 1)).inverseCumulativeProbability(p);
  }

  public static double pValue(double estimate, double se, long clusters) {
    if (!(se > 0)) {
      return Double.NaN;
    }
    double t = Math.abs(estimate / se);
    return 2 * (1 - new TDistribution(Math.max(1, clusters - 1)).cumulativeProbability(t));
  }

  /** Wald test of b = 0 with covariance v: returns {F = b'V^-1 b / q, p-value from F(q, G-1)}. */
  public static double[] waldF(double[] b, double[][] v, long clusters) {
    int q = b.length;
    double[][] inv = SymmetricSolver.invert(v);
    double w = 0;
    for (int i = 0; i < q; i++) {
      for (int j = 0; j < q; j++) {
        w += b[i] * inv[i][j] * b[j];
      }
    }
    double f = w / q;
    double p = 1 - new FDistribution(q, Math.max(1, clusters - 1)).cumulativeProbability(f);
    return new double[] {f, p};
  }
}
