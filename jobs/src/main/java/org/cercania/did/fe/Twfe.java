package org.cercania.did.fe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.did.DidResult;
import org.cercania.did.DidSpec;
import org.cercania.did.OverallAtt;
import org.cercania.did.PanelEstimator;

/**
 * Two-way fixed effects: outcome on treat_post (1 from the cohort's first year on) with unit and
 * time fixed effects, clustered standard errors under fixest's conventions (fixest's feols).
 */
public final class Twfe extends PanelEstimator<DidResult> {
  public static final String TERM = "treat_post";

  @Override
  public String name() {
    return "twfe";
  }

  @Override
  protected DidResult fit(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    Dataset<Row> p = panel.withColumn(TERM, when(col(spec.cohort()).gt(0).and(col(spec.time()).geq(col(spec.cohort()))), lit(1.0))
        .otherwise(lit(0.0)));
    FixedEffectsRegression.Fit fit = UnitTimeRegression.fit(p, spec, List.of(TERM), null, List.of());
    Dataset<Row> coefficients = UnitTimeRegression.coefficients(p.sparkSession(), fit, List.of(TERM), spec, notes);
    OverallAtt att = fit.dropped()[0] ? null : OverallAtt.studentT("term " + TERM, fit.beta()[0],
        fit.se(0, spec.mainConvention()), fit.nObs(), fit.nClusters());
    return new DidResult(name(), Map.of("coefficients", coefficients), notes, att);
  }
}
