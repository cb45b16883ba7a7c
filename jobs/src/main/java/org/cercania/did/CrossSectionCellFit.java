package org.cercania.did;

import java.util.List;
import org.cercania.errors.Errors;

/** ATT(g,t) for repeated cross-sections (DRDID's *_rc estimators). */
final class CrossSectionCellFit {
  private CrossSectionCellFit() {}

  static CellModel[] fitAll(CsPanel panel, List<GtCell> cells, CellStatistics st, long n, List<String> notes) {
    throw Errors.estimation(CsPanel.EST, "repeated cross-sections are not supported yet");
  }
}
