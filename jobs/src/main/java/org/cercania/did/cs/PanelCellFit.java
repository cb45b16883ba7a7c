package org.cercania.did.cs;

import org.cercania.did.DidSpec.Method;
import org.cercania.did.linalg.SmallMatrix;

/**
 * ATT(g,t) on panel data as DRDID computes it for R did: {@code drdid_panel} (the traditional
 * doubly robust estimator, R did's default "dr"), {@code std_ipw_did_panel} ("ipw") and
 * {@code reg_did_panel} ("reg"), each on the outcome change between the cell's base period and t.
 * Built on the driver from sums over the cell's units; {@link #psi} evaluates the influence function
 * of one unit from those sums (DRDID's formulas with its column means written as sums / n1).
 */
final class PanelCellFit implements CellModel {
  final Method method;
  final double att;
  /** n / n1: R did's rescaling of the cell's influence function to all n units. */
  final double scale;
  /** Normalised weight = c * raw weight (DRDID divides the weights by their mean in the cell). */
  final double c;
  final double[] beta;
  final double[] gamma;
  final double pConst;
  final double etaTreat;
  final double etaCont;
  final double meanWTreat;
  final double meanWCont;
  final double[] a1;
  final double[] a2;
  final double[] a3;

  /**
   * @param xxT X'WX of treated units; xvT X'W dY of treated; xxC, xvC the same for controls
   * @param sr sum over controls of w * r, r = trimmed p / (1 - p); srX its X-weighted sums; srRes
   *     sum of w r (dY - X beta) X; h = X' diag(w p (1 - p)) X over the cell (logit information)
   */
  PanelCellFit(Method method, long n, long n1, double[][] xxT, double[] xvT, double[][] xxC, double[] xvC,
      double[] beta, double[] gamma, double pConst, double sr, double[] srX, double[] srRes, double[][] h) {
    int k = xvT.length;
    this.method = method;
    this.scale = (double) n / n1;
    double swT = xxT[0][0];
    double sw = swT + xxC[0][0];
    this.c = n1 / sw;
    this.beta = beta;
    this.gamma = gamma;
    this.pConst = pConst;
    this.meanWTreat = c * swT / n1;
    double[] colT = new double[k];
    for (int a = 0; a < k; a++) {
      colT[a] = xxT[a][0];
    }
    double[][] xxCinv = method == Method.IPW ? null : SmallMatrix.inverse(xxC);
    switch (method) {
      case REG -> {
        this.etaTreat = xvT[0] / swT;
        this.etaCont = SmallMatrix.dot(colT, beta) / swT;
        this.meanWCont = meanWTreat;
        this.a1 = SmallMatrix.times(xxCinv, colT);
        this.a2 = null;
        this.a3 = null;
      }
      case IPW -> {
        this.etaTreat = xvT[0] / swT;
        this.etaCont = srRes[0] / sr;
        this.meanWCont = c * sr / n1;
        this.a1 = null;
        this.a2 = SmallMatrix.times(SmallMatrix.inverse(h), SmallMatrix.plus(srRes, -etaCont, srX));
        this.a3 = null;
      }
      default -> {
        this.etaTreat = (xvT[0] - SmallMatrix.dot(colT, beta)) / swT;
        this.etaCont = srRes[0] / sr;
        this.meanWCont = c * sr / n1;
        this.a1 = SmallMatrix.times(xxCinv, colT);
        this.a2 = SmallMatrix.times(SmallMatrix.inverse(h), SmallMatrix.plus(srRes, -etaCont, srX));
        this.a3 = SmallMatrix.times(xxCinv, srX);
      }
    }
    this.att = etaTreat - etaCont;
  }

  @Override
  public double att() {
    return att;
  }

  @Override
  public double psi(UnitRow u, GtCell cell, int role, double[] x) {
    double v = CellStatistics.value(u, cell);
    double om = c * u.weight;
    double inf;
    switch (method) {
      case REG -> {
        double xb = SmallMatrix.dot(x, beta);
        inf = role == 1
            ? (om * (v - etaTreat) - om * (xb - etaCont)) / meanWTreat
            : -om * (v - xb) * SmallMatrix.dot(x, a1) / meanWTreat;
      }
      case IPW -> {
        double ps = CellModel.pscore(gamma, pConst, x);
        if (role == 1) {
          inf = om * (v - etaTreat) / meanWTreat - om * (1 - ps) * SmallMatrix.dot(x, a2) / meanWCont;
        } else {
          double r = CellModel.trimmedOdds(ps);
          inf = -(om * r * (v - etaCont) - om * ps * SmallMatrix.dot(x, a2)) / meanWCont;
        }
      }
      default -> {
        double ps = CellModel.pscore(gamma, pConst, x);
        double res = v - SmallMatrix.dot(x, beta);
        if (role == 1) {
          inf = om * (res - etaTreat) / meanWTreat - om * (1 - ps) * SmallMatrix.dot(x, a2) / meanWCont;
        } else {
          double r = CellModel.trimmedOdds(ps);
          inf = -om * res * SmallMatrix.dot(x, a1) / meanWTreat
              - (om * r * (res - etaCont) - om * ps * SmallMatrix.dot(x, a2) - om * res * SmallMatrix.dot(x, a3)) / meanWCont;
        }
      }
    }
    return scale * inf;
  }
}
