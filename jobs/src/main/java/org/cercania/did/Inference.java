package org.cercania.did;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.cercania.did.linalg.SymmetricSolver;

/**
 * p-values and intervals: Student t with G-1 degrees of freedom for clustered regression estimates,
 * as fixest does; the normal for influence-function estimates, as R did and didimputation do.
 */
public final class Inference {
  /** The 97.5% quantile of the standard normal. */
  public static final double Z95 = 1.959963984540054;

  private Inference() {}

  /** The {@code p} quantile of Student t with G-1 degrees of freedom (at least 1), G = {@code clusters}. */
  public static double tQuantile(long clusters, double p) {
    return studentQuantile(Math.max(1, clusters - 1), p);
  }

  /** Two-sided p-value against Student t with G-1 degrees of freedom (at least 1), G = {@code clusters}. */
  public static double pValue(double estimate, double se, long clusters) {
    return studentPValue(estimate, se, Math.max(1, clusters - 1));
  }

  /**
   * The {@code p} quantile of Student t with {@code df} degrees of freedom; of the normal when df is
   * infinite (or NaN).
   */
  public static double studentQuantile(double df, double p) {
    return df > 0 && Double.isFinite(df) ? new TDistribution(df).inverseCumulativeProbability(p)
        : new NormalDistribution().inverseCumulativeProbability(p);
  }

  /** Two-sided p-value of zero effect against Student t with {@code df} degrees of freedom (the normal when infinite). */
  public static double studentPValue(double estimate, double se, double df) {
    if (!(se > 0)) {
      return Double.NaN;
    }
    double t = Math.abs(estimate / se);
    return df > 0 && Double.isFinite(df) ? 2 * (1 - new TDistribution(df).cumulativeProbability(t)) : normalPValue(estimate, se);
  }

  public static double normalPValue(double estimate, double se) {
    if (!(se > 0)) {
      return Double.NaN;
    }
    return 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(estimate / se)));
  }

  /**
   * The critical value c of a sup-t band at {@code level} for estimates with covariance {@code cov}:
   * P(max_k |Z_k| / sd_k <= c) = level for Z ~ N(0, cov), by {@code draws} Gaussian draws from the
   * correlation matrix's Cholesky factor (fixed {@code seed}, so reproducible; Montiel Olea and
   * Plagborg-Moller 2019, the band R did's simultaneous intervals approximate with a multiplier
   * bootstrap). Tighter than Bonferroni when the estimates are correlated, equal to the independent
   * case's Sidak value when they are not. NaN when a variance is not positive or the correlation
   * matrix is not positive definite (the caller falls back to Bonferroni).
   */
  public static double supTCritical(double[][] cov, double level, long seed, int draws) {
    return supTCritical(cov, level, seed, draws, null);
  }

  /**
   * The sup-t critical value when estimate k's standard error has {@code df[k]} degrees of freedom:
   * draw k is Z_k / sqrt(X_k / df[k]), Z ~ N(0, corr) as above and X_k ~ chi-square(df[k])
   * independent across estimates (each standard error estimated from its own clusters), so that for one
   * estimate it is Student t's quantile. An infinite df (or {@code df} null) keeps the normal draw.
   */
  public static double supTCritical(double[][] cov, double level, long seed, int draws, double[] df) {
    int k = cov.length;
    double[][] corr = new double[k][k];
    for (int i = 0; i < k; i++) {
      if (!(cov[i][i] > 0)) {
        return Double.NaN;
      }
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        corr[i][j] = cov[i][j] / Math.sqrt(cov[i][i] * cov[j][j]);
      }
    }
    double[][] l;
    try {
      l = new org.apache.commons.math3.linear.CholeskyDecomposition(new org.apache.commons.math3.linear.Array2DRowRealMatrix(corr),
          1e-12, 1e-12).getL().getData();
    } catch (org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException
        | org.apache.commons.math3.linear.NonSymmetricMatrixException e) {
      return Double.NaN;
    }
    java.util.Random rng = new java.util.Random(seed);
    ChiSquaredDistribution[] chi = new ChiSquaredDistribution[k];
    RandomGenerator chiRng = new Well19937c(seed + 1);
    for (int i = 0; df != null && i < k; i++) {
      chi[i] = df[i] > 0 && Double.isFinite(df[i]) ? new ChiSquaredDistribution(chiRng, df[i]) : null;
    }
    double[] max = new double[draws];
    double[] z = new double[k];
    for (int d = 0; d < draws; d++) {
      for (int i = 0; i < k; i++) {
        z[i] = rng.nextGaussian();
      }
      double m = 0;
      for (int i = 0; i < k; i++) {
        double x = 0;
        for (int j = 0; j <= i; j++) {
          x += l[i][j] * z[j];
        }
        if (chi[i] != null) {
          x /= Math.sqrt(chi[i].sample() / df[i]);
        }
        m = Math.max(m, Math.abs(x));
      }
      max[d] = m;
    }
    java.util.Arrays.sort(max);
    return max[(int) Math.ceil(level * draws) - 1];
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
