package org.cercania.did;

import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.cercania.did.linalg.SymmetricSolver;

/**
 * p-values and intervals: Student t with G-1 degrees of freedom for clustered regression estimates,
 * as fixest does; the normal for influence-function estimates, as R did and didimputation do.
 */
public final class Inference {
  /** The 97.5% quantile of the standard normal. */
  public static final double Z95 = 1.959963984540054;

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

  public static double normalPValue(double estimate, double se) {
    if (!(se > 0)) {
      return Double.NaN;
    }
    return 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(estimate / se)));
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
