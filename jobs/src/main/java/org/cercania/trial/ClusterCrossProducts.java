package org.cercania.trial;

import java.util.List;

/**
 * What the data pass leaves on the driver for one outcome: per cluster, the cross-products of the
 * columns [carrier, controls..., y] after the fixed effects were partialled out (p x p numbers per
 * cluster, p = controls + 2). An arm's regressor is the carrier times the cluster's arm dummy, so the
 * regression for ANY assignment of arms to clusters is assembled from these sums (randomisation
 * inference re-uses them) without another pass over the rows.
 *
 * @param clusters cluster ids, in the order of the arrays
 * @param controls names of the control columns (month effects, baseline outcome, covariates)
 * @param moments per cluster a full symmetric p x p matrix; index 0 the carrier, p-1 the outcome
 * @param rows observations per cluster
 * @param carrier what the carrier is: "post (within woman)" or "1"
 */
public record ClusterCrossProducts(List<String> clusters, List<String> controls, double[][][] moments, long[] rows,
    String carrier) {

  public int clusterCount() {
    return clusters.size();
  }

  public long observations() {
    long n = 0;
    for (long r : rows) {
      n += r;
    }
    return n;
  }

  /** The regression with arms assigned to clusters ({@code armOf[g]} in 0..arms-1, 0 = control). */
  public ClusterRegression regression(int[] armOf, int arms) {
    int m = controls.size();
    int k = arms - 1 + m;
    int p = m + 2;
    int g = clusters.size();
    double[][][] xx = new double[g][k][k];
    double[][] xy = new double[g][k];
    for (int c = 0; c < g; c++) {
      double[][] s = moments[c];
      int[] map = new int[p - 1];
      // position in x of each moment column: the carrier goes to its arm's column, or nowhere for control
      map[0] = armOf[c] == 0 ? -1 : armOf[c] - 1;
      for (int j = 1; j < p - 1; j++) {
        map[j] = arms - 1 + j - 1;
      }
      for (int i = 0; i < p - 1; i++) {
        if (map[i] < 0) {
          continue;
        }
        xy[c][map[i]] = s[i][p - 1];
        for (int j = 0; j < p - 1; j++) {
          if (map[j] >= 0) {
            xx[c][map[i]][map[j]] = s[i][j];
          }
        }
      }
    }
    return new ClusterRegression(xx, xy, observations());
  }
}
