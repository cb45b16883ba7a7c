package org.cercania.distance;

import static org.cercania.distance.RingBruteForceTest.FROM;
import static org.cercania.distance.RingBruteForceTest.YEARS;
import static org.cercania.distance.RingBruteForceTest.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.cercania.distance.RingBruteForceTest.Estimate;
import org.cercania.distance.RingBruteForceTest.Unit;

/**
 * Callaway and Sant'Anna as R did 2.3.0 computes it, written out densely over one band's units
 * (the band's treated units and the never-exposed ones): att_gt with never-treated controls, the
 * varying base period and DRDID without covariates (a difference in mean changes), each cell with
 * its influence function, against the universal base period (the year before entry; that year's
 * cell is the reference, 0, as R did's base_period = "universal" has it); aggte's simple and dynamic aggregations, the cells weighted by cohort
 * shares pg with the influence function of the estimated weights (wif); the analytic SE with the
 * influence functions summed by cluster, sqrt(sum over clusters of the squared sums) / n. R did
 * keeps balanced units only (panel = TRUE), so a unit missing a year is left out. With CR2,
 * the residuals dy - mean of a cohort's treated units in one cluster are multiplied by
 * (I - H_cc)^(-1/2), H_cc = J / n_g the cluster's block of the cohort mean's hat matrix, by an
 * eigendecomposition (left plain when the cluster holds the whole cohort).
 */
final class DenseCs {
  /** ATT(g,t) (cohort as a year, t a period index) and its influence function over the balanced units. */
  record Cell(int cohort, int t, double att, double[] psi) {
    int eventTime() {
      return FROM + t - cohort;
    }

    boolean post() {
      return eventTime() >= 0;
    }
  }

  private final List<Unit> units;
  private final int[] cohortOf;
  private final Map<Integer, Double> cohortShare = new HashMap<>();
  private final List<Cell> cells = new ArrayList<>();

  private final boolean cr2;

  DenseCs(List<Unit> all) {
    this(all, false);
  }

  DenseCs(List<Unit> all, boolean cr2) {
    this.cr2 = cr2;
    units = all.stream().filter(u -> Arrays.stream(u.mean()).allMatch(m -> m != null)).toList();
    cohortOf = units.stream().mapToInt(u -> (int) classify(u)[1]).toArray();
    TreeSet<Integer> cohorts = new TreeSet<>();
    Arrays.stream(cohortOf).filter(g -> g > 0).forEach(cohorts::add);
    for (int c : cohorts) {
      cohortShare.put(c, (double) Arrays.stream(cohortOf).filter(g -> g == c).count() / units.size());
    }
    for (int c : cohorts) {
      int entry = c - FROM;
      for (int t = 0; t < YEARS; t++) {
        if (t == entry - 1) {
          cells.add(new Cell(c, t, 0.0, new double[units.size()])); // universal base: the reference cell, 0
        } else {
          cells.add(cell(c, t, entry - 1));
        }
      }
    }
  }

  /**
   * One group-time cell: the cohort's mean change from base to t minus the never-treated units'
   * mean change; influence function n/n1 (dy - mean) / share for each side (DRDID's, no covariates).
   */
  private Cell cell(int cohort, int t, int base) {
    int n = units.size();
    double sumG = 0;
    double nG = 0;
    double sumC = 0;
    double nC = 0;
    for (int i = 0; i < n; i++) {
      double dy = change(i, t, base);
      if (cohortOf[i] == cohort) {
        sumG += dy;
        nG++;
      } else if (cohortOf[i] == 0) {
        sumC += dy;
        nC++;
      }
    }
    double meanG = sumG / nG;
    double meanC = sumC / nC;
    double n1 = nG + nC;
    double[] psi = new double[n];
    double[] residual = new double[n];
    for (int i = 0; i < n; i++) {
      if (cohortOf[i] == cohort) {
        residual[i] = change(i, t, base) - meanG;
      }
    }
    if (cr2) {
      residual = cr2Adjusted(cohort, residual, (int) nG);
    }
    for (int i = 0; i < n; i++) {
      double dy = change(i, t, base);
      if (cohortOf[i] == cohort) {
        psi[i] = n / n1 * residual[i] / (nG / n1);
      } else if (cohortOf[i] == 0) {
        psi[i] = -n / n1 * (dy - meanC) / (nC / n1);
      }
    }
    return new Cell(cohort, t, meanG - meanC, psi);
  }

  /** The cohort's residuals, each cluster's block multiplied by (I - J / nG)^(-1/2). */
  private double[] cr2Adjusted(int cohort, double[] residual, int nG) {
    double[] out = residual.clone();
    Map<String, List<Integer>> byCluster = new TreeMap<>();
    for (int i = 0; i < units.size(); i++) {
      if (cohortOf[i] == cohort) {
        byCluster.computeIfAbsent(units.get(i).cluster(), k -> new ArrayList<>()).add(i);
      }
    }
    for (List<Integer> members : byCluster.values()) {
      int m = members.size();
      if (m == nG) {
        continue;
      }
      RealMatrix a = new Array2DRowRealMatrix(m, m);
      for (int r = 0; r < m; r++) {
        for (int c = 0; c < m; c++) {
          a.setEntry(r, c, (r == c ? 1.0 : 0.0) - 1.0 / nG);
        }
      }
      EigenDecomposition eig = new EigenDecomposition(a);
      RealMatrix inverseRoot = eig.getV().multiply(MatrixUtils.createRealDiagonalMatrix(
          Arrays.stream(eig.getRealEigenvalues()).map(v -> 1 / Math.sqrt(v)).toArray())).multiply(eig.getVT());
      for (int r = 0; r < m; r++) {
        double s = 0;
        for (int c = 0; c < m; c++) {
          s += inverseRoot.getEntry(r, c) * residual[members.get(c)];
        }
        out[members.get(r)] = s;
      }
    }
    return out;
  }

  private double change(int unit, int t, int base) {
    return units.get(unit).mean()[t] - units.get(unit).mean()[base];
  }

  /** aggte's simple aggregation: the post-treatment cells. */
  Estimate simple() {
    return aggregate(cells.stream().filter(Cell::post).toList());
  }

  /** aggte's dynamic aggregation: for every event time e, the cells with t - g = e (pre-treatment ones included). */
  Map<Integer, Estimate> dynamic() {
    Map<Integer, Estimate> out = new TreeMap<>();
    cells.stream().mapToInt(Cell::eventTime).distinct().forEach(e -> out.put(e, aggregate(cells.stream().filter(c -> c.eventTime() == e).toList())));
    return out;
  }

  /**
   * The keepers' ATTs weighted by pg / sum(pg); each unit's influence: sum_k pg_k / S psi_k plus
   * aggte's wif, sum_k att_k [(1{G = g_k} - pg_k) / S - sum_j (1{G = g_j} - pg_j) pg_k / S^2].
   */
  /** The dynamic aggregation's covariance between event times e and f: sum over clusters of S_e S_f / n^2. */
  double dynamicCovariance(int e, int f) {
    Map<String, Double> a = influenceByCluster(cells.stream().filter(c -> c.eventTime() == e).toList());
    Map<String, Double> b = influenceByCluster(cells.stream().filter(c -> c.eventTime() == f).toList());
    double sum = 0;
    for (Map.Entry<String, Double> x : a.entrySet()) {
      sum += x.getValue() * b.get(x.getKey());
    }
    return sum / ((double) units.size() * units.size());
  }

  private Estimate aggregate(List<Cell> keepers) {
    double shares = keepers.stream().mapToDouble(c -> cohortShare.get(c.cohort())).sum();
    double estimate = keepers.stream().mapToDouble(c -> cohortShare.get(c.cohort()) / shares * c.att()).sum();
    double squares = influenceByCluster(keepers).values().stream().mapToDouble(s -> s * s).sum();
    double se = Math.sqrt(squares) / units.size();
    return new Estimate(estimate, se > 1e-12 ? se : Double.NaN); // R did: no se where the influence is 0 (the reference)
  }

  /** Each cluster's sum of the aggregation's influence function over its units. */
  private Map<String, Double> influenceByCluster(List<Cell> keepers) {
    double shares = keepers.stream().mapToDouble(c -> cohortShare.get(c.cohort())).sum();
    Map<String, Double> byCluster = new HashMap<>();
    for (int i = 0; i < units.size(); i++) {
      double sumDeviation = 0;
      for (Cell c : keepers) {
        sumDeviation += (cohortOf[i] == c.cohort() ? 1 : 0) - cohortShare.get(c.cohort());
      }
      double influence = 0;
      for (Cell c : keepers) {
        double pg = cohortShare.get(c.cohort());
        double weightInfluence = ((cohortOf[i] == c.cohort() ? 1 : 0) - pg) / shares - sumDeviation * pg / (shares * shares);
        influence += c.psi()[i] * pg / shares + weightInfluence * c.att();
      }
      byCluster.merge(units.get(i).cluster(), influence, Double::sum);
    }
    return byCluster;
  }
}
