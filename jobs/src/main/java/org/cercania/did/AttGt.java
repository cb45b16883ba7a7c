package org.cercania.did;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cercania.errors.Errors;

/**
 * Every ATT(g,t) of R did's att_gt: plans the cells ({@link GtCell#plan}), runs the cell-statistics
 * pass ({@link CellStatistics}), applies R did's data checks, the IRLS passes when a propensity
 * score with covariates is needed ({@link PropensityScore}), and fits each cell on the driver
 * ({@link PanelCellFit}, {@link CrossSectionCellFit}). A cell with no treated or no available
 * control units (or a singular / non-overlapping design) is skipped with a message naming it:
 * it is left out of att_gt and of the aggregations, as R did's aggte(na.rm = TRUE) does.
 */
final class AttGt {
  final CsPanel panel;
  final List<GtCell> cells;
  /** By cell index; null for skipped cells. */
  final CellModel[] models;
  final CellStatistics stats;
  /** Units (panel) or observations (cross-sections) that carry an influence function. */
  final long n;
  /** Whether units of cohorts in (first period, first period + anticipation] are among the n. */
  final boolean includeEarly;
  /** Sum of weights of each treated cohort (by index of panel.cohorts) divided by n: aggte's pg. */
  final double[] pg;

  private AttGt(CsPanel panel, List<GtCell> cells, CellModel[] models, CellStatistics stats, long n, boolean includeEarly,
      double[] pg) {
    this.panel = panel;
    this.cells = cells;
    this.models = models;
    this.stats = stats;
    this.n = n;
    this.includeEarly = includeEarly;
    this.pg = pg;
  }

  static AttGt estimate(CsPanel panel, List<String> notes) {
    DidSpec spec = panel.spec;
    boolean rcs = spec.repeatedCrossSection();
    List<GtCell> cells = GtCell.plan(panel.periods, panel.cohorts, spec);
    CellStatistics st = CellStatistics.collect(panel.units, cells, panel.periods, panel.allCohorts, panel.p, rcs);
    checkStatuses(st, spec, rcs);
    long first = st.status[UnitRow.FIRST_TREATED];
    String what = rcs ? "observations" : "units";
    if (first > 0) {
      notes.add("dropped " + first + " " + what + " that were already treated in the first period");
    }
    long unbalanced = st.status[UnitRow.UNBALANCED];
    if (unbalanced > 0) {
      notes.add("dropped " + unbalanced + " units not observed in every period (balanced panel, as R did)");
    }
    // R did 2.3.0 drops cohorts in (first, first + anticipation] only when it drops first-period units.
    boolean includeEarly = first == 0;
    long n = st.status[UnitRow.OK] + (includeEarly ? st.status[UnitRow.EARLY] : 0);
    if (n == 0) {
      throw Errors.estimation(CsPanel.EST, "no " + what + " left after dropping incomplete and first-period-treated ones");
    }
    checkGroupSizes(panel, st, notes);
    double[] pg = new double[panel.cohorts.length];
    for (int i = 0; i < pg.length; i++) {
      int ai = Arrays.binarySearch(panel.allCohorts, panel.cohorts[i]);
      pg[i] = st.cohortSums[2 * ai + 1] / n;
    }
    CellModel[] models = rcs
        ? CrossSectionCellFit.fitAll(panel, cells, st, n, notes)
        : fitPanel(panel, cells, st, n, notes);
    return new AttGt(panel, cells, models, st, n, includeEarly, pg);
  }

  private static void checkStatuses(CellStatistics st, DidSpec spec, boolean rcs) {
    String[] problem = new String[UnitRow.STATUSES];
    problem[UnitRow.DUPLICATE] = "more than one row in a period (column '" + spec.time() + "')";
    problem[UnitRow.COHORT_VARIES] = "a cohort (column '" + spec.cohort() + "') that changes over time";
    problem[UnitRow.WEIGHT_VARIES] = "a weight (column '" + spec.weights() + "') that changes over time; panel weights must be constant within unit";
    problem[UnitRow.CLUSTER_VARIES] = "a cluster (column '" + spec.cluster() + "') that changes over time";
    for (int s = UnitRow.DUPLICATE; s < UnitRow.STATUSES; s++) {
      if (st.status[s] > 0) {
        throw Errors.estimation(CsPanel.EST, st.status[s] + " unit(s) have " + problem[s] + ", e.g. unit '" + st.example[s]
            + "' (column '" + spec.unit() + "')");
      }
    }
  }

  /** R did warns about cohorts with fewer than (covariates + 5) units and stops if that is the never-treated group. */
  private static void checkGroupSizes(CsPanel panel, CellStatistics st, List<String> notes) {
    int req = panel.p + 5;
    double per = panel.spec.repeatedCrossSection() ? panel.periods.length : 1.0;
    List<String> small = new ArrayList<>();
    boolean neverSmall = false;
    for (int i = 0; i < panel.allCohorts.length; i++) {
      double size = st.cohortSums[2 * i] / per;
      // like R's aggregate over the remaining data, a cohort whose units were all dropped is not listed (0 always is)
      if (size < req && (size > 0 || panel.allCohorts[i] == 0)) {
        small.add(Integer.toString(panel.allCohorts[i]));
        neverSmall |= panel.allCohorts[i] == 0;
      }
    }
    if (!small.isEmpty()) {
      notes.add("small groups (fewer than " + req + " units): cohort(s) " + String.join(", ", small));
    }
    if (neverSmall && panel.spec.control() == DidSpec.ControlGroup.NEVER) {
      throw Errors.estimation(CsPanel.EST, "the never-treated group has fewer than " + req
          + " units; try control group NOT_YET");
    }
  }

  static String skipped(GtCell c, String reason) {
    return "ATT(g,t) for cohort " + c.g() + " in period " + c.t() + " skipped: " + reason;
  }

  static String controlName(DidSpec spec) {
    return spec.control() == DidSpec.ControlGroup.NEVER ? "never-treated" : "not-yet-treated";
  }

  private static CellModel[] fitPanel(CsPanel panel, List<GtCell> cells, CellStatistics st, long n, List<String> notes) {
    DidSpec spec = panel.spec;
    String method = spec.method();
    int k = panel.p + 1;
    int m = cells.size();
    CellModel[] models = new CellModel[m];
    boolean[] alive = new boolean[m];
    double[][] beta = new double[m][];
    for (GtCell c : cells) {
      int i = c.index();
      if (c.reference()) {
        models[i] = new CellModel.Reference();
        continue;
      }
      long nT = st.count(i, 0);
      long nC = st.count(i, 1);
      if (nT == 0) {
        notes.add(skipped(c, "no treated units"));
        continue;
      }
      if (nC == 0) {
        notes.add(skipped(c, "no available control units (" + controlName(spec) + ")"));
        continue;
      }
      if (!method.equals("ipw")) {
        double[][] xxC = st.xx(i, 1);
        if (SmallMatrix.rcond(xxC) < Math.ulp(1.0)) {
          notes.add(skipped(c, "not enough control units to run the outcome regression (singular covariate matrix)"));
          continue;
        }
        beta[i] = SmallMatrix.times(SmallMatrix.inverse(xxC), st.xv(i, 1));
      } else {
        beta[i] = new double[k];
      }
      if (!method.equals("reg") && k == 1 && (double) nT / (nT + nC) >= 0.999) {
        notes.add(skipped(c, "overlap condition violated (propensity score >= 0.999)"));
        continue;
      }
      alive[i] = true;
    }
    double[][] gamma = new double[m][];
    double[] moments = null;
    boolean logit = !method.equals("reg") && k > 1;
    if (logit) {
      double[][] start = new double[m][];
      for (GtCell c : cells) {
        if (alive[c.index()]) {
          double swT = st.xx(c.index(), 0)[0][0];
          double sw = swT + st.xx(c.index(), 1)[0][0];
          start[c.index()] = new double[k];
          start[c.index()][0] = Math.log(swT / (sw - swT));
        }
      }
      gamma = PropensityScore.fit(panel.units, cells, start, panel.p);
      for (GtCell c : cells) {
        if (alive[c.index()] && gamma[c.index()] == null) {
          notes.add(skipped(c, "the propensity score logit did not converge"));
          alive[c.index()] = false;
        }
      }
      moments = PropensityScore.panelMoments(panel.units, cells, gamma, beta, panel.p);
    }
    int ms = PropensityScore.panelStride(k);
    for (GtCell c : cells) {
      int i = c.index();
      if (!alive[i]) {
        continue;
      }
      long n1 = st.count(i, 0) + st.count(i, 1);
      double[][] xxT = st.xx(i, 0);
      double[][] xxC = st.xx(i, 1);
      double[] xvC = st.xv(i, 1);
      double sr;
      double[] srX;
      double[] srRes;
      double[][] h;
      double pConst = 0;
      if (method.equals("reg")) {
        sr = 0;
        srX = null;
        srRes = null;
        h = null;
      } else if (!logit) {
        // intercept-only score: the logit MLE is the weighted treated share, constant within the cell
        double swT = xxT[0][0];
        double swC = xxC[0][0];
        pConst = Math.min(swT / (swT + swC), 1 - 1e-6);
        double r = CellModel.trimmedOdds(pConst);
        sr = r * swC;
        srX = new double[] {r * swC};
        srRes = new double[] {r * (xvC[0] - swC * beta[i][0])};
        h = new double[][] {{pConst * (1 - pConst) * (swT + swC)}};
      } else {
        int off = i * ms;
        sr = moments[off];
        srX = Arrays.copyOfRange(moments, off + 1, off + 1 + k);
        srRes = Arrays.copyOfRange(moments, off + 1 + k, off + 1 + 2 * k);
        h = SmallMatrix.block(moments, off + 1 + 2 * k, k);
        if (moments[off + ms - 1] >= 0.999) {
          notes.add(skipped(c, "overlap condition violated (propensity score >= 0.999)"));
          continue;
        }
      }
      if (!method.equals("reg") && (sr <= 0 || SmallMatrix.inverse(h) == null)) {
        notes.add(skipped(c, "every control unit is trimmed (propensity score >= " + CellModel.TRIM + ")"));
        continue;
      }
      PanelCellFit fit = new PanelCellFit(method, n, n1, xxT, st.xv(i, 0), xxC, xvC, beta[i], logit ? gamma[i] : null,
          pConst, sr, srX, srRes, h);
      if (!Double.isFinite(fit.att())) {
        notes.add(skipped(c, "the estimate is not finite"));
        continue;
      }
      models[i] = fit;
    }
    return models;
  }
}
