package org.cercania.did.fe;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One unit's observations in the regression's coordinates, kept sparse, for clusters that split
 * units (see {@link FixedEffectsRegression}): each observation has at most one time dummy, one
 * category dummy and the dense regressors. Demeaning within the unit is never materialised: sums
 * over demeaned values are raw sums minus the unit's mean term. Coordinates: time dummies first (levels 1..T-1), then the interest variables
 * (dense, then category levels).
 */
final class WithinUnit {
  private final List<FixedEffectsRegression.Obs> obs;
  private final int[][] idx;
  private final double[][] val;
  private final double[] mean;
  private final int[] touched;
  private final double sumW;
  private final double meanY;

  WithinUnit(List<FixedEffectsRegression.Obs> obs, int[] times, int kDense, Map<Integer, Integer> catIndex, int p) {
    this.obs = obs;
    int offset = times.length - 1;
    int n = obs.size();
    idx = new int[n][];
    val = new double[n][];
    mean = new double[p];
    boolean[] seen = new boolean[p];
    int nTouched = 0;
    int[] touchedAll = new int[p];
    double sw = 0;
    double sy = 0;
    for (int o = 0; o < n; o++) {
      FixedEffectsRegression.Obs ob = obs.get(o);
      int[] ix = new int[kDense + 2];
      double[] vx = new double[kDense + 2];
      int k = 0;
      int ti = Arrays.binarySearch(times, ob.time());
      if (ti > 0) {
        ix[k] = ti - 1;
        vx[k++] = 1;
      }
      for (int j = 0; j < kDense; j++) {
        if (ob.x()[j] != 0) {
          ix[k] = offset + j;
          vx[k++] = ob.x()[j];
        }
      }
      Integer ci = catIndex.get(ob.category());
      if (ci != null) {
        ix[k] = offset + ci;
        vx[k++] = 1;
      }
      idx[o] = Arrays.copyOf(ix, k);
      val[o] = Arrays.copyOf(vx, k);
      for (int a = 0; a < k; a++) {
        mean[ix[a]] += ob.w() * vx[a];
        if (!seen[ix[a]]) {
          seen[ix[a]] = true;
          touchedAll[nTouched++] = ix[a];
        }
      }
      sw += ob.w();
      sy += ob.w() * ob.y();
    }
    for (int t = 0; t < nTouched; t++) {
      mean[touchedAll[t]] /= sw;
    }
    touched = Arrays.copyOf(touchedAll, nTouched);
    sumW = sw;
    meanY = sy / sw;
  }

  /**
   * For each cluster in the unit: the sum over its observations of rows * x~ w e (x~ demeaned
   * regressors, e the residual), with {@code rows} the inverse Gram's rows of the interest
   * coefficients. The first cluster's array carries the unit's weighted residual sum of squares in
   * its last slot.
   */
  Map<String, double[]> influenceByCluster(double[] beta, double[][] rows) {
    int kInt = rows.length;
    double meanFit = 0;
    for (int a : touched) {
      meanFit += mean[a] * beta[a];
    }
    double[] rowsMean = new double[kInt];
    for (int k = 0; k < kInt; k++) {
      double s = 0;
      for (int a : touched) {
        s += rows[k][a] * mean[a];
      }
      rowsMean[k] = s;
    }
    Map<String, double[]> sums = new LinkedHashMap<>();
    Map<String, double[]> weRes = new LinkedHashMap<>();
    double ssr = 0;
    for (int o = 0; o < obs.size(); o++) {
      FixedEffectsRegression.Obs ob = obs.get(o);
      double fit = -meanFit;
      for (int a = 0; a < idx[o].length; a++) {
        fit += val[o][a] * beta[idx[o][a]];
      }
      double e = ob.y() - meanY - fit;
      double we = ob.w() * e;
      ssr += we * e;
      double[] s = sums.computeIfAbsent(ob.cluster(), c -> new double[kInt + 1]);
      for (int k = 0; k < kInt; k++) {
        double v = 0;
        for (int a = 0; a < idx[o].length; a++) {
          v += rows[k][idx[o][a]] * val[o][a];
        }
        s[k] += v * we;
      }
      weRes.computeIfAbsent(ob.cluster(), c -> new double[1])[0] += we;
    }
    for (Map.Entry<String, double[]> c : sums.entrySet()) {
      double swe = weRes.get(c.getKey())[0];
      for (int k = 0; k < kInt; k++) {
        c.getValue()[k] -= swe * rowsMean[k];
      }
    }
    sums.values().iterator().next()[kInt] = ssr;
    return sums;
  }
}
