package org.cercania.did.imputation;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The fixed facts every pass needs: periods, targets, treated cohorts, periods with untreated
 * observations, and the groups of the spec's group column (empty without one). Targets are indexed
 * 0 (the ATT), 1..H (the event times in {@code horizons}), H+1..H+G (the groups in {@code groups}).
 */
record Layout(int[] periods, boolean[] active, int[] horizons, int[] cohorts, int[] groups) implements Serializable {

  /** One observation of a unit, compact: period index, outcome, weight, cluster, cohort, group (0 without a group column). */
  record Ob(int t, double y, double w, String cluster, int cohort, int group) implements Serializable {}

  int targets() {
    return 1 + horizons.length + groups.length;
  }

  boolean treated(Ob o) {
    return o.cohort() > 0 && periods[o.t()] >= o.cohort();
  }

  /** A treated observation that can be imputed: its period has untreated observations. */
  boolean imputable(Ob o) {
    return treated(o) && active[o.t()];
  }

  /** The target of a treated observation's event time, if reported; else -1. */
  int horizon(Ob o) {
    int h = Arrays.binarySearch(horizons, periods[o.t()] - o.cohort());
    return h >= 0 ? 1 + h : -1;
  }

  /** The target of a treated observation's group; -1 without a group column. */
  int groupTarget(Ob o) {
    int g = Arrays.binarySearch(groups, o.group());
    return g >= 0 ? 1 + horizons.length + g : -1;
  }

  /** True for the group targets, whose residuals are centred within cohort x period x group cells. */
  boolean isGroupTarget(int j) {
    return j > horizons.length;
  }

  /** The cohort x period cell (tau_bar of the ATT and the event times). */
  int cell(Ob o) {
    return Arrays.binarySearch(cohorts, o.cohort()) * periods.length + o.t();
  }

  int cells() {
    return cohorts.length * periods.length;
  }

  /** The cohort x group x period cell (tau_bar of the group targets); -1 without a group column. */
  int groupCell(Ob o) {
    int g = Arrays.binarySearch(groups, o.group());
    return g < 0 ? -1 : (Arrays.binarySearch(cohorts, o.cohort()) * groups.length + g) * periods.length + o.t();
  }

  int groupCells() {
    return cohorts.length * groups.length * periods.length;
  }

  /** a += b, element by element. */
  static void add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
  }
}
