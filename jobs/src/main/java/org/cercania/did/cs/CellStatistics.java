package org.cercania.did.cs;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.cercania.did.linalg.SmallMatrix;

/**
 * Pass (b): one treeAggregate over the unit rows giving, for every (g,t) cell and every group of
 * the cell (panel: treated, control; repeated cross-sections: treated/control x base/current
 * period), the count n, the weighted cross-products X'WX and X'Wv (v = outcome change for a panel,
 * the outcome for cross-sections; X = intercept + covariates), plus unit counts and weight sums by
 * cohort and the count of rows in each {@link UnitRow} status. The driver receives O(cells * k^2)
 * numbers, whatever the number of units.
 */
final class CellStatistics implements Serializable {
  final int k;
  final int groups;
  final int stride;
  final double[] sums;
  /** By index of {@code allCohorts}: unit count and weight sum of units in cells' populations (OK and EARLY). */
  final double[] cohortSums;
  final long[] status;
  final String[] example;

  private CellStatistics(int cells, int k, int groups, int cohorts) {
    this.k = k;
    this.groups = groups;
    this.stride = 1 + k * k + k;
    this.sums = new double[cells * groups * stride];
    this.cohortSums = new double[cohorts * 2];
    this.status = new long[UnitRow.STATUSES];
    this.example = new String[UnitRow.STATUSES];
  }

  static CellStatistics collect(JavaRDD<UnitRow> units, List<GtCell> cells, int[] periods, int[] allCohorts, int p,
      boolean crossSection) {
    int k = p + 1;
    int groups = crossSection ? 4 : 2;
    CellStatistics zero = new CellStatistics(cells.size(), k, groups, allCohorts.length);
    GtCell[] cs = cells.toArray(new GtCell[0]);
    return units.treeAggregate(zero, (acc, u) -> acc.add(u, cs, allCohorts, p), CellStatistics::merge, 2);
  }

  /** Group index of a unit in a cell, or -1 when the unit is not part of it. */
  static int group(UnitRow u, GtCell c, int role) {
    if (role < 0) {
      return -1;
    }
    int side = role == 1 ? 0 : 1;
    if (u.period < 0) {
      return side;
    }
    if (u.period == c.tIdx()) {
      return side * 2 + 1;
    }
    return u.period == c.baseIdx() ? side * 2 : -1;
  }

  /** The value a cell regresses for a unit: the outcome change (panel) or the outcome (cross-section). */
  static double value(UnitRow u, GtCell c) {
    return u.period < 0 ? u.y[c.tIdx()] - u.y[c.baseIdx()] : u.y[0];
  }

  static void design(UnitRow u, GtCell c, int p, double[] x) {
    u.design(c.covariateIdx(), p, x);
  }

  private CellStatistics add(UnitRow u, GtCell[] cells, int[] allCohorts, int p) {
    status[u.status]++;
    if (example[u.status] == null || u.id.compareTo(example[u.status]) < 0) {
      example[u.status] = u.id;
    }
    if (u.status != UnitRow.OK && u.status != UnitRow.EARLY) {
      return this;
    }
    int ci = Arrays.binarySearch(allCohorts, u.cohort);
    if (ci >= 0) {
      cohortSums[2 * ci] += 1;
      cohortSums[2 * ci + 1] += u.weight;
    }
    if (u.status != UnitRow.OK) {
      return this;
    }
    double[] x = new double[k];
    double w = u.weight;
    for (GtCell c : cells) {
      int grp = group(u, c, c.role(u.cohort));
      if (grp < 0) {
        continue;
      }
      double v = value(u, c);
      design(u, c, p, x);
      int off = (c.index() * groups + grp) * stride;
      sums[off] += 1;
      int o = off + 1;
      for (int a = 0; a < k; a++) {
        double wa = w * x[a];
        for (int b = 0; b < k; b++) {
          sums[o + a * k + b] += wa * x[b];
        }
        sums[o + k * k + a] += wa * v;
      }
    }
    return this;
  }

  private CellStatistics merge(CellStatistics o) {
    for (int i = 0; i < sums.length; i++) {
      sums[i] += o.sums[i];
    }
    for (int i = 0; i < cohortSums.length; i++) {
      cohortSums[i] += o.cohortSums[i];
    }
    for (int i = 0; i < status.length; i++) {
      status[i] += o.status[i];
      if (o.example[i] != null && (example[i] == null || o.example[i].compareTo(example[i]) < 0)) {
        example[i] = o.example[i];
      }
    }
    return this;
  }

  long count(int cell, int grp) {
    return Math.round(sums[(cell * groups + grp) * stride]);
  }

  /** X'WX of a group of a cell. */
  double[][] xx(int cell, int grp) {
    return SmallMatrix.block(sums, (cell * groups + grp) * stride + 1, k);
  }

  /** X'Wv of a group of a cell. */
  double[] xv(int cell, int grp) {
    int o = (cell * groups + grp) * stride + 1 + k * k;
    return Arrays.copyOfRange(sums, o, o + k);
  }
}
