package org.cercania.did;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.TableSchema;

/**
 * Two-way fixed effects: outcome on treat_post (1 from the cohort's first year on) with unit and
 * time fixed effects, clustered standard errors under fixest's conventions (fixest's feols).
 */
public final class Twfe implements Estimator {
  public static final String TERM = "treat_post";

  @Override
  public String name() {
    return "twfe";
  }

  @Override
  public Map<String, Dataset<Row>> estimate(Dataset<Row> panel, DidSpec spec) {
    Dataset<Row> p = PanelChecks.prepare(panel, spec, name());
    p = p.withColumn(TERM, when(col(spec.cohort()).gt(0).and(col(spec.time()).geq(col(spec.cohort()))), lit(1.0))
        .otherwise(lit(0.0)));
    FixedEffectsRegression.Design d = new FixedEffectsRegression.Design(null, spec.unit(), spec.time(), spec.outcome(),
        spec.weights(), spec.clusterColumn(), List.of(TERM), null, List.of());
    FixedEffectsRegression.Fit fit = new FixedEffectsRegression(d).fit(p).get("");
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    out.put("coefficients", coefficients(p.sparkSession(), fit, List.of(TERM), conventions(spec)));
    return out;
  }

  static List<SeConvention> conventions(DidSpec spec) {
    if ("all".equals(spec.seConvention())) {
      return List.of(SeConvention.values());
    }
    return List.of(SeConvention.parse(spec.seConvention()));
  }

  /** The coefficients table: one row per term and convention. */
  static Dataset<Row> coefficients(SparkSession spark, FixedEffectsRegression.Fit fit, List<String> terms,
      List<SeConvention> conventions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      if (fit.dropped()[i]) {
        System.out.println("[regression] " + terms.get(i) + " is collinear with the fixed effects and was dropped");
        continue;
      }
      for (SeConvention c : conventions) {
        rows.add(RowFactory.create(terms.get(i), fit.beta()[i], fit.se(i, c), c.label(), fit.nObs(), fit.nClusters()));
      }
    }
    return spark.createDataFrame(rows, TableSchema.load("coefficients").structType());
  }
}
