package org.cercania.did;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.analysis.integration.SimpsonIntegrator;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

/** The sup-t critical value against closed forms and a one-dimensional integral, to Monte Carlo precision. */
class SupTCriticalTest {
  private static final NormalDistribution N = new NormalDistribution();

  @Test
  void independentEstimatesGiveSidaksValue() {
    for (int k : new int[] {1, 3, 8}) {
      double[][] cov = new double[k][k];
      for (int i = 0; i < k; i++) {
        cov[i][i] = 0.5 + i; // scale does not matter
      }
      double sidak = N.inverseCumulativeProbability((1 + Math.pow(0.95, 1.0 / k)) / 2);
      assertEquals(sidak, Inference.supTCritical(cov, 0.95, 1L, 200_000), 0.01, "k=" + k);
    }
  }

  @Test
  void equicorrelatedEstimatesMatchTheIntegral() {
    int k = 5;
    double rho = 0.6;
    double[][] cov = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        cov[i][j] = i == j ? 4 : 4 * rho;
      }
    }
    double c = Inference.supTCritical(cov, 0.95, 7L, 200_000);
    // P(max |Z_i| <= c) for Z_i = sqrt(rho) U + sqrt(1 - rho) E_i: integral over U of the conditional probability to the k-th power
    double p = new SimpsonIntegrator(1e-10, 1e-10, 3, 30).integrate(1_000_000, u -> N.density(u) * Math.pow(
        N.cumulativeProbability((c - Math.sqrt(rho) * u) / Math.sqrt(1 - rho))
            - N.cumulativeProbability((-c - Math.sqrt(rho) * u) / Math.sqrt(1 - rho)), k), -9, 9);
    assertEquals(0.95, p, 0.002);
    double bonferroni = N.inverseCumulativeProbability(1 - 0.025 / k);
    assertTrue(c < bonferroni - 0.05, "correlated estimates: narrower than Bonferroni " + c + " vs " + bonferroni);
  }

  @Test
  void oneEstimateWithFewDegreesOfFreedomGivesStudentsQuantile() {
    for (double df : new double[] {2, 9, 30}) {
      double t = new TDistribution(df).inverseCumulativeProbability(0.975);
      assertEquals(t, Inference.supTCritical(new double[][] {{3.0}}, 0.95, 5L, 200_000, new double[] {df}), 0.01 * t, "df=" + df);
    }
  }

  @Test
  void independentEstimatesWithTheirOwnDegreesOfFreedomGiveTheProductOfStudentProbabilities() {
    double[] df = {4, 12, Double.POSITIVE_INFINITY};
    double[][] cov = {{1, 0, 0}, {0, 2, 0}, {0, 0, 0.5}};
    double c = Inference.supTCritical(cov, 0.95, 11L, 200_000, df);
    // P(max |T_k| <= c) = prod_k (2 F_k(c) - 1), solved for 0.95 by bisection
    double lo = 1.9;
    double hi = 6;
    for (int it = 0; it < 100; it++) {
      double mid = (lo + hi) / 2;
      double p = (2 * new TDistribution(4).cumulativeProbability(mid) - 1) * (2 * new TDistribution(12).cumulativeProbability(mid) - 1)
          * (2 * N.cumulativeProbability(mid) - 1);
      if (p < 0.95) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    assertEquals(lo, c, 0.02);
    assertEquals(Inference.supTCritical(cov, 0.95, 11L, 200_000), Inference.supTCritical(cov, 0.95, 11L, 200_000, null), 0.0);
  }

  @Test
  void degenerateCovarianceGivesNaN() {
    assertTrue(Double.isNaN(Inference.supTCritical(new double[][] {{1, 1}, {1, 1}}, 0.95, 1L, 1000)));
    assertTrue(Double.isNaN(Inference.supTCritical(new double[][] {{0, 0}, {0, 1}}, 0.95, 1L, 1000)));
  }
}
