package org.cercania.did.imputation;

import java.util.ArrayList;
import java.util.List;
import org.cercania.did.linalg.SymmetricSolver;
import org.cercania.errors.Errors;

/**
 * The period-effect system diag(W_t) - C restricted to the periods with untreated observations,
 * the first of them the reference (effect 0); fails when the untreated observations do not
 * connect every unit and period (the effects would not be identified).
 */
final class PeriodSystem {
  final int[] free;
  final SymmetricSolver solver;
  final int nT;

  private PeriodSystem(int[] free, SymmetricSolver solver, int nT) {
    this.free = free;
    this.solver = solver;
    this.nT = nT;
  }

  static PeriodSystem solve(NormalEquations ne, Layout layout) {
    int nT = ne.nT;
    List<Integer> f = new ArrayList<>();
    boolean first = true;
    for (int s = 0; s < nT; s++) {
      if (layout.active()[s]) {
        if (!first) {
          f.add(s);
        }
        first = false;
      }
    }
    int[] free = f.stream().mapToInt(Integer::intValue).toArray();
    int m = free.length;
    double[] a = new double[m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        a[i * m + j] = (i == j ? ne.wt[free[i]] : 0) - ne.c[free[i] * nT + free[j]];
      }
    }
    SymmetricSolver s = SymmetricSolver.factor(a, m, BorusyakJaravelSpiess.DISCONNECTED_TOL);
    for (boolean d : s.dropped()) {
      if (d) {
        throw Errors.estimation(BorusyakJaravelSpiess.NAME, "the untreated observations do not connect every unit and period (some units share no"
            + " untreated period with the others): the fixed effects of the untreated outcome model are not identified");
      }
    }
    return new PeriodSystem(free, s, nT);
  }

  /** Period effects (0 for the reference and for periods without untreated observations). */
  double[] solve(double[] rhs) {
    double[] b = new double[free.length];
    for (int i = 0; i < free.length; i++) {
      b[i] = rhs[free[i]];
    }
    double[] x = solver.solve(b);
    double[] out = new double[nT];
    for (int i = 0; i < free.length; i++) {
      out[free[i]] = x[i];
    }
    return out;
  }
}
