package org.cercania.distance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.did.fe.FixedEffectsRegression;
import org.cercania.did.SeConvention;
import org.cercania.did.fe.Twfe;

/**
 * The comparison estimator, static two-way fixed effects (the library's twfe: unit and year
 * effects, treat_post = 1 from the entry year on, clustered, fixest_default), for every outcome x
 * band in one set of regression passes: the bands' panels are stacked (comparison units repeated
 * once per band) and keyed by outcome and band, which {@link FixedEffectsRegression} fits
 * separately in the same passes. The same numbers as {@code Estimators.byName("twfe")} on each
 * band's panel, without one Spark job chain per band.
 */
final class StackedTwfe {
  private StackedTwfe() {}

  static Map<String, FixedEffectsRegression.Fit> fit(Dataset<Row> est) {
    Dataset<Row> treated = est.filter(col("band").notEqual(RingDesign.CONTROL));
    Dataset<Row> bands = treated.select(col("outcome").as("b_outcome"), col("band").as("b_band")).distinct();
    Dataset<Row> controls = est.filter(col("band").equalTo(RingDesign.CONTROL))
        .join(bands, col("outcome").equalTo(col("b_outcome"))).drop("band", "b_outcome").withColumnRenamed("b_band", "band");
    Dataset<Row> stacked = treated.unionByName(controls)
        .withColumn("key", concat_ws("/", col("outcome"), col("band").cast("string")))
        .withColumn(Twfe.TERM, when(col("cohort").gt(0).and(col("year").geq(col("cohort"))), lit(1.0)).otherwise(lit(0.0)));
    FixedEffectsRegression.Design d = new FixedEffectsRegression.Design("key", "unit_id", "year", "value", "weight", "cluster_id",
        List.of(Twfe.TERM), null, List.of());
    return new FixedEffectsRegression(d).fit(stacked);
  }

  /** The estimate of one outcome x band from the stacked fits, its interval and p-value from Student t with {@code df}. */
  static RingEstimate estimate(Map<String, FixedEffectsRegression.Fit> fits, String family, String outcome, int band,
      RingEstimate.Counts counts, double df) {
    FixedEffectsRegression.Fit f = fits.get(outcome + "/" + band);
    double b = f == null || f.dropped()[0] ? Double.NaN : f.beta()[0];
    double se = f == null ? Double.NaN : f.se(0, SeConvention.FIXEST_DEFAULT);
    return RingEstimate.student(family, outcome, "twfe", band, b, se, df, List.of(), counts, null);
  }
}
