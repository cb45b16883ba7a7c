package org.cercania.distance;

import java.util.List;
import java.util.TreeSet;
import org.cercania.did.fe.SunAbraham;

/**
 * A band's event study with its full covariance, as HonestDiD's {@code createSensitivityResults}
 * takes it ({@code betahat}, {@code sigma}, {@code numPrePeriods}, {@code numPostPeriods}): the
 * Sun-Abraham interaction-weighted coefficients by event time e (every e except the reference -1:
 * a universal base period), each the share-weighted average s_e' b of the cohort x event-time cell
 * coefficients b, and their covariance S V S' from the cells' cluster-robust covariance V (the
 * delta method the library uses for each coefficient's standard error, here for every pair).
 */
public record EventCovariance(int[] eventTimes, double[] estimate, double[][] vcov) {

  /** From a Sun-Abraham fit; null when no cell was estimated. */
  public static EventCovariance of(SunAbraham.Result r) {
    List<SunAbraham.Cell> cells = r.cells();
    double[] b = r.cellBeta();
    double[][] v = r.cellVcov();
    TreeSet<Integer> rels = new TreeSet<>();
    for (int i = 0; i < cells.size(); i++) {
      if (Double.isFinite(b[i])) {
        rels.add(cells.get(i).rel());
      }
    }
    if (rels.isEmpty()) {
      return null;
    }
    int[] times = rels.stream().mapToInt(Integer::intValue).toArray();
    double[][] s = new double[times.length][cells.size()];
    double[] est = new double[times.length];
    for (int k = 0; k < times.length; k++) {
      double total = 0;
      for (int i = 0; i < cells.size(); i++) {
        if (Double.isFinite(b[i]) && cells.get(i).rel() == times[k]) {
          total += cells.get(i).size();
        }
      }
      for (int i = 0; i < cells.size(); i++) {
        if (Double.isFinite(b[i]) && cells.get(i).rel() == times[k]) {
          s[k][i] = cells.get(i).size() / total;
          est[k] += s[k][i] * b[i];
        }
      }
    }
    double[][] cov = new double[times.length][times.length];
    for (int k = 0; k < times.length; k++) {
      for (int l = 0; l <= k; l++) {
        double c = 0;
        for (int i = 0; i < cells.size(); i++) {
          if (s[k][i] == 0) {
            continue;
          }
          for (int j = 0; j < cells.size(); j++) {
            if (s[l][j] != 0) {
              c += s[k][i] * s[l][j] * v[i][j];
            }
          }
        }
        cov[k][l] = c;
        cov[l][k] = c;
      }
    }
    return new EventCovariance(times, est, cov);
  }

  /** Event times before -1 (HonestDiD's numPrePeriods). */
  public int preTimes() {
    int n = 0;
    for (int e : eventTimes) {
      if (e < -1) {
        n++;
      }
    }
    return n;
  }
}
