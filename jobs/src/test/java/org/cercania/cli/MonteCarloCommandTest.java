package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.Estimators;
import org.cercania.sample.StaggeredSimulation;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The montecarlo command end to end on a tiny panel: its tables, and finite bias and coverage. */
@ExtendWith(SparkExtension.class)
class MonteCarloCommandTest {

  @Test
  void threeReplicationsOnATinyPanel(SparkSession spark, @TempDir Path out) {
    int code = Main.run(new String[] {"montecarlo", "--replications", "3", "--units", "80", "--periods", "6", "--seed", "9",
        "--out", out.toString()});
    assertEquals(0, code);
    long estimators = List.of("cs", "sun-abraham", "imputation", "twfe").stream().filter(Estimators.names()::contains).count();
    assertTrue(estimators >= 2, "cs and twfe are always registered");

    Dataset<Row> reps = spark.read().parquet(out.resolve("montecarlo").toString());
    assertEquals(3 * estimators, reps.count());
    StaggeredSimulation sim = new StaggeredSimulation(80, 6, 9);
    for (Row r : reps.collectAsList()) {
      assertEquals(sim.overallAtt(), r.getDouble(r.fieldIndex("truth")), 1e-12);
      assertTrue(Double.isFinite(r.getDouble(r.fieldIndex("estimate"))), r.toString());
      assertTrue(r.getDouble(r.fieldIndex("se")) > 0, r.toString());
      assertTrue(r.getDouble(r.fieldIndex("outcome_sd")) > 0, r.toString());
    }
    List<Row> summary = spark.read().parquet(out.resolve("montecarlo_summary").toString()).collectAsList();
    assertEquals(estimators, summary.size());
    for (Row s : summary) {
      assertEquals(3, s.getInt(s.fieldIndex("replications")));
      for (String c : List.of("bias", "bias_sd", "mean_se", "empirical_sd", "se_ratio", "coverage", "coverage_sample", "rmse_sd")) {
        assertTrue(Double.isFinite(s.getDouble(s.fieldIndex(c))), c + " of " + s.getString(0) + " is not finite");
      }
      double cov = s.getDouble(s.fieldIndex("coverage"));
      assertTrue(cov >= 0 && cov <= 1, "coverage " + cov);
    }
  }

  /** The simulated panel: its planted effects and truth; a replication is reproducible. */
  @Test
  void simulatedPanelCarriesItsPlantedEffects(SparkSession spark) {
    StaggeredSimulation sim = new StaggeredSimulation(200, 8, 3);
    assertEquals(List.of(3, 4, 5, 6), java.util.Arrays.stream(sim.cohorts()).boxed().toList());
    Dataset<Row> p = sim.panel(spark, 5);
    assertEquals(1600, p.count());
    for (Row r : p.collectAsList()) {
      int g = r.getInt(2);
      int t = r.getInt(1);
      double want = g == 0 || t < g ? 0 : sim.tau(g - 3, t - g);
      assertEquals(want, r.getDouble(4), 1e-12);
    }
    // cohorts equally likely, so the truth is the mean of tau over the cohorts' post-treatment cells
    double num = 0;
    int den = 0;
    for (int k = 0; k < 4; k++) {
      for (int t = 3 + k; t <= 8; t++) {
        num += sim.tau(k, t - 3 - k);
        den++;
      }
    }
    assertEquals(num / den, sim.overallAtt(), 1e-12);
    assertEquals(sim.rows(5), new StaggeredSimulation(200, 8, 3).rows(5));
    assertTrue(!sim.rows(5).equals(sim.rows(6)));
    double never = p.filter("period = 1").selectExpr("avg(cast(cohort = 0 as double))").first().getDouble(0);
    assertEquals(StaggeredSimulation.P_NEVER, never, 0.12);
  }
}
