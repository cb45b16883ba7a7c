package org.cercania.did.imputation;

import java.io.Serializable;
import java.util.Arrays;

/** The fixed facts every pass needs: periods, targets, treated cohorts, periods with untreated observations. */
record Layout(int[] periods, boolean[] active, int[] horizons, int[] cohorts) implements Serializable {

  /** One observation of a unit, compact: period index, outcome, weight, cluster, cohort. */
  record Ob(int t, double y, double w, String cluster, int cohort) implements Serializable {}

  int targets() {
    return 1 + horizons.length;
  }

  boolean treated(Ob o) {
    return o.cohort() > 0 && periods[o.t()] >= o.cohort();
  }

  /** A treated observation that can be imputed: its period has untreated observations. */
  boolean imputable(Ob o) {
    return treated(o) && active[o.t()];
  }

  /** Targets an imputable treated observation belongs to: the ATT (0) and its event time's horizon, if reported. */
  int horizon(Ob o) {
    int h = Arrays.binarySearch(horizons, periods[o.t()] - o.cohort());
    return h >= 0 ? 1 + h : -1;
  }

  int cell(Ob o) {
    return Arrays.binarySearch(cohorts, o.cohort()) * periods.length + o.t();
  }

  /** a += b, element by element. */
  static void add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
  }
}
