package org.cercania.did.cs;

import java.io.Serializable;

/**
 * One unit after the groupBy(unit) pass: its cohort, weight, cluster and its outcome (and
 * covariates) pivoted by period index, so every later pass reads one small row per unit. For
 * repeated cross-sections a row is one observation: {@link #period} says which period it is from.
 */
final class UnitRow implements Serializable {
  /** Kept and used. */
  public static final int OK = 0;
  /** Cohort in (first period, first period + anticipation]: never in a cell, counted in n (as R did). */
  public static final int EARLY = 1;
  /** Treated in the first period or before: dropped, as R did does. */
  public static final int FIRST_TREATED = 2;
  /** Missing in some period: dropped to balance the panel, as R did does. */
  public static final int UNBALANCED = 3;
  /** More than one row in a period: an error. */
  public static final int DUPLICATE = 4;
  /** Cohort differs between the unit's rows: an error. */
  public static final int COHORT_VARIES = 5;
  /** Sampling weight differs between the unit's rows: an error. */
  public static final int WEIGHT_VARIES = 6;
  /** Cluster differs between the unit's rows: an error. */
  public static final int CLUSTER_VARIES = 7;
  public static final int STATUSES = 8;

  public final String id;
  public final String cluster;
  public final int cohort;
  public final double weight;
  /** Period index of a repeated cross-section row; -1 for a panel unit. */
  public final int period;
  /** Panel: outcome by period index (NaN when missing); cross-section: one value. */
  public final double[] y;
  /** Covariates without the intercept: panel period-major (period * p + j); cross-section p values. */
  public final double[] x;
  public final int status;

  public UnitRow(String id, String cluster, int cohort, double weight, int period, double[] y, double[] x, int status) {
    this.id = id;
    this.cluster = cluster;
    this.cohort = cohort;
    this.weight = weight;
    this.period = period;
    this.y = y;
    this.x = x;
    this.status = status;
  }

  /** Fills {@code out} (length p + 1) with the intercept and the covariates observed at period index {@code t}. */
  public void design(int t, int p, double[] out) {
    out[0] = 1.0;
    int off = period >= 0 ? 0 : t * p;
    for (int j = 0; j < p; j++) {
      out[j + 1] = x[off + j];
    }
  }
}
