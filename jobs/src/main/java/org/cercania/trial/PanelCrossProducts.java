package org.cercania.trial;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The driver-side twin of {@link TrialDesignMatrix}'s fixed-effects pass for panels already in memory
 * (the Monte Carlo's simulated trials): the same columns [post, month_1..month_T, y], demeaned within
 * woman, summed per cluster. A test checks both give the same sums on the same panel.
 */
public final class PanelCrossProducts {
  private PanelCrossProducts() {}

  /** y[woman][month 0..T] (NaN = missing), clusterOf[woman] in 0..clusters-1. */
  public static ClusterCrossProducts fixedEffects(double[][] y, int[] clusterOf, List<String> clusterIds) {
    int months = y[0].length - 1;
    int p = months + 2;
    double[][][] m = new double[clusterIds.size()][p][p];
    long[] n = new long[clusterIds.size()];
    double[] mean = new double[p];
    double[] v = new double[p];
    for (int i = 0; i < y.length; i++) {
      int count = 0;
      Arrays.fill(mean, 0);
      for (int t = 0; t <= months; t++) {
        if (!Double.isNaN(y[i][t])) {
          count++;
          row(t, y[i][t], v);
          for (int j = 0; j < p; j++) {
            mean[j] += v[j];
          }
        }
      }
      double[][] mg = m[clusterOf[i]];
      for (int t = 0; t <= months; t++) {
        if (Double.isNaN(y[i][t])) {
          continue;
        }
        n[clusterOf[i]]++;
        row(t, y[i][t], v);
        for (int j = 0; j < p; j++) {
          v[j] -= mean[j] / count;
        }
        for (int a = 0; a < p; a++) {
          if (v[a] == 0) {
            continue;
          }
          for (int b = 0; b < p; b++) {
            mg[a][b] += v[a] * v[b];
          }
        }
      }
    }
    List<String> controls = new ArrayList<>();
    for (int t = 1; t <= months; t++) {
      controls.add("month_" + t);
    }
    return new ClusterCrossProducts(clusterIds, controls, m, n, "post (within woman)");
  }

  private static void row(int t, double y, double[] v) {
    Arrays.fill(v, 0);
    v[0] = t > 0 ? 1 : 0;
    if (t > 0) {
      v[t] = 1;
    }
    v[v.length - 1] = y;
  }
}
