package org.cercania.did.imputation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjDoubleConsumer;
import org.cercania.did.imputation.Layout.Ob;
import scala.Tuple2;

/**
 * The per-unit arithmetic of the imputation passes, run on the executors over one unit's
 * observations at a time: its fixed effect given the period effects (pass 2 and 3), its imputed
 * treatment effects (pass 2) and its contributions v r to the clustered variance (pass 3).
 */
final class UnitArithmetic {
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

  /**
   * Calls {@code f} with each imputed treated observation of the unit and its effect
   * tau = y - alpha_i - lambda_t; nothing when the unit has no untreated observation.
   */
  static void forEachImputed(List<Ob> obs, Layout layout, double[] lambda, ObjDoubleConsumer<Ob> f) {
    double[] fe = unitEffect(obs, layout, lambda);
    if (fe == null) {
      return;
    }
    for (Ob o : obs) {
      if (layout.imputable(o)) {
        f.accept(o, o.y() - fe[0] - lambda[o.t()]);
      }
    }
  }

  /** Pass 2 for one unit: its imputed treatment effects added to the tau sums and the cells' sums. */
  static TauSums addTaus(TauSums acc, List<Ob> obs, Layout layout, double[] lambda) {
    forEachImputed(obs, layout, lambda, (o, tau) -> {
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
    });
    return acc;
  }

  /** The cells' w^2-weighted mean effects, by which the plain variance centres a treated residual. */
  record Centring(double[] tauBar, double[] groupTauBar) implements java.io.Serializable {}

  /**
   * Pass 3 for one unit: sum of v * r per cluster and target. Treated residuals tau - tau_bar are
   * centred within cohort x period cells for the ATT and the event times, and within cohort x group x
   * period cells for a group target (its weights are proportional to w there and zero outside its
   * group), tau_bar the w^2-weighted cell mean. With {@code treatedByCluster} the treated observations
   * are left out here: the leave-out refinement scores them per cluster and cell ({@link ClusterLeaveOut}).
   */
  static List<Tuple2<String, double[]>> contributions(List<Ob> obs, Layout layout, double[] lambda, double[][] ell,
      double[] total, Centring centring, boolean treatedByCluster) {
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
      if (layout.treated(o) && (!layout.active()[o.t()] || treatedByCluster)) {
        continue; // not imputed (not in the estimate), or scored per cluster and cell
      }
      double[] s = sums.computeIfAbsent(o.cluster(), c -> new double[k]);
      if (layout.treated(o)) {
        double tau = o.y() - fe[0] - lambda[o.t()];
        double r = tau - centring.tauBar()[layout.cell(o)];
        s[0] += o.w() / total[0] * r;
        int h = layout.horizon(o);
        if (h > 0) {
          s[h] += o.w() / total[h] * r;
        }
        int g = layout.groupTarget(o);
        if (g > 0) {
          s[g] += o.w() / total[g] * (tau - centring.groupTauBar()[layout.groupCell(o)]);
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
