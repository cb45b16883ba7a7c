package org.cercania.trial;

import org.cercania.did.linalg.SmallMatrix;
import org.cercania.did.linalg.SymmetricSolver;

/**
 * Least squares from per-cluster cross-products (X_g'X_g, X_g'y_g), with the CR1 cluster-robust
 * variance of a linear combination r'beta: c (r'A^-1) sum_g s_g s_g' (A^-1 r), s_g = X_g'y_g - X_g'X_g beta,
 * c = G/(G-1) (N-1)/(N-K), K the explicit regressors (fixed effects nested in clusters are not counted,
 * as in fixest and Stata's xtreg).
 */
public final class ClusterRegression {
  final double[][][] xx;
  final double[][] xy;
  final double[][] a;
  final double[][] aInv;
  final double[] beta;
  final long n;

  ClusterRegression(double[][][] xx, double[][] xy, long n) {
    this.xx = xx;
    this.xy = xy;
    this.n = n;
    int k = xy[0].length;
    a = new double[k][k];
    double[] b = new double[k];
    for (int g = 0; g < xx.length; g++) {
      for (int i = 0; i < k; i++) {
        b[i] += xy[g][i];
        for (int j = 0; j < k; j++) {
          a[i][j] += xx[g][i][j];
        }
      }
    }
    aInv = SymmetricSolver.invert(a);
    beta = SmallMatrix.times(aInv, b);
  }

  public int clusters() {
    return xx.length;
  }

  public int regressors() {
    return beta.length;
  }

  public long observations() {
    return n;
  }

  public double[] beta() {
    return beta.clone();
  }

  /** The CR1 small-sample factor G/(G-1) (N-1)/(N-K). */
  public double cr1Factor() {
    int g = clusters();
    return (double) g / (g - 1) * (n - 1) / (n - regressors());
  }

  /** Per-cluster scores X_g'(y_g - X_g b). */
  double[][] scores(double[] b) {
    double[][] s = new double[clusters()][];
    for (int g = 0; g < s.length; g++) {
      double[] fit = SmallMatrix.times(xx[g], b);
      s[g] = new double[b.length];
      for (int i = 0; i < b.length; i++) {
        s[g][i] = xy[g][i] - fit[i];
      }
    }
    return s;
  }

  public double estimate(double[] r) {
    return SmallMatrix.dot(r, beta);
  }

  /** The CR1 standard error of r'beta. */
  public double crveSe(double[] r) {
    double[] w = SmallMatrix.times(aInv, r);
    double v = 0;
    for (double[] s : scores(beta)) {
      double c = SmallMatrix.dot(w, s);
      v += c * c;
    }
    return Math.sqrt(cr1Factor() * v);
  }

  /** The CR1 t statistic of r'beta = 0. */
  public double t(double[] r) {
    return estimate(r) / crveSe(r);
  }
}
