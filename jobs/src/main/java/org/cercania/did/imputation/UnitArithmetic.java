package org.cercania.did.imputation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cercania.did.imputation.Layout.Ob;
import scala.Tuple2;

/**
 * The per-unit arithmetic of the imputation passes, run on the executors over one unit's
 * observations at a time: its fixed effect given the period effects (pass 2 and 3), its imputed
 * treatment effects (pass 2) and its contributions v r to the clustered variance (pass 3).
 */
final class UnitArithmetic {
  /** A cell whose other observations carry less than this share of its w^2 counts as a single observation. */
  static final double LOO_TOL = 1e-12;

  private UnitArithmetic() {}

  /** The unit's fixed effect {alpha_i, W_i} given the period effects, null without untreated observations. */
  static double[] unitEffect(List<Ob> obs, Layout layout, double[] lambda) {
    double wi = 0;
    double s = 0;
    for (Ob o : obs) {
      if (!layout.treated(o)) {
        wi += o.w();
        s += o.w() * (o.y() - lambda[o.t()]);
      }
    }
    return wi > 0 ? new double[] {s / wi, wi} : null;
  }

  /** Pass 2 for one unit: its imputed treatment effects added to the tau sums and the cells' sums. */
  static TauSums addTaus(TauSums acc, List<Ob> obs, Layout layout, double[] lambda) {
    double[] fe = unitEffect(obs, layout, lambda);
    if (fe == null) {
      return acc;
    }
    for (Ob o : obs) {
      if (layout.imputable(o)) {
        double tau = o.y() - fe[0] - lambda[o.t()];
        acc.num[0] += o.w() * tau;
        for (int h : new int[] {layout.horizon(o), layout.groupTarget(o)}) {
          if (h > 0) {
            acc.num[h] += o.w() * tau;
          }
        }
        acc.cells.add(layout.cell(o), o.w(), tau);
        int gc = layout.groupCell(o);
        if (gc >= 0) {
          acc.groupCells.add(gc, o.w(), tau);
        }
      }
    }
    return acc;
  }

  /** How a treated residual is centred: the cells' mean effects and, for the leave-one-out refinement, their sums of w^2 (else null). */
  record Centring(double[] tauBar, double[] looW2, double[] groupTauBar, double[] groupLooW2) implements java.io.Serializable {

    /** tau - tau_bar of the cell, against the cell's mean without this observation when leave-one-out is on. */
    static double residual(double tau, int cell, double w, double[] tauBar, double[] looW2) {
      double r = tau - tauBar[cell];
      if (looW2 != null) {
        double rest = looW2[cell] - w * w;
        if (rest > LOO_TOL * looW2[cell]) {
          r *= looW2[cell] / rest;
        }
      }
      return r;
    }
  }

  /**
   * Pass 3 for one unit: sum of v * r per cluster and target. With the centring's {@code looW2} (the cells' sums of
   * w^2; null for the plain variance) a treated residual tau - tau_bar is taken against its cell's
   * average without this observation, (tau - tau_bar) / (1 - w^2 / W2): BJS's leave-one-out
   * refinement (the within-cell weights of every target are proportional to w). A cell with a single
   * observation has no such average; its residual stays the plain one (zero). A group target's
   * residuals are centred within cohort x group x period cells (its weights are proportional to w
   * there and zero outside its group).
   */
  static List<Tuple2<String, double[]>> contributions(List<Ob> obs, Layout layout, double[] lambda, double[][] ell,
      double[] total, Centring centring) {
    int k = layout.targets();
    Map<String, double[]> sums = new HashMap<>();
    double[] fe = unitEffect(obs, layout, lambda);
    if (fe == null) {
      return List.of();
    }
    // a_i of each target's weights: (Omega_i - sum_t w_it l_t) / W_i
    double[] a = new double[k];
    for (Ob o : obs) {
      if (layout.treated(o)) {
        if (layout.active()[o.t()]) {
          a[0] += o.w();
          for (int h : new int[] {layout.horizon(o), layout.groupTarget(o)}) {
            if (h > 0) {
              a[h] += o.w();
            }
          }
        }
      } else {
        for (int j = 0; j < k; j++) {
          a[j] -= o.w() * ell[j][o.t()];
        }
      }
    }
    for (int j = 0; j < k; j++) {
      a[j] /= fe[1];
    }
    for (Ob o : obs) {
      if (layout.treated(o) && !layout.active()[o.t()]) {
        continue; // not imputed: not in the estimate
      }
      double[] s = sums.computeIfAbsent(o.cluster(), c -> new double[k]);
      if (layout.treated(o)) {
        double tau = o.y() - fe[0] - lambda[o.t()];
        double r = Centring.residual(tau, layout.cell(o), o.w(), centring.tauBar(), centring.looW2());
        s[0] += o.w() / total[0] * r;
        int h = layout.horizon(o);
        if (h > 0) {
          s[h] += o.w() / total[h] * r;
        }
        int g = layout.groupTarget(o);
        if (g > 0) {
          s[g] += o.w() / total[g] * Centring.residual(tau, layout.groupCell(o), o.w(), centring.groupTauBar(), centring.groupLooW2());
        }
      } else {
        double e = o.y() - fe[0] - lambda[o.t()];
        for (int j = 0; j < k; j++) {
          s[j] -= o.w() * (a[j] + ell[j][o.t()]) / total[j] * e;
        }
      }
    }
    List<Tuple2<String, double[]>> out = new ArrayList<>();
    sums.forEach((c, s) -> out.add(new Tuple2<>(c, s)));
    return out;
  }
}
