package org.cercania.did.cs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cercania.did.DidSpec.Method;
import org.cercania.did.DidSpec;
import org.cercania.did.PanelChecks;
import org.cercania.did.linalg.SmallMatrix;
import org.cercania.errors.Errors;

/**
 * Every ATT(g,t) of R did's att_gt: plans the cells ({@link GtCell#plan}), runs the cell-statistics
 * pass ({@link CellStatistics}), applies R did's data checks, the IRLS passes when a propensity
 * score with covariates is needed ({@link PropensityScore}), and fits each cell on the driver
 * ({@link CellFitter}). A cell with no treated or no available
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
      notes.add(PanelChecks.droppedFirstTreated(first, what));
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
    CellFitter fitter = rcs
        ? new CrossSectionCellFitter(panel, cells, st, n, notes)
        : new PanelCellFitter(panel, cells, st, n, notes);
    CellModel[] models = fitter.fitAll();
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
}
