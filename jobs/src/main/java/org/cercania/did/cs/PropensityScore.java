package org.cercania.did.cs;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.cercania.did.linalg.SmallMatrix;

/**
 * The per-cell logit of "treated" on the covariates (DRDID's propensity score, weighted by the
 * sampling weights), fitted for all cells at once by Newton-Raphson (IRLS): each iteration is one
 * treeAggregate over the unit rows summing every cell's score X'W(D - p) and information
 * X' diag(w p (1 - p)) X, so the driver holds O(cells * k^2) numbers. A final pass sums the
 * control-side moments that depend on the fitted scores.
 */
final class PropensityScore {
  private PropensityScore() {}

  static final int MAX_ITER = 50;

  /** Fitted coefficients by cell index (null for cells not asked for, or that did not converge). */
  static double[][] fit(JavaRDD<UnitRow> units, List<GtCell> cells, double[][] start, int p) {
    int k = p + 1;
    int m = cells.size();
    double[][] gamma = new double[m][];
    boolean[] active = new boolean[m];
    for (int i = 0; i < m; i++) {
      if (start[i] != null) {
        gamma[i] = start[i].clone();
        active[i] = true;
      }
    }
    for (int iter = 0; iter < MAX_ITER; iter++) {
      double[] acc = scoreAndInformation(units, cells, gamma, active.clone(), p);
      boolean any = false;
      for (int ci = 0; ci < m; ci++) {
        any |= active[ci] && newtonStep(acc, ci, k, gamma, active);
      }
      if (!any) {
        return gamma;
      }
    }
    for (int ci = 0; ci < m; ci++) {
      if (active[ci]) {
        gamma[ci] = null; // did not converge
      }
    }
    return gamma;
  }

  /** One IRLS pass: every active cell's score X'W(D - p) and information X' diag(w p (1 - p)) X at gamma. */
  private static double[] scoreAndInformation(JavaRDD<UnitRow> units, List<GtCell> cells, double[][] gamma, boolean[] act, int p) {
    int k = p + 1;
    int m = cells.size();
    final double[][] g = gamma.clone();
    GtCell[] cs = cells.toArray(new GtCell[0]);
    int stride = k + k * k;
    return units.treeAggregate(new double[m * stride], (a, u) -> {
      if (u.status != UnitRow.OK) {
        return a;
      }
      double[] x = new double[k];
      for (GtCell c : cs) {
        if (!act[c.index()]) {
          continue;
        }
        int role = c.role(u.cohort);
        if (CellStatistics.group(u, c, role) < 0) {
          continue;
        }
        CellStatistics.design(u, c, p, x);
        double ps = CellModel.logistic(SmallMatrix.dot(g[c.index()], x));
        double s = u.weight * (role - ps);
        double h = u.weight * ps * (1 - ps);
        int off = c.index() * stride;
        for (int i = 0; i < k; i++) {
          a[off + i] += s * x[i];
          for (int j = 0; j < k; j++) {
            a[off + k + i * k + j] += h * x[i] * x[j];
          }
        }
      }
      return a;
    }, PropensityScore::add, 2);
  }

  /**
   * Newton's step for cell ci from the pass's sums; a singular information or a non-finite step
   * drops the cell (gamma null), a step below the tolerance ends its iterations. True while it goes on.
   */
  private static boolean newtonStep(double[] acc, int ci, int k, double[][] gamma, boolean[] active) {
    int stride = k + k * k;
    double[] score = new double[k];
    System.arraycopy(acc, ci * stride, score, 0, k);
    double[][] inv = SmallMatrix.inverse(SmallMatrix.block(acc, ci * stride + k, k));
    if (inv == null) {
      gamma[ci] = null;
      active[ci] = false;
      return false;
    }
    double[] step = SmallMatrix.times(inv, score);
    double big = 0;
    double size = 0;
    for (int i = 0; i < k; i++) {
      gamma[ci][i] += step[i];
      big = Math.max(big, Math.abs(step[i]));
      size = Math.max(size, Math.abs(gamma[ci][i]));
    }
    if (!Double.isFinite(big)) {
      gamma[ci] = null;
      active[ci] = false;
      return false;
    }
    if (big <= 1e-11 * (1 + size)) {
      active[ci] = false;
      return false;
    }
    return true;
  }

  static double[] add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /** Layout of one cell's moments with {@code blocks} control blocks (1 panel; 2 cross-sections, C0 then C1). */
  static int stride(int k, int blocks) {
    return blocks * (1 + 2 * k) + k * k + 1;
  }

  /**
   * Moments at the fitted scores ({@link #stride} per cell), for the cells with a gamma: for each
   * control block (panel: the cell's controls; cross-sections: the control observations of the base
   * period, C0, and of t, C1), sums of w r, w r X and w r (v - X b) X with that block's control
   * regression b and the cell's value v (outcome change or outcome; r = trimmed p / (1 - p)); then,
   * over the cell, X' diag(w p (1 - p)) X and the largest score.
   */
  static double[] moments(JavaRDD<UnitRow> units, List<GtCell> cells, double[][] gamma, double[][][] beta, int p, int blocks) {
    int k = p + 1;
    int stride = stride(k, blocks);
    GtCell[] cs = cells.toArray(new GtCell[0]);
    int m = cs.length;
    double[] zero = new double[m * stride];
    return units.treeAggregate(zero, (a, u) -> {
      if (u.status != UnitRow.OK) {
        return a;
      }
      double[] x = new double[k];
      for (GtCell c : cs) {
        double[] g = gamma[c.index()];
        if (g == null || beta[c.index()] == null) {
          continue;
        }
        int role = c.role(u.cohort);
        int grp = CellStatistics.group(u, c, role);
        if (grp < 0) {
          continue;
        }
        CellStatistics.design(u, c, p, x);
        double ps = CellModel.pscore(g, 0, x);
        double w = u.weight;
        int off = c.index() * stride;
        if (role == 0) {
          int block = blocks == 1 ? 0 : grp - CrossSectionCellFit.C0;
          double res = CellStatistics.value(u, c) - SmallMatrix.dot(beta[c.index()][block], x);
          addControlMoments(a, off + block * (1 + 2 * k), w, CellModel.trimmedOdds(ps), res, x, k);
        }
        addHessian(a, off + blocks * (1 + 2 * k), off + stride - 1, w, ps, x, k);
      }
      return a;
    }, (a, b) -> mergeMoments(a, b, m, stride), 2);
  }

  /** Adds a control's w r, w r X and w r res X at offset {@code o}. */
  private static void addControlMoments(double[] a, int o, double w, double r, double res, double[] x, int k) {
    a[o] += w * r;
    for (int i = 0; i < k; i++) {
      a[o + 1 + i] += w * r * x[i];
      a[o + 1 + k + i] += w * r * res * x[i];
    }
  }

  /** Adds X' w p (1 - p) X at offset {@code o} and keeps the largest score p at {@code maxAt}. */
  private static void addHessian(double[] a, int o, int maxAt, double w, double ps, double[] x, int k) {
    double h = w * ps * (1 - ps);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        a[o + i * k + j] += h * x[i] * x[j];
      }
    }
    a[maxAt] = Math.max(a[maxAt], ps);
  }

  /** Sums two moment arrays of m cells, except each cell's last slot, which keeps the larger score. */
  private static double[] mergeMoments(double[] a, double[] b, int m, int stride) {
    for (int ci = 0; ci < m; ci++) {
      int off = ci * stride;
      for (int i = off; i < off + stride - 1; i++) {
        a[i] += b[i];
      }
      a[off + stride - 1] = Math.max(a[off + stride - 1], b[off + stride - 1]);
    }
    return a;
  }
}
