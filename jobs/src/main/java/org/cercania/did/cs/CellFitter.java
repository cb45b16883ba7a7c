package org.cercania.did.cs;

import java.util.List;
import org.cercania.did.DidSpec;
import org.cercania.did.DidSpec.Method;

/**
 * Fits every ATT(g,t) on the driver, the same steps for panels ({@link PanelCellFitter}) and
 * repeated cross-sections ({@link CrossSectionCellFitter}): R did's checks and the outcome
 * regressions of each cell, then with covariates and a score-based method the per-cell logits
 * ({@link PropensityScore}: IRLS passes, then one pass for the moments at the fitted scores), then
 * each cell's fit. A cell that fails a step is skipped with a note naming it.
 */
abstract class CellFitter {
  final CsPanel panel;
  final List<GtCell> cells;
  final CellStatistics st;
  /** Units (panel) or observations (cross-sections) that carry an influence function. */
  final long n;
  final List<String> notes;
  final Method method;
  /** Design width: intercept and covariates. */
  final int k;

  CellFitter(CsPanel panel, List<GtCell> cells, CellStatistics st, long n, List<String> notes) {
    this.panel = panel;
    this.cells = cells;
    this.st = st;
    this.n = n;
    this.notes = notes;
    this.method = panel.spec.method();
    this.k = panel.p + 1;
  }

  /** R did's checks and the outcome regressions of one cell; false, with a note, to skip it. */
  abstract boolean prepare(GtCell c);

  /** Log odds of treatment by weight in cell {@code i}: the logit's starting intercept. */
  abstract double startLogOdds(int i);

  /** The moments at the fitted scores (cells without a gamma are left out): one pass over the unit rows. */
  abstract double[] moments(double[][] gamma);

  /** The cell's fit; gamma null without a covariate logit. Null, with a note, to skip the cell. */
  abstract CellModel fit(GtCell c, double[] gamma, double[] moments);

  /** Models by cell index; null for skipped cells. */
  final CellModel[] fitAll() {
    int m = cells.size();
    CellModel[] models = new CellModel[m];
    boolean[] alive = new boolean[m];
    for (GtCell c : cells) {
      if (c.reference()) {
        models[c.index()] = new CellModel.Reference();
      } else {
        alive[c.index()] = prepare(c);
      }
    }
    boolean logit = method != Method.REG && k > 1;
    double[][] gamma = new double[m][];
    double[] moments = null;
    if (logit) {
      double[][] start = new double[m][];
      for (GtCell c : cells) {
        if (alive[c.index()]) {
          start[c.index()] = new double[k];
          start[c.index()][0] = startLogOdds(c.index());
        }
      }
      gamma = PropensityScore.fit(panel.units, cells, start, panel.p);
      for (GtCell c : cells) {
        if (alive[c.index()] && gamma[c.index()] == null) {
          notes.add(skipped(c, "the propensity score logit did not converge"));
          alive[c.index()] = false;
        }
      }
      moments = moments(gamma);
    }
    for (GtCell c : cells) {
      if (!alive[c.index()]) {
        continue;
      }
      CellModel fit = fit(c, logit ? gamma[c.index()] : null, moments);
      if (fit != null && !Double.isFinite(fit.att())) {
        notes.add(skipped(c, "the estimate is not finite"));
      } else if (fit != null) {
        models[c.index()] = fit;
      }
    }
    return models;
  }

  static String skipped(GtCell c, String reason) {
    return "ATT(g,t) for cohort " + c.g() + " in period " + c.t() + " skipped: " + reason;
  }

  static String controlName(DidSpec spec) {
    return spec.control() == DidSpec.ControlGroup.NEVER ? "never-treated" : "not-yet-treated";
  }
}
