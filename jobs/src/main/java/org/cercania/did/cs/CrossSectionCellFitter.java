package org.cercania.did.cs;

import static org.cercania.did.cs.CrossSectionCellFit.C0;
import static org.cercania.did.cs.CrossSectionCellFit.C1;
import static org.cercania.did.cs.CrossSectionCellFit.T0;
import static org.cercania.did.cs.CrossSectionCellFit.T1;

import java.util.List;
import org.cercania.did.DidSpec.Method;
import org.cercania.did.linalg.SmallMatrix;

/**
 * {@link CellFitter} for repeated cross-sections: each cell's four groups (treated and controls, base
 * period and t), fitted by {@link CrossSectionCellFit}.
 */
final class CrossSectionCellFitter extends CellFitter {
  /** Outcome regressions by cell and group (T0, T1, C0, C1); null where the method needs none. */
  private final double[][][] beta;

  CrossSectionCellFitter(CsPanel panel, List<GtCell> cells, CellStatistics st, long n, List<String> notes) {
    super(panel, cells, st, n, notes);
    this.beta = new double[cells.size()][][];
  }

  @Override
  boolean prepare(GtCell c) {
    int i = c.index();
    // R did's checks for repeated cross-sections, in its order
    String ctl = controlName(panel.spec);
    if (st.count(i, T1) == 0) {
      notes.add(skipped(c, "no treated observations in period " + c.t()));
      return false;
    }
    if (st.count(i, T0) == 0) {
      notes.add(skipped(c, "no treated observations in base period " + c.base()));
      return false;
    }
    if (st.count(i, C1) == 0) {
      notes.add(skipped(c, "no available control observations (" + ctl + ") in period " + c.t()));
      return false;
    }
    if (st.count(i, C0) == 0) {
      notes.add(skipped(c, "no available control observations (" + ctl + ") in base period " + c.base()));
      return false;
    }
    beta[i] = new double[4][];
    int[] regGroups = switch (method) {
      case REG -> new int[] {C0, C1};
      case DR -> new int[] {C0, C1, T0, T1};
      default -> new int[0];
    };
    for (int grp : regGroups) {
      double[][] xx = st.xx(i, grp);
      if (SmallMatrix.rcond(xx) < Math.ulp(1.0)) {
        notes.add(skipped(c, "the outcome regression of the " + (grp < C0 ? "treated" : "control") + " observations in period "
            + (grp == T1 || grp == C1 ? c.t() : c.base()) + " is singular (too few observations for the covariates)"));
        return false;
      }
      beta[i][grp] = SmallMatrix.times(SmallMatrix.inverse(xx), st.xv(i, grp));
    }
    return true;
  }

  @Override
  double startLogOdds(int i) {
    double swT = st.xx(i, T0)[0][0] + st.xx(i, T1)[0][0];
    double swC = st.xx(i, C0)[0][0] + st.xx(i, C1)[0][0];
    return Math.log(swT / swC);
  }

  @Override
  double[] moments(double[][] gamma) {
    double[][][] controls = new double[beta.length][][];
    for (int i = 0; i < beta.length; i++) {
      if (gamma[i] != null) {
        controls[i] = new double[][] {controlBeta(i, C0), controlBeta(i, C1)};
      }
    }
    return PropensityScore.moments(panel.units, cells, gamma, controls, panel.p, 2);
  }

  private double[] controlBeta(int i, int grp) {
    return beta[i][grp] == null ? new double[k] : beta[i][grp];
  }

  @Override
  CellModel fit(GtCell c, double[] gamma, double[] moments) {
    int i = c.index();
    double[][][] xx = new double[4][][];
    double[][] xy = new double[4][];
    for (int grp = 0; grp < 4; grp++) {
      xx[grp] = st.xx(i, grp);
      xy[grp] = st.xv(i, grp);
    }
    ScoreMoments sm = null;
    double pConst = 0;
    if (method != Method.REG && gamma == null) {
      double swT = xx[T0][0][0] + xx[T1][0][0];
      double swC = xx[C0][0][0] + xx[C1][0][0];
      pConst = ScoreMoments.constantScore(swT, swC);
      sm = ScoreMoments.constant(pConst, new double[] {xx[C0][0][0], xx[C1][0][0]}, new double[] {xy[C0][0], xy[C1][0]},
          new double[] {controlBeta(i, C0)[0], controlBeta(i, C1)[0]}, swT + swC);
    } else if (gamma != null) {
      sm = ScoreMoments.at(moments, i, k, 2);
    }
    if (sm != null && (!(sm.r()[0] > 0) || !(sm.r()[1] > 0) || SmallMatrix.inverse(sm.h()) == null)) {
      notes.add(skipped(c, "every control observation of a period is trimmed (propensity score >= " + CellModel.TRIM + ")"));
      return null;
    }
    return sm == null
        ? new CrossSectionCellFit(method, n, xx, xy, beta[i], null, pConst, null, null, null, null)
        : new CrossSectionCellFit(method, n, xx, xy, beta[i], gamma, pConst, sm.r(), sm.rx(), sm.rres(), sm.h());
  }
}
