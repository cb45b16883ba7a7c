package org.cercania.did.cs;

import java.util.List;
import org.cercania.did.DidSpec.Method;
import org.cercania.did.linalg.SmallMatrix;

/** {@link CellFitter} for panel data: each cell's treated (role 1) and control (role 0) units, fitted by {@link PanelCellFit}. */
final class PanelCellFitter extends CellFitter {
  /** The control outcome regression of each cell (zero for ipw). */
  private final double[][] beta;

  PanelCellFitter(CsPanel panel, List<GtCell> cells, CellStatistics st, long n, List<String> notes) {
    super(panel, cells, st, n, notes);
    this.beta = new double[cells.size()][];
  }

  @Override
  boolean prepare(GtCell c) {
    int i = c.index();
    long nT = st.count(i, 0);
    long nC = st.count(i, 1);
    if (nT == 0) {
      notes.add(skipped(c, "no treated units"));
      return false;
    }
    if (nC == 0) {
      notes.add(skipped(c, "no available control units (" + controlName(panel.spec) + ")"));
      return false;
    }
    if (method != Method.IPW) {
      double[][] xxC = st.xx(i, 1);
      if (SmallMatrix.rcond(xxC) < Math.ulp(1.0)) {
        notes.add(skipped(c, "not enough control units to run the outcome regression (singular covariate matrix)"));
        return false;
      }
      beta[i] = SmallMatrix.times(SmallMatrix.inverse(xxC), st.xv(i, 1));
    } else {
      beta[i] = new double[k];
    }
    if (method != Method.REG && k == 1 && (double) nT / (nT + nC) >= 0.999) {
      notes.add(skipped(c, "overlap condition violated (propensity score >= 0.999)"));
      return false;
    }
    return true;
  }

  @Override
  double startLogOdds(int i) {
    double swT = st.xx(i, 0)[0][0];
    double sw = swT + st.xx(i, 1)[0][0];
    return Math.log(swT / (sw - swT));
  }

  @Override
  double[] moments(double[][] gamma) {
    double[][][] blocks = new double[beta.length][][];
    for (int i = 0; i < beta.length; i++) {
      blocks[i] = beta[i] == null ? null : new double[][] {beta[i]};
    }
    return PropensityScore.moments(panel.units, cells, gamma, blocks, panel.p, 1);
  }

  @Override
  CellModel fit(GtCell c, double[] gamma, double[] moments) {
    int i = c.index();
    double[][] xxT = st.xx(i, 0);
    double[][] xxC = st.xx(i, 1);
    double[] xvC = st.xv(i, 1);
    ScoreMoments sm = null;
    double pConst = 0;
    if (method != Method.REG && gamma == null) {
      pConst = ScoreMoments.constantScore(xxT[0][0], xxC[0][0]);
      sm = ScoreMoments.constant(pConst, new double[] {xxC[0][0]}, new double[] {xvC[0]}, new double[] {beta[i][0]},
          xxT[0][0] + xxC[0][0]);
    } else if (gamma != null) {
      sm = ScoreMoments.at(moments, i, k, 1);
      if (sm.maxScore() >= 0.999) {
        notes.add(skipped(c, "overlap condition violated (propensity score >= 0.999)"));
        return null;
      }
    }
    if (sm != null && (sm.r()[0] <= 0 || SmallMatrix.inverse(sm.h()) == null)) {
      notes.add(skipped(c, "every control unit is trimmed (propensity score >= " + CellModel.TRIM + ")"));
      return null;
    }
    long n1 = st.count(i, 0) + st.count(i, 1);
    return sm == null
        ? new PanelCellFit(method, n, n1, xxT, st.xv(i, 0), xxC, xvC, beta[i], null, pConst, 0, null, null, null)
        : new PanelCellFit(method, n, n1, xxT, st.xv(i, 0), xxC, xvC, beta[i], gamma, pConst, sm.r()[0], sm.rx()[0],
            sm.rres()[0], sm.h());
  }
}
