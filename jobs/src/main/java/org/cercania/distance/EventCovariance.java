package org.cercania.distance;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.cercania.did.cs.CallawaySantAnna;
import org.cercania.did.fe.SunAbraham;

/**
 * A band's event study with its full covariance, as HonestDiD's {@code createSensitivityResults}
 * takes it ({@code betahat}, {@code sigma}, {@code numPrePeriods}, {@code numPostPeriods}): the
 * Sun-Abraham interaction-weighted coefficients by event time e (every e except the reference -1:
 * a universal base period), each the share-weighted average s_e' b of the cohort x event-time cell
 * coefficients b, and their covariance S V S' from the cells' cluster-robust covariance V (the
 * delta method the library uses for each coefficient's standard error, here for every pair); or
 * Callaway-Sant'Anna's dynamic aggregation with a universal base period and the covariance of its
 * influence functions (as HonestDiD's vignette takes it from R did's aggte).
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

  /**
   * From cs's dynamic aggregation with a universal base period: its event terms without the
   * reference -1 (0 by construction) and the rows of its covariance table (row_term, col_term,
   * value; terms dynamic::e); null when no other event time was estimated.
   */
  public static EventCovariance ofCs(List<RingEstimate.EventTerm> events, List<Row> covariance) {
    int[] times = events.stream().mapToInt(RingEstimate.EventTerm::e).filter(e -> e != -1).sorted().toArray();
    if (times.length == 0) {
      return null;
    }
    double[] est = new double[times.length];
    for (RingEstimate.EventTerm t : events) {
      int k = Arrays.binarySearch(times, t.e());
      if (k >= 0) {
        est[k] = t.estimate();
      }
    }
    double[][] cov = new double[times.length][times.length];
    for (Row r : covariance) {
      int a = Arrays.binarySearch(times, eventTime(r.getString(0)));
      int b = Arrays.binarySearch(times, eventTime(r.getString(1)));
      if (a >= 0 && b >= 0) {
        cov[a][b] = r.getDouble(2);
      }
    }
    return new EventCovariance(times, est, cov);
  }

  private static int eventTime(String term) {
    return Integer.parseInt(term.substring(CallawaySantAnna.DYNAMIC_PREFIX.length()));
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
