package org.cercania.publish;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.io.TableSchema;

/**
 * Small-cell suppression for published tables: every column a contract marks with {@code units} (the
 * column counting the units the cell is built from) is published as null when that count is below k,
 * and the row's {@code suppressed} column says so. The unit counts of the estimates come from the panel.
 */
public final class CellSuppression {
  public static final String SUPPRESSED = "suppressed";

  private CellSuppression() {}

  /**
   * {@code frame} with its {@code units}-marked cells nulled below {@code k} units and a {@code suppressed} column.
   * A null count (allowed only where the contract makes the units column nullable and says why) means the
   * cell is not built from people, e.g. rejected rows of the centers file: the rule does not apply to it.
   */
  public static Dataset<Row> apply(Dataset<Row> frame, TableSchema contract, long k) {
    Set<String> unitColumns = new LinkedHashSet<>();
    for (TableSchema.ColumnSpec c : contract.columns()) {
      if (c.units() != null) {
        unitColumns.add(c.units());
      }
    }
    Dataset<Row> d = frame;
    Column any = lit(false);
    for (String u : unitColumns) {
      any = any.or(small(u, k));
    }
    d = d.withColumn(SUPPRESSED, any); // before any cell is nulled: a column may count its own units (ingest_summary)
    for (TableSchema.ColumnSpec c : contract.columns()) {
      if (c.units() != null) {
        d = d.withColumn(c.name(), when(small(c.units(), k), lit(null).cast(c.sparkType())).otherwise(col(c.name())));
      }
    }
    return d;
  }

  private static Column small(String units, long k) {
    return coalesce(col(units).lt(k), lit(false));
  }

  /**
   * Estimates with {@code cell_units} (units of the outcome ever in the term's ring, i.e. the units that
   * identify it) and {@code baseline_units} (never-treated units behind the baseline mean), from the panel.
   */
  static Dataset<Row> withEstimateUnits(Dataset<Row> estimates, Dataset<Row> panel, List<String> rings) {
    Dataset<Row> units = null;
    for (String ring : rings) {
      Dataset<Row> r = panel.filter(col(ring).equalTo(1)).groupBy("outcome").agg(countDistinct("unit_id").as("cell_units"))
          .withColumn("term", lit(ring));
      units = units == null ? r : units.unionByName(r);
    }
    Dataset<Row> baseline = panel.filter(col("cohort").equalTo(0)).groupBy("outcome")
        .agg(countDistinct("unit_id").as("baseline_units"));
    return estimates.join(units, new String[] {"outcome", "term"}, "left").join(baseline, new String[] {"outcome"}, "left")
        .withColumn("cell_units", coalesce(col("cell_units"), lit(0L)))
        .withColumn("baseline_units", coalesce(col("baseline_units"), lit(0L)));
  }

  /** Event-study rows with {@code cell_units}: treated units observed at the event time, the end points binned. */
  static Dataset<Row> withEventUnits(Dataset<Row> events, Dataset<Row> panel, int eventMin, int eventMax) {
    Column rel = least(greatest(col("year").minus(col("cohort")), lit(eventMin)), lit(eventMax));
    Dataset<Row> units = panel.filter(col("cohort").gt(0)).withColumn("event_time", rel)
        .groupBy("outcome", "event_time").agg(countDistinct("unit_id").as("cell_units"));
    return events.join(units, new String[] {"outcome", "event_time"}, "left")
        .withColumn("cell_units", coalesce(col("cell_units"), lit(0L)));
  }

  /**
   * Rows of a distance table without a units count of their own (ring_event_study, ring_honest_did) with
   * {@code n_treated}: the treated units of the same outcome, estimator and band in {@code ringEffects}
   * (0 when it has no such row, so the row is suppressed rather than published unchecked).
   */
  static Dataset<Row> withRingUnits(Dataset<Row> rows, Dataset<Row> ringEffects) {
    Dataset<Row> units = ringEffects.select(col("family").as("u_family"), col("outcome").as("u_outcome"),
        col("estimator").as("u_estimator"), col("ring_lower_m").as("u_lower"), col("ring_upper_m").as("u_upper"),
        col("n_treated").as("u_treated"));
    Column on = col("family").equalTo(col("u_family")).and(col("outcome").equalTo(col("u_outcome")))
        .and(col("estimator").equalTo(col("u_estimator"))).and(col("ring_lower_m").eqNullSafe(col("u_lower")))
        .and(col("ring_upper_m").eqNullSafe(col("u_upper")));
    return rows.join(units, on, "left").withColumn("n_treated", coalesce(col("u_treated"), lit(0L)))
        .drop("u_family", "u_outcome", "u_estimator", "u_lower", "u_upper", "u_treated");
  }

  /** Goodman-Bacon comparisons with {@code cell_units}: the units of the smaller of the two cohorts compared, from the panel. */
  static Dataset<Row> withBaconUnits(Dataset<Row> bacon, Dataset<Row> panel) {
    Dataset<Row> cohorts = panel.groupBy("outcome", "cohort").agg(countDistinct("unit_id").as("units"));
    Dataset<Row> treated = cohorts.withColumnRenamed("cohort", "treated_cohort").withColumnRenamed("units", "treated_units");
    Dataset<Row> control = cohorts.withColumnRenamed("cohort", "control_cohort").withColumnRenamed("units", "control_units");
    return bacon.join(treated, new String[] {"outcome", "treated_cohort"}, "left")
        .join(control, new String[] {"outcome", "control_cohort"}, "left")
        .withColumn("cell_units", least(coalesce(col("treated_units"), lit(0L)), coalesce(col("control_units"), lit(0L))))
        .drop("treated_units", "control_units");
  }
}
