package org.cercania.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.did.DidSpec;
import org.cercania.did.fe.EventStudy;
import org.cercania.did.fe.FixedEffectsRegression;
import org.cercania.did.SeConvention;
import org.cercania.io.Run;
import org.cercania.io.TableSchema;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The estimate stage's diagnostics on small panels with planted effects and planted pre-trends. */
@ExtendWith(SparkExtension.class)
class DiagnosticsTest {
  private static final int[] COHORTS = {0, 2003, 2005, 2007};
  private static final int FIRST = 2000;
  private static final int LAST = 2009;

  private static final int UNITS = 60;

  /** Unit-year value: unit and year effects, effects growing with years since the cohort, a pre-trend, seeded noise. */
  private static double[][] values(double preSlope, long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    double[][] y = new double[UNITS][LAST - FIRST + 1];
    for (int u = 0; u < UNITS; u++) {
      int cohort = COHORTS[u % 4];
      for (int t = FIRST; t <= LAST; t++) {
        double effect = cohort > 0 && t >= cohort ? 1 + 0.5 * (t - cohort) : 0;
        double pre = cohort > 0 && t < cohort ? preSlope * (t - cohort) : 0;
        y[u][t - FIRST] = 0.3 * u + 0.1 * (t - FIRST) + effect + pre + 0.1 * rnd.nextGaussian();
      }
    }
    return y;
  }

  /**
   * Two rows per unit and year (respondents weighted 1 and 3 around the unit-year value); log_enrollment without
   * a pre-trend, dv_physical with one (0.2 per year before the cohort).
   */
  private static Dataset<Row> panel(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (String outcome : List.of("log_enrollment", "dv_physical")) {
      double[][] y = outcome.equals("dv_physical") ? values(0.2, 2) : values(0, 1);
      for (int u = 0; u < UNITS; u++) {
        int cohort = COHORTS[u % 4];
        for (int t = FIRST; t <= LAST; t++) {
          double v = y[u][t - FIRST];
          int on = cohort > 0 && t >= cohort ? 1 : 0;
          // weighted mean (1 x (v - 0.3) + 3 x (v + 0.1)) / 4 = v
          rows.add(RowFactory.create(outcome, "u" + u, "c" + (u % 20), t, v - 0.3, 1.0, cohort, on, 0, 0));
          rows.add(RowFactory.create(outcome, "u" + u, "c" + (u % 20), t, v + 0.1, 3.0, cohort, on, 0, 0));
        }
      }
    }
    StructType s = new StructType().add("outcome", DataTypes.StringType).add("unit_id", DataTypes.StringType)
        .add("cluster_id", DataTypes.StringType).add("year", DataTypes.IntegerType).add("value", DataTypes.DoubleType)
        .add("weight", DataTypes.DoubleType).add("cohort", DataTypes.IntegerType).add("ring1", DataTypes.IntegerType)
        .add("ring2", DataTypes.IntegerType).add("ring3", DataTypes.IntegerType);
    return spark.createDataFrame(rows, s);
  }

  @Test
  void contractsAreTheEstimatorTablesWithTheOutcomeInFront() {
    for (String[] pair : List.of(new String[] {"bacon_by_outcome", "bacon"}, new String[] {"pretests", "pretest"})) {
      List<TableSchema.ColumnSpec> ours = TableSchema.load(pair[0]).columns();
      List<TableSchema.ColumnSpec> library = TableSchema.load(pair[1]).columns();
      assertEquals(List.of("family", "outcome"), ours.subList(0, 2).stream().map(TableSchema.ColumnSpec::name).toList());
      // A cell the contract marks with "units" may be published as null (small-cell suppression), so it is nullable.
      List<TableSchema.ColumnSpec> mine = ours.subList(2, ours.size());
      assertEquals(library.stream().map(c -> c.name() + ":" + c.type()).toList(),
          mine.stream().map(c -> c.name() + ":" + c.type()).toList(), pair[0]);
      for (int i = 0; i < library.size(); i++) {
        assertEquals(library.get(i).nullable() || mine.get(i).units() != null, mine.get(i).nullable(), pair[0] + "." + mine.get(i).name());
      }
    }
  }

  @Test
  void unitYearMeansAreWeightedMeansOfTheRespondents(SparkSession spark) {
    List<Row> m = Diagnostics.unitYearMeans(panel(spark), "log_enrollment").filter("unit_id = 'u5' AND year = 2006").collectAsList();
    assertEquals(1, m.size());
    assertEquals(values(0, 1)[5][2006 - FIRST], m.get(0).getDouble(m.get(0).fieldIndex("value")), 1e-12);
  }

  @Test
  void baconSumsToTheBruteForceTwfeAndLeadsTestFindsThePlantedPreTrend(SparkSession spark, @TempDir Path out) {
    Dataset<Row> p = panel(spark).cache();
    DidSpec spec = DidSpec.builder("unit_id", "year", "cohort", "value").eventWindow(-7, 6).build();
    Dataset<Row> withRel = EventStudy.withEventTime(p, spec);
    List<Integer> levels = EventStudy.levels(withRel);
    List<String> controls = List.of("ring2", "ring3");
    Map<String, FixedEffectsRegression.Fit> fits = new FixedEffectsRegression(new FixedEffectsRegression.Design("outcome",
        "unit_id", "year", "value", "weight", "cluster_id", controls, EventStudy.REL, levels)).fit(withRel);
    Run run = Run.of(out.toString(), "diagnostics-test");
    new Diagnostics(spark, run, SeConvention.FIXEST_DEFAULT).run(p, fits, levels, controls.size());

    Map<String, Double> twfe = new HashMap<>();
    for (Row r : run.read(spark, run.layout().result("bacon"), "estimate").collectAsList()) {
      twfe.merge(r.getString(1), r.getDouble(5) * r.getDouble(6), Double::sum);
    }
    assertEquals(bruteForceTwfe(values(0, 1)), twfe.get("log_enrollment"), 1e-9);
    assertEquals(bruteForceTwfe(values(0.2, 2)), twfe.get("dv_physical"), 1e-9);

    Map<String, Row> pre = new HashMap<>();
    for (Row r : run.read(spark, run.layout().result("pretests"), "estimate").collectAsList()) {
      pre.put(r.getString(1), r);
    }
    // Event times -7 .. 6 all estimated (no binning): the leads are -7 .. -2. The controls (ring2, ring3, all zero)
    // are dropped; the library's own event study, without them, must give the same test.
    Row library = new EventStudy().estimate(p.filter("outcome = 'log_enrollment'"),
        spec.toBuilder().weights("weight").cluster("cluster_id").build()).tables().get("pretest").first();
    assertEquals(6, pre.get("log_enrollment").getInt(6));
    assertEquals(library.getDouble(2), pre.get("log_enrollment").getDouble(4), 1e-8 * library.getDouble(2));
    assertEquals(library.getDouble(6), pre.get("log_enrollment").getDouble(8), 1e-9);
    assertEquals(19L, pre.get("log_enrollment").getLong(7), "G - 1 with 20 clusters");
    assertTrue(pre.get("dv_physical").getDouble(8) < 1e-6, "planted pre-trend detected: " + pre.get("dv_physical"));
    p.unpersist();
  }

  /** TWFE of the unit-year means on the treated indicator: both two-way demeaned (balanced panel), then one regressor. */
  private static double bruteForceTwfe(double[][] y) {
    double[][] d = new double[UNITS][y[0].length];
    for (int u = 0; u < UNITS; u++) {
      for (int t = 0; t < d[u].length; t++) {
        d[u][t] = COHORTS[u % 4] > 0 && FIRST + t >= COHORTS[u % 4] ? 1 : 0;
      }
    }
    double[][] ty = demean(y);
    double[][] td = demean(d);
    double num = 0;
    double den = 0;
    for (int u = 0; u < UNITS; u++) {
      for (int t = 0; t < d[u].length; t++) {
        num += ty[u][t] * td[u][t];
        den += td[u][t] * td[u][t];
      }
    }
    return num / den;
  }

  private static double[][] demean(double[][] x) {
    int n = x.length;
    int m = x[0].length;
    double[] row = new double[n];
    double[] col = new double[m];
    double all = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        row[i] += x[i][j] / m;
        col[j] += x[i][j] / n;
        all += x[i][j] / (n * m);
      }
    }
    double[][] r = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        r[i][j] = x[i][j] - row[i] - col[j] + all;
      }
    }
    return r;
  }
}
