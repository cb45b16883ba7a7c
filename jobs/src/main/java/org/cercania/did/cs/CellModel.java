package org.cercania.did.cs;

import java.io.Serializable;
import org.cercania.did.linalg.SmallMatrix;

/**
 * A fitted ATT(g,t): its estimate and, for any unit, that unit's influence-function value psi
 * (zero for units outside the cell), scaled as R did scales it (n / n1 times DRDID's att.inf.func),
 * so that se = sqrt(sum psi^2) / n.
 */
interface CellModel extends Serializable {
  double att();

  /** psi of a unit playing {@code role} (1 treated, 0 control) in the cell; x is the design at the cell's covariate period. */
  double psi(UnitRow u, GtCell c, int role, double[] x);

  /** The universal base period's own cell: ATT 0 with a zero influence function (R did). */
  record Reference() implements CellModel {
    @Override
    public double att() {
      return 0.0;
    }

    @Override
    public double psi(UnitRow u, GtCell c, int role, double[] x) {
      return 0.0;
    }
  }

  static double logistic(double z) {
    return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
  }

  /** DRDID's fitted propensity score: logistic(x'gamma) capped at 1 - 1e-6; gamma null means a constant score. */
  static double pscore(double[] gamma, double pConst, double[] x) {
    double ps = gamma == null ? pConst : logistic(SmallMatrix.dot(gamma, x));
    return Math.min(ps, 1 - 1e-6);
  }

  /** DRDID 1.2's trimming: a control whose score reaches 0.995 gets weight 0. */
  double TRIM = 0.995;

  /** A control's inverse-probability weight p / (1 - p), 0 once p reaches {@link #TRIM}. */
  static double trimmedOdds(double ps) {
    return ps < TRIM ? ps / (1 - ps) : 0.0;
  }
}
