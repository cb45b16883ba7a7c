package org.cercania.did.cs;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.cercania.did.DidSpec;
import scala.Tuple2;

/**
 * Pass (c): every unit's influence-function value for every target (each estimated ATT(g,t),
 * then each aggregation of {@link CsAggregation}), from the broadcast cell fits and target
 * coefficients; summed by cluster (a groupBy(cluster) when a cluster column is given, none when
 * units are the clusters), then one treeAggregate over clusters giving sum_c S_c^2 for every
 * target, the cross-products of the pre-treatment cells (Wald pre-test) and of the event-study
 * targets (their full covariance) and, when bootstrapping,
 * all B draws sum_c xi_{c,b} Sbar_c as one B x T array (not B Spark jobs).
 *
 * <p>With {@link CsOptions#cr2()} the treated units' part of each cell's influence function
 * (om (dY - mean of the cohort's dY) / mean weight, without covariates) gets Bell and McCaffrey's CR2
 * adjustment for the cohort's weighted mean: the cluster's residuals times (I - H_cc)^(-1/2), H_cc
 * the cluster's block of that mean's hat matrix (sqrt(w_i w_j) / W_g), which multiplies the cluster's
 * sum by sqrt(W_g / (W_g - W_gc)), W_g the cohort's weight and W_gc the cluster's share of it
 * (sqrt(n_g / (n_g - 1)) with one unit per cluster and equal weights; unbiased for the mean's variance
 * when the clusters' sums are independent and alike). The control part is unchanged (its clusters
 * are many). Clustered, this takes one more shuffle: psi is first summed by (cluster, cohort), then by
 * cluster. A cohort whose treated units all lie in one cluster has no adjustment (H_cc = I): its part
 * stays plain, and the result counts such cohorts.
 */
final class InfluencePass {
  private InfluencePass() {}

  /** What the driver gets back: O(T + P^2 + B * T) numbers. */
  static final class Result implements Serializable {
    /** Clusters buffered before their bootstrap terms are added, so each draw's row stays in cache. */
    private static final int BATCH = 64;
    /** Clusters whose multiplier combinations are tabulated together (2^GROUP sums). */
    private static final int GROUP = 8;
    final double[] sumSq;
    final double[] cross;
    /** Number of pre-treatment cells: cross is np x np. */
    private final int np;
    /** Targets whose full covariance is wanted (the event study), and their cross-products (upper triangle, then mirrored). */
    private final int[] joint;
    final double[] jointCross;
    final double[] boot;
    long clusters;
    /** With CR2: treated cohorts whose units all lie in one cluster (their part kept plain). */
    long singleClusterCohorts;
    private final long seed;
    private final int draws;
    private final CsOptions.Multiplier kind;
    private final double[][] pendingS;
    private final long[] pendingHash;
    private final double[] pendingInv;
    private int pending;

    Result(int targets, int pre, long seed, int draws, CsOptions.Multiplier kind) {
      this(targets, pre, new int[0], seed, draws, kind);
    }

    Result(int targets, int pre, int[] joint, long seed, int draws, CsOptions.Multiplier kind) {
      sumSq = new double[targets];
      cross = new double[pre * pre];
      np = pre;
      this.joint = joint;
      jointCross = new double[joint.length * joint.length];
      boot = new double[draws * targets];
      this.seed = seed;
      this.draws = draws;
      this.kind = kind;
      int batch = draws > 0 ? BATCH : 0;
      pendingS = new double[batch][];
      pendingHash = new long[batch];
      pendingInv = new double[batch];
    }

    /** Adds one cluster: S its psi sums, count its number of units. */
    Result add(String clusterId, double[] s, long count, int[] pre) {
      int nt = sumSq.length;
      clusters++;
      for (int t = 0; t < nt; t++) {
        sumSq[t] += s[t] * s[t];
      }
      addCross(cross, pre, s);
      addCross(jointCross, joint, s);
      if (draws > 0) {
        pendingS[pending] = s;
        pendingHash[pending] = MultiplierBootstrap.clusterHash(clusterId, seed);
        pendingInv[pending] = 1.0 / count;
        if (++pending == pendingS.length) {
          flush();
        }
      }
      return this;
    }

    /** Adds s[idx[i]] s[idx[j]] to the upper triangle (j >= i) of the idx.length x idx.length {@code into}. */
    private static void addCross(double[] into, int[] idx, double[] s) {
      int k = idx.length;
      for (int i = 0; i < k; i++) {
        double si = s[idx[i]];
        for (int j = i; j < k; j++) {
          into[i * k + j] += si * s[idx[j]];
        }
      }
    }

    /**
     * Adds the buffered clusters' terms to every bootstrap draw. A multiplier takes one of two
     * values, so for each group of up to 8 clusters the 2^8 possible signed sums are tabulated
     * once (each from a previous one by one vector addition) and a draw adds the one its 8
     * multipliers select: one vector addition per draw and group instead of 8.
     */
    Result flush() {
      int nt = sumSq.length;
      double lo = MultiplierBootstrap.low(kind);
      double step = MultiplierBootstrap.high(kind) - lo;
      for (int g0 = 0; g0 < pending; g0 += GROUP) {
        int k = Math.min(GROUP, pending - g0);
        double[][] table = new double[1 << k][nt];
        for (int c = 0; c < k; c++) {
          double[] s = pendingS[g0 + c];
          double scale = lo * pendingInv[g0 + c];
          for (int t = 0; t < nt; t++) {
            table[0][t] += scale * s[t];
          }
        }
        for (int m = 1; m < table.length; m++) {
          int bit = Integer.numberOfTrailingZeros(m);
          double[] prev = table[m & (m - 1)];
          double[] s = pendingS[g0 + bit];
          double scale = step * pendingInv[g0 + bit];
          double[] cur = table[m];
          for (int t = 0; t < nt; t++) {
            cur[t] = prev[t] + scale * s[t];
          }
        }
        for (int b = 0; b < draws; b++) {
          int m = 0;
          for (int c = 0; c < k; c++) {
            if (!MultiplierBootstrap.isLow(pendingHash[g0 + c], b, kind)) {
              m |= 1 << c;
            }
          }
          double[] row = table[m];
          int off = b * nt;
          for (int t = 0; t < nt; t++) {
            boot[off + t] += row[t];
          }
        }
      }
      Arrays.fill(pendingS, 0, pending, null);
      pending = 0;
      return this;
    }

    Result merge(Result o) {
      flush();
      o.flush();
      for (int i = 0; i < sumSq.length; i++) {
        sumSq[i] += o.sumSq[i];
      }
      for (int i = 0; i < cross.length; i++) {
        cross[i] += o.cross[i];
      }
      for (int i = 0; i < jointCross.length; i++) {
        jointCross[i] += o.jointCross[i];
      }
      for (int i = 0; i < boot.length; i++) {
        boot[i] += o.boot[i];
      }
      clusters += o.clusters;
      singleClusterCohorts += o.singleClusterCohorts;
      return this;
    }

    /** The pre-treatment cross-products, mirrored from the upper triangle the passes fill. */
    private Result finish() {
      flush();
      mirror(cross, np);
      mirror(jointCross, joint.length);
      return this;
    }

    private static void mirror(double[] m, int k) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < i; j++) {
          m[i * k + j] = m[j * k + i];
        }
      }
    }
  }

  /** Sparse rows of the map from cell psi to target psi, plus the cohort and constant terms. */
  static final class TargetMap implements Serializable {
    final int[][] idx;
    final double[][] val;
    final double[][] cohortCoef;
    final double[] constant;

    TargetMap(List<CsAggregation.Target> targets) {
      int nt = targets.size();
      idx = new int[nt][];
      val = new double[nt][];
      cohortCoef = new double[nt][];
      constant = new double[nt];
      for (int t = 0; t < nt; t++) {
        CsAggregation.Target tg = targets.get(t);
        double[] a = tg.cellCoef();
        int nz = 0;
        for (double v : a) {
          nz += v != 0 ? 1 : 0;
        }
        idx[t] = new int[nz];
        val[t] = new double[nz];
        int q = 0;
        for (int c = 0; c < a.length; c++) {
          if (a[c] != 0) {
            idx[t][q] = c;
            val[t][q++] = a[c];
          }
        }
        cohortCoef[t] = tg.cohortCoef();
        constant[t] = tg.constant();
      }
    }
  }

  /** {@code pre}: the pre-treatment cells (Wald pre-test); {@code joint}: targets whose full covariance is accumulated. */
  static Result run(AttGt est, List<CsAggregation.Target> targets, int[] pre, int[] joint, DidSpec spec, CsOptions options) {
    JavaRDD<UnitRow> units = est.panel.units;
    GtCell[] cells = est.cells.toArray(new GtCell[0]);
    CellModel[] models = est.models;
    TargetMap map = new TargetMap(targets);
    int[] cohorts = est.panel.cohorts;
    int p = est.panel.p;
    boolean includeEarly = est.includeEarly;
    int nt = targets.size();
    int draws = Math.max(0, spec.bootstrap());
    long seed = spec.seed();
    CsOptions.Multiplier kind = options.multiplier();
    JavaRDD<UnitRow> used = units.filter(u -> u.status == UnitRow.OK || (includeEarly && u.status == UnitRow.EARLY));
    Result zero = new Result(nt, pre.length, joint, seed, draws, kind);
    if (options.cr2()) {
      double[] cohortWeight = new double[cohorts.length];
      for (int i = 0; i < cohorts.length; i++) {
        cohortWeight[i] = est.pg[i] * est.n;
      }
      return cr2(used, cells, models, map, cohorts, p, cohortWeight, spec.cluster() != null, zero, pre);
    }
    if (spec.cluster() == null) {
      return used.treeAggregate(zero, (acc, u) -> acc.add(u.cluster, psi(u, cells, models, map, cohorts, p), 1, pre),
          Result::merge, 2).finish();
    }
    JavaPairRDD<String, double[]> byCluster = used
        .mapToPair(u -> {
          double[] s = psi(u, cells, models, map, cohorts, p);
          double[] withCount = Arrays.copyOf(s, s.length + 1);
          withCount[s.length] = 1;
          return new Tuple2<>(u.cluster, withCount);
        })
        .reduceByKey(PropensityScore::add);
    return byCluster.treeAggregate(zero,
        (acc, kv) -> acc.add(kv._1(), Arrays.copyOf(kv._2(), nt), Math.round(kv._2()[nt]), pre),
        Result::merge, 2).finish();
  }

  /**
   * The CR2 variant: per (cluster, cohort) the treated part T and the rest O of psi with the
   * cluster's weight in the cohort; S_c = sum over its cohorts of f T + O, f = sqrt(W_g / (W_g - W_gc))
   * (1 when the cluster holds the whole cohort). Unclustered, every unit is its own cluster.
   */
  private static Result cr2(JavaRDD<UnitRow> used, GtCell[] cells, CellModel[] models, TargetMap map, int[] cohorts, int p,
      double[] cohortWeight, boolean clustered, Result zero, int[] pre) {
    int nt = map.idx.length;
    if (!clustered) {
      return used.treeAggregate(zero, (acc, u) -> {
        double[] parts = psiParts(u, cells, models, map, cohorts, p);
        double[] out = combine(parts, nt, u.cohort, u.weight, cohorts, cohortWeight);
        acc.singleClusterCohorts += Math.round(out[nt]);
        return acc.add(u.cluster, Arrays.copyOf(out, nt), 1, pre);
      }, Result::merge, 2).finish();
    }
    JavaPairRDD<String, double[]> byCluster = used
        .mapToPair(u -> {
          double[] parts = psiParts(u, cells, models, map, cohorts, p);
          double[] v = Arrays.copyOf(parts, 2 * nt + 2);
          v[2 * nt] = u.weight;
          v[2 * nt + 1] = 1;
          return new Tuple2<>(new Tuple2<>(u.cluster, u.cohort), v);
        })
        .reduceByKey(PropensityScore::add)
        .mapToPair(kv -> {
          double[] v = kv._2();
          double[] out = combine(v, nt, kv._1()._2(), v[2 * nt], cohorts, cohortWeight);
          double[] withCount = Arrays.copyOf(out, nt + 2);
          withCount[nt + 1] = v[2 * nt + 1];
          return new Tuple2<>(kv._1()._1(), withCount);
        })
        .reduceByKey(PropensityScore::add);
    return byCluster.treeAggregate(zero, (acc, kv) -> {
      double[] v = kv._2();
      acc.singleClusterCohorts += Math.round(v[nt]);
      return acc.add(kv._1(), Arrays.copyOf(v, nt), Math.round(v[nt + 1]), pre);
    }, Result::merge, 2).finish();
  }

  /**
   * f T + O for parts [T | O] of one cluster's units in {@code cohort} of weight {@code w}, then 1
   * when the cluster holds the whole of a treated cohort (f = 1 then), else 0.
   */
  static double[] combine(double[] parts, int nt, int cohort, double w, int[] cohorts, double[] cohortWeight) {
    int gi = Arrays.binarySearch(cohorts, cohort);
    double f = 1;
    boolean single = false;
    if (gi >= 0) {
      double rest = cohortWeight[gi] - w;
      single = !(rest > 1e-12 * cohortWeight[gi]);
      f = single ? 1 : Math.sqrt(cohortWeight[gi] / rest);
    }
    double[] out = new double[nt + 1];
    for (int t = 0; t < nt; t++) {
      out[t] = f * parts[t] + parts[nt + t];
    }
    out[nt] = single ? 1 : 0;
    return out;
  }

  /** psi of one unit for every target. */
  static double[] psi(UnitRow u, GtCell[] cells, CellModel[] models, TargetMap map, int[] cohorts, int p) {
    double[] parts = psiParts(u, cells, models, map, cohorts, p);
    int nt = map.idx.length;
    double[] out = new double[nt];
    for (int t = 0; t < nt; t++) {
      out[t] = parts[t] + parts[nt + t];
    }
    return out;
  }

  /**
   * psi of one unit for every target in two parts: [0, nt) from the cells where the unit is
   * treated, [nt, 2 nt) the rest (cells where it is a control, the cohort-weight and constant terms).
   */
  static double[] psiParts(UnitRow u, GtCell[] cells, CellModel[] models, TargetMap map, int[] cohorts, int p) {
    double[] cellPsi = new double[cells.length];
    boolean[] treated = new boolean[cells.length];
    double[] x = new double[p + 1];
    if (u.status == UnitRow.OK) {
      for (GtCell c : cells) {
        CellModel m = models[c.index()];
        if (m == null) {
          continue;
        }
        int role = c.role(u.cohort);
        if (CellStatistics.group(u, c, role) < 0) {
          continue;
        }
        CellStatistics.design(u, c, p, x);
        cellPsi[c.index()] = m.psi(u, c, role, x);
        treated[c.index()] = role == 1;
      }
    }
    int gi = Arrays.binarySearch(cohorts, u.cohort);
    int nt = map.idx.length;
    double[] out = new double[2 * nt];
    for (int t = 0; t < nt; t++) {
      double own = 0;
      double rest = map.constant[t];
      int[] ix = map.idx[t];
      double[] v = map.val[t];
      for (int q = 0; q < ix.length; q++) {
        if (treated[ix[q]]) {
          own += v[q] * cellPsi[ix[q]];
        } else {
          rest += v[q] * cellPsi[ix[q]];
        }
      }
      if (gi >= 0) {
        rest += u.weight * map.cohortCoef[t][gi];
      }
      out[t] = own;
      out[nt + t] = rest;
    }
    return out;
  }
}
