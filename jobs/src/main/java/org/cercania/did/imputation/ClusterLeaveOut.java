package org.cercania.did.imputation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.cercania.did.imputation.Layout.Ob;
import scala.Tuple2;

/**
 * BJS's leave-out refinement of the conservative variance at the level of the cluster, as the Stata
 * did_imputation computes it with {@code leaveout}: within a cell (cohort x period, or cohort x group
 * x period for a group target), let W_c = sum w and T_c = sum w tau over the cell's treated
 * observations in cluster c, D = sum_c W_c^2 and S = sum_c W_c T_c. The cell's average is
 * tau_bar = S / D (each observation weighted by w W_c), and a treated residual is
 * (tau - tau_bar) D / (D - W_c^2). Summed over a cluster's observations of the cell with the target's
 * weights w / sum(w), this is (T_c - W_c S / D) / (1 - W_c^2 / D) / sum(w), which equals the sum of
 * tau - (the cell's average without cluster c): the cluster's own effects no longer shrink its
 * residuals towards zero. When the cluster is the unit (one observation per unit and cell) this is
 * the observation-level leave-one-out. A cell whose treated observations all lie in one cluster has
 * no leave-out average: its plain residuals (summing to zero over the cluster) are kept, and counted.
 *
 * <p>One Spark pass over the cached unit rows gives the (cluster, cell) sums W and T; the cells'
 * D and S are summed from them on the driver (one number per cell); each (cluster, cell) then gives
 * its cluster's treated part of the score directly, nothing per unit or per cluster collected.
 */
final class ClusterLeaveOut {
  /** Cells of the ATT and the event times (cohort x period), and of the group targets (cohort x group x period). */
  static final int COHORT_PERIOD = 0;
  static final int COHORT_GROUP_PERIOD = 1;
  /** A cell whose other clusters carry less than this share of its D counts as a single cluster's. */
  static final double TOL = 1e-12;

  private ClusterLeaveOut() {}

  /** One cluster's observations of one cell of one partition. */
  record Key(String cluster, int partition, int cell) implements Serializable {}

  /** Per partition and cell: D = sum_c W_c^2, S = sum_c W_c T_c, and the number of clusters. */
  record Totals(double[][] d, double[][] s, long[][] clusters) implements Serializable {
    /** Cells (of both partitions) with treated observations in a single cluster. */
    long singleClusterCells() {
      long n = 0;
      for (long[] p : clusters) {
        for (long c : p) {
          n += c == 1 ? 1 : 0;
        }
      }
      return n;
    }
  }

  /** The (cluster, cell) sums {W, T} of the imputed treated observations (units with untreated observations only). */
  static JavaPairRDD<Key, double[]> sums(JavaPairRDD<String, List<Ob>> units, Layout layout, double[] lambda) {
    return units.values().flatMapToPair(obs -> {
      List<Tuple2<Key, double[]>> out = new ArrayList<>();
      UnitArithmetic.forEachImputed(obs, layout, lambda, (o, tau) -> {
        out.add(new Tuple2<>(new Key(o.cluster(), COHORT_PERIOD, layout.cell(o)), new double[] {o.w(), o.w() * tau}));
        int gc = layout.groupCell(o);
        if (gc >= 0) {
          out.add(new Tuple2<>(new Key(o.cluster(), COHORT_GROUP_PERIOD, gc), new double[] {o.w(), o.w() * tau}));
        }
      });
      return out.iterator();
    }).reduceByKey((a, b) -> {
      Layout.add(a, b);
      return a;
    });
  }

  static Totals totals(JavaPairRDD<Key, double[]> sums, Layout layout) {
    int[] sizes = {layout.cells(), layout.groupCells()};
    Totals zero = new Totals(new double[][] {new double[sizes[0]], new double[sizes[1]]},
        new double[][] {new double[sizes[0]], new double[sizes[1]]}, new long[][] {new long[sizes[0]], new long[sizes[1]]});
    return sums.treeAggregate(zero, (acc, e) -> {
      int p = e._1().partition();
      int c = e._1().cell();
      acc.d()[p][c] += e._2()[0] * e._2()[0];
      acc.s()[p][c] += e._2()[0] * e._2()[1];
      acc.clusters()[p][c]++;
      return acc;
    }, (a, b) -> {
      for (int p = 0; p < 2; p++) {
        Layout.add(a.d()[p], b.d()[p]);
        Layout.add(a.s()[p], b.s()[p]);
        for (int c = 0; c < a.clusters()[p].length; c++) {
          a.clusters()[p][c] += b.clusters()[p][c];
        }
      }
      return a;
    }, 2);
  }

  /**
   * Each (cluster, cell)'s part of its cluster's score v r, per target: the ATT and the cell's event
   * time (cohort x period cells), or the cell's group (cohort x group x period cells).
   */
  static JavaPairRDD<String, double[]> scores(JavaPairRDD<Key, double[]> sums, Totals totals, Layout layout, double[] total) {
    int k = layout.targets();
    return sums.mapToPair(e -> {
      int p = e._1().partition();
      int c = e._1().cell();
      double d = totals.d()[p][c];
      double w = e._2()[0];
      double r = d > 0 ? e._2()[1] - w * totals.s()[p][c] / d : 0;
      if (d > 0 && d - w * w > TOL * d) {
        r *= d / (d - w * w);
      }
      double[] s = new double[k];
      for (int j : targets(layout, p, c)) {
        s[j] = r / total[j];
      }
      return new Tuple2<>(e._1().cluster(), s);
    });
  }

  /** The targets whose residuals a cell centres. */
  static int[] targets(Layout layout, int partition, int cell) {
    int nT = layout.periods().length;
    if (partition == COHORT_GROUP_PERIOD) {
      int g = (cell / nT) % layout.groups().length;
      return new int[] {1 + layout.horizons().length + g};
    }
    int cohort = layout.cohorts()[cell / nT];
    int h = Arrays.binarySearch(layout.horizons(), layout.periods()[cell % nT] - cohort);
    return h >= 0 ? new int[] {0, 1 + h} : new int[] {0};
  }
}
