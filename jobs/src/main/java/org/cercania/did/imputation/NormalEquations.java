package org.cercania.did.imputation;

import static org.cercania.did.imputation.Layout.add;

import java.io.Serializable;
import java.util.List;
import org.cercania.did.imputation.Layout.Ob;

/** What pass 1 accumulates: normal equations of the period effects (see {@link BorusyakJaravelSpiess}). */
final class NormalEquations implements Serializable {
  final int nT;
  final int k;
  final double[] wt;
  final double[] c;
  final double[] r;
  /** Per target: sum of weights of its imputable treated observations by period, and sum_i w_it Omega_i / W_i. */
  final double[] omega;
  final double[] q;
  final long[] used;
  long untreatedObs;
  long lonelyUnits;
  long lonelyObs;

  NormalEquations(int nT, int k) {
    this.nT = nT;
    this.k = k;
    wt = new double[nT];
    c = new double[nT * nT];
    r = new double[nT];
    omega = new double[k * nT];
    q = new double[k * nT];
    used = new long[k];
  }

  NormalEquations merge(NormalEquations o) {
    add(wt, o.wt);
    add(c, o.c);
    add(r, o.r);
    add(omega, o.omega);
    add(q, o.q);
    for (int i = 0; i < used.length; i++) {
      used[i] += o.used[i];
    }
    untreatedObs += o.untreatedObs;
    lonelyUnits += o.lonelyUnits;
    lonelyObs += o.lonelyObs;
    return this;
  }

  /** Pass 1 for one unit: its untreated observations' share of the normal equations and its treated observations' weights. */
  NormalEquations addUnit(List<Ob> obs, Layout layout) {
    NormalEquations acc = this;
    int nT = acc.nT;
    double wi = 0;
    double wy = 0;
    for (Ob o : obs) {
      if (!layout.treated(o)) {
        wi += o.w();
        wy += o.w() * o.y();
      }
    }
    if (!(wi > 0)) {
      long lonely = obs.stream().filter(o -> layout.imputable(o)).count();
      if (lonely > 0) {
        acc.lonelyUnits++;
        acc.lonelyObs += lonely;
      }
      return acc;
    }
    double ybar = wy / wi;
    double[] omegaI = new double[acc.k];
    for (Ob o : obs) {
      if (layout.treated(o)) {
        if (layout.active()[o.t()]) {
          omegaI[0] += o.w();
          acc.omega[o.t()] += o.w();
          acc.used[0]++;
          for (int h : new int[] {layout.horizon(o), layout.groupTarget(o)}) {
            if (h > 0) {
              omegaI[h] += o.w();
              acc.omega[h * nT + o.t()] += o.w();
              acc.used[h]++;
            }
          }
        }
        continue;
      }
      acc.untreatedObs++;
      acc.wt[o.t()] += o.w();
      acc.r[o.t()] += o.w() * (o.y() - ybar);
      for (Ob s : obs) {
        if (!layout.treated(s)) {
          acc.c[o.t() * nT + s.t()] += o.w() * s.w() / wi;
        }
      }
    }
    for (Ob o : obs) {
      if (!layout.treated(o)) {
        for (int j = 0; j < acc.k; j++) {
          acc.q[j * nT + o.t()] += o.w() * omegaI[j] / wi;
        }
      }
    }
    return acc;
  }

}
