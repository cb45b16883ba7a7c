package org.cercania.did.fe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidResult;
import org.cercania.did.DidSpec;
import org.cercania.did.Inference;
import org.cercania.did.PanelEstimator;
import org.cercania.did.SeConvention;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;

/**
 * Event study: the outcome on one dummy per event time (period minus cohort) with unit and time
 * fixed effects, reference period -1, as fixest's {@code feols(y ~ i(rel, ref = -1) | unit + time)}.
 * With an event window, event times beyond it are binned into its end points. Also writes the joint
 * pre-trend test (all leads zero) and the coefficients' covariance matrix for sensitivity analysis.
 * It has no single overall ATT: its result's {@code overall} is null.
 */
public final class EventStudy extends PanelEstimator<DidResult> {
  public static final String PREFIX = "rel::";
  public static final String REL = "__rel";

  @Override
  public String name() {
    return "event-study";
  }

  @Override
  protected DidResult fit(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    Dataset<Row> p = withEventTime(panel, spec);
    List<Integer> levels = levels(p);
    FixedEffectsRegression.Fit fit = UnitTimeRegression.fit(p, spec, List.of(), REL, levels);
    SparkSession spark = p.sparkSession();
    List<String> terms = new ArrayList<>();
    for (int e : levels) {
      terms.add(PREFIX + e);
    }
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    tables.put("coefficients", UnitTimeRegression.coefficients(spark, fit, terms, spec, notes));
    tables.put("pretest", preTrendTest(spark, name(), fit, levels, spec.mainConvention(), notes));
    tables.put("vcov", vcov(spark, fit, levels, spec.mainConvention()));
    return new DidResult(name(), tables, notes, null);
  }

  /** Adds the event-time column (null for never-treated units), binned to the spec's window. */
  public static Dataset<Row> withEventTime(Dataset<Row> p, DidSpec spec) {
    Column rel = UnitTimeRegression.binned(col(spec.time()).cast("int").minus(col(spec.cohort())), spec);
    return p.withColumn(REL, when(col(spec.cohort()).gt(0), rel).otherwise(lit(null).cast("int")));
  }

  /** Event times present among treated units, except the reference -1. */
  public static List<Integer> levels(Dataset<Row> p) {
    List<Integer> levels = new ArrayList<>();
    for (Row r : p.select(REL).distinct().filter(col(REL).isNotNull()).orderBy(REL).collectAsList()) {
      if (r.getInt(0) != -1) {
        levels.add(r.getInt(0));
      }
    }
    if (levels.isEmpty()) {
      throw Errors.estimation("event-study", "no treated units: every cohort is 0 or empty");
    }
    return levels;
  }

  /** Joint Wald test that every lead (event time below -1) is zero: F = W/q against F(q, G-1). */
  static Dataset<Row> preTrendTest(SparkSession spark, String estimator, FixedEffectsRegression.Fit fit, List<Integer> levels,
      SeConvention c, List<String> notes) {
    List<Row> rows = new ArrayList<>();
    LeadsTest t = leadsTest(fit, levels, 0, c);
    if (t != null) {
      rows.add(RowFactory.create(estimator, "leads_jointly_zero", t.wald(), t.f(), t.df1(), t.df2(), t.pValue(), c.label()));
    } else {
      notes.add("no lead (event time below -1) to test for pre-trends");
    }
    return spark.createDataFrame(rows, TableSchema.load("pretest").structType());
  }

  /** The joint lead test's numbers: Wald W, F = W / df1, df1 leads, df2 = G - 1, p-value from F(df1, df2). */
  public record LeadsTest(double wald, double f, int df1, long df2, double pValue) {}

  /**
   * The joint test that every estimated lead is zero, from a fit whose coefficient {@code offset + j} is event
   * time {@code levels.get(j)} (the first {@code offset} coefficients being controls); null without a lead.
   */
  public static LeadsTest leadsTest(FixedEffectsRegression.Fit fit, List<Integer> levels, int offset, SeConvention c) {
    List<Integer> idx = new ArrayList<>();
    for (int j = 0; j < levels.size(); j++) {
      if (levels.get(j) < -1 && !fit.dropped()[offset + j]) {
        idx.add(offset + j);
      }
    }
    if (idx.isEmpty()) {
      return null;
    }
    double[] b = new double[idx.size()];
    double[][] v = new double[idx.size()][idx.size()];
    double[][] full = fit.vcov(c);
    for (int i = 0; i < b.length; i++) {
      b[i] = fit.beta()[idx.get(i)];
      for (int j = 0; j < b.length; j++) {
        v[i][j] = full[idx.get(i)][idx.get(j)];
      }
    }
    double[] f = Inference.waldF(b, v, fit.nClusters());
    return new LeadsTest(f[0] * b.length, f[0], b.length, fit.nClusters() - 1, f[1]);
  }

  /** The full covariance of the event-time coefficients, long format, event times in order (-1 is the omitted reference). */
  static Dataset<Row> vcov(SparkSession spark, FixedEffectsRegression.Fit fit, List<Integer> levels, SeConvention c) {
    double[][] v = fit.vcov(c);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      for (int j = 0; j < levels.size(); j++) {
        if (!fit.dropped()[i] && !fit.dropped()[j]) {
          rows.add(RowFactory.create(PREFIX + levels.get(i), PREFIX + levels.get(j), levels.get(i), levels.get(j), v[i][j], c.label()));
        }
      }
    }
    return spark.createDataFrame(rows, TableSchema.load("vcov").structType());
  }
}
