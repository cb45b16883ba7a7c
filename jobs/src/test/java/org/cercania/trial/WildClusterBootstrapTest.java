package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The wild cluster restricted bootstrap with 16 clusters against an exact enumeration of all 2^16
 * Rademacher sign vectors, each re-estimated by brute force on a dense design (woman dummies and all):
 * the fast algorithm on Spark's per-cluster sums must give the same p-value.
 */
@ExtendWith(SparkExtension.class)
class WildClusterBootstrapTest {
  static final List<String> ARMS = List.of("control", "training", "risk_scale", "both");
  static final int[] ARM_OF = {0, 1, 2, 3, 3, 2, 1, 0, 1, 0, 3, 2, 2, 3, 0, 1};
  static final double TIE = 1e-10;

  @Test
  void pValueEqualsExactEnumerationOfAllSignVectors(SparkSession spark) {
    DensePanel panel = new DensePanel(16, 3, 3, 7);
    ClusterCrossProducts cp = TrialDesignMatrix.crossProducts(panel.frame(spark, ARM_OF, ARMS), DensePanel.spec(), "y").sums();
    ClusterRegression reg = cp.regression(ARM_OF, 4);
    for (int arm = 1; arm <= 3; arm++) {
      double[] r = new Contrast(arm, 0, "").vector(reg.regressors());
      double exact = bruteForceP(panel, arm);
      WildClusterBootstrap.Result all = WildClusterBootstrap.test(reg, r, BootstrapWeights.RADEMACHER, 1 << 16, 1, 0.95);
      assertTrue(all.enumerated());
      assertEquals(exact, all.p(), 1e-12, "arm " + arm + ": enumerated p-value");
      int draws = 9999;
      WildClusterBootstrap.Result sampled = WildClusterBootstrap.test(reg, r, BootstrapWeights.RADEMACHER, draws, 11, 0.95);
      double se = Math.sqrt(exact * (1 - exact) / draws);
      assertEquals(exact, sampled.p(), 4 * se + 1.0 / draws, "arm " + arm + ": p-value from " + draws + " random draws");
    }
  }

  /** Enumerates every sign vector; for each, builds y* from the dense restricted fit and re-estimates densely. */
  static double bruteForceP(DensePanel panel, int arm) {
    int[] cluster = panel.clusterOfRow();
    double[] y = panel.y();
    double[][] x = panel.design(ARM_OF, 4, 0);
    double[][] p = DensePanel.projector(x);
    int j = arm - 1;
    int kExplicit = 3 + panel.months;
    double tObs = DensePanel.absT(x, p, y, cluster, 16, j, kExplicit);
    double[][] xr = panel.design(ARM_OF, 4, arm);
    double[] br = DensePanel.times(DensePanel.projector(xr), y);
    double[] fit = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      for (int c = 0; c < br.length; c++) {
        fit[i] += xr[i][c] * br[c];
      }
    }
    double[] ys = new double[y.length];
    int hits = 0;
    for (int b = 0; b < 1 << 16; b++) {
      for (int i = 0; i < y.length; i++) {
        double v = ((b >>> cluster[i]) & 1) == 0 ? 1 : -1;
        ys[i] = fit[i] + v * (y[i] - fit[i]);
      }
      if (!(DensePanel.absT(x, p, ys, cluster, 16, j, kExplicit) < tObs * (1 - TIE))) {
        hits++;
      }
    }
    return hits / 65536.0;
  }
}
