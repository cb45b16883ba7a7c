package org.cercania.did;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.errors.Errors;

/** Checks every estimator makes on its panel before estimating, each saying what it did. */
public final class PanelChecks {
  private PanelChecks() {}

  /**
   * Normalises the cohort (null or 0 = never treated, as an int column named like the spec's) and
   * drops units already treated in the first period, with a note saying how many.
   */
  static Dataset<Row> prepare(Dataset<Row> panel, DidSpec spec, String estimator, List<String> notes) {
    for (String c : new String[] {spec.unit(), spec.time(), spec.cohort(), spec.outcome()}) {
      if (!Arrays.asList(panel.columns()).contains(c)) {
        throw Errors.estimation(estimator, "the panel has no column '" + c + "'; it has " + String.join(", ", panel.columns()));
      }
    }
    Dataset<Row> p = panel.withColumn(spec.cohort(),
        when(col(spec.cohort()).isNull(), lit(0)).otherwise(col(spec.cohort()).cast("int")));
    // one pass for the first period and the first cohort; units are counted only when some are early
    Row first = p.agg(min(col(spec.time()).cast("int")), min(when(col(spec.cohort()).gt(0), col(spec.cohort())))).first();
    if (first.isNullAt(0)) {
      throw Errors.estimation(estimator, "the panel is empty");
    }
    int firstPeriod = first.getInt(0);
    boolean anyEarly = !first.isNullAt(1) && first.getInt(1) <= firstPeriod;
    Dataset<Row> early = p.filter(col(spec.cohort()).gt(0).and(col(spec.cohort()).leq(firstPeriod)));
    long dropped = anyEarly ? early.select(spec.unit()).distinct().count() : 0;
    if (dropped > 0) {
      notes.add(droppedFirstTreated(dropped, "units") + " (" + firstPeriod + "): they have no untreated period to compare with");
      p = p.filter(col(spec.cohort()).leq(firstPeriod).and(col(spec.cohort()).gt(0)).unary_$bang());
    }
    return p;
  }

  /** The note on units (or observations) dropped because they were treated from the first period on. */
  public static String droppedFirstTreated(long count, String what) {
    return "dropped " + count + " " + what + " that were already treated in the first period";
  }

  /** Rows that enter a fixed-effects regression: unit, time, outcome, cluster (and weight) all present. */
  public static Dataset<Row> complete(Dataset<Row> p, DidSpec spec) {
    Column ok = col(spec.unit()).isNotNull().and(col(spec.time()).isNotNull()).and(col(spec.outcome()).isNotNull())
        .and(col(spec.clusterColumn()).isNotNull());
    if (spec.weights() != null) {
      ok = ok.and(col(spec.weights()).isNotNull());
    }
    return p.filter(ok);
  }
}
