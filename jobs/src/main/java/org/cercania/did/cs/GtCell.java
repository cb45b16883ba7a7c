package org.cercania.did.cs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.cercania.did.DidSpec;

/**
 * One group-time cell ATT(g,t): cohort g compared at period t with its base period, against the
 * control rule of R did's compute.att_gt (never treated, or not yet treated by
 * {@link #threshold}). A {@link #reference} cell is the universal base period itself (ATT 0).
 */
record GtCell(int index, int g, int t, int base, int tIdx, int baseIdx, boolean post, boolean reference,
    boolean notYet, int threshold) implements Serializable {

  /** 1 treated, 0 control, -1 not in the cell. */
  public int role(int cohort) {
    if (cohort == g) {
      return 1;
    }
    if (cohort == 0 || (notYet && cohort > threshold)) {
      return 0;
    }
    return -1;
  }

  /** The earlier of the two periods: where panel covariates and weights are read (R's get_wide_data). */
  public int covariateIdx() {
    return Math.min(tIdx, baseIdx);
  }

  /**
   * The cells R did's compute.att_gt loops over, in its order (cohort, then period). Varying base:
   * periods 2..T, pre-treatment cells against the previous period, post-treatment cells against the
   * last period before g - anticipation. Universal base: every period against that one period.
   */
  public static List<GtCell> plan(int[] periods, int[] cohorts, DidSpec spec) {
    List<GtCell> cells = new ArrayList<>();
    boolean universal = spec.basePeriod() == DidSpec.BasePeriod.UNIVERSAL;
    boolean notYet = spec.control() == DidSpec.ControlGroup.NOT_YET;
    int a = spec.anticipation();
    for (int g : cohorts) {
      int ub = -1;
      for (int j = 0; j < periods.length; j++) {
        if (periods[j] + a < g) {
          ub = j;
        }
      }
      if (ub < 0) {
        continue; // cohorts are filtered to g > first period + anticipation, so this does not happen
      }
      for (int ti = universal ? 0 : 1; ti < periods.length; ti++) {
        int t = periods[ti];
        boolean post = g <= t;
        int bi = universal ? ub : (post ? ub : ti - 1);
        int threshold = Math.max(t, periods[bi]) + a;
        cells.add(new GtCell(cells.size(), g, t, periods[bi], ti, bi, post, universal && bi == ti, notYet, threshold));
      }
    }
    return cells;
  }
}
