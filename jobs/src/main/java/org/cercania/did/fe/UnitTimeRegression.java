package org.cercania.did.fe;

import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.SeConvention;
import org.cercania.io.TableSchema;

/**
 * What the regression-based estimators (TWFE, event study, Sun-Abraham) share: the spec's outcome
 * on unit and time fixed effects fitted by {@link FixedEffectsRegression}, its coefficients table
 * under the spec's SE conventions, and the binning of event times into the spec's window.
 */
final class UnitTimeRegression {
  private UnitTimeRegression() {}

  /** Fits the spec's outcome on the dense terms and the categorical's levels (null for none), unit and time effects. */
  static FixedEffectsRegression.Fit fit(Dataset<Row> p, DidSpec spec, List<String> terms, String category, List<Integer> levels) {
    FixedEffectsRegression.Design d = new FixedEffectsRegression.Design(null, spec.unit(), spec.time(), spec.outcome(),
        spec.weights(), spec.clusterColumn(), terms, category, levels);
    return new FixedEffectsRegression(d).fit(p).get("");
  }

  /** The coefficients table: one row per term and convention; terms collinear with the fixed effects are left out with a note. */
  static Dataset<Row> coefficients(SparkSession spark, FixedEffectsRegression.Fit fit, List<String> terms, DidSpec spec,
      List<String> notes) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      if (fit.dropped()[i]) {
        notes.add(terms.get(i) + " is collinear with the fixed effects and was dropped");
        continue;
      }
      for (SeConvention c : spec.seConventions()) {
        rows.add(RowFactory.create(terms.get(i), fit.beta()[i], fit.se(i, c), c.label(), fit.nObs(), fit.nClusters()));
      }
    }
    return table(spark, rows);
  }

  /** Rows (term, estimate, se, se_convention, n_obs, n_clusters) as the coefficients table. */
  static Dataset<Row> table(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, TableSchema.load("coefficients").structType());
  }

  /** An event time binned into the spec's window: earlier ones to eventMin, later ones to eventMax. */
  static int bin(int e, DidSpec spec) {
    if (spec.eventMin() != null && e < spec.eventMin()) {
      return spec.eventMin();
    }
    if (spec.eventMax() != null && e > spec.eventMax()) {
      return spec.eventMax();
    }
    return e;
  }

  /** {@link #bin} as a column expression. */
  static Column binned(Column rel, DidSpec spec) {
    Column b = rel;
    if (spec.eventMin() != null) {
      b = greatest(b, lit(spec.eventMin()));
    }
    if (spec.eventMax() != null) {
      b = least(b, lit(spec.eventMax()));
    }
    return b;
  }
}
