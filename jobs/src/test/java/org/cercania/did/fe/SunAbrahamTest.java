package org.cercania.did.fe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.cli.Main;
import org.cercania.did.DidSpec;
import org.cercania.did.Inference;
import org.cercania.did.Mpdta;
import org.cercania.did.Obs;
import org.cercania.did.SimPanel;
import org.cercania.errors.CercaniaException;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Sun-Abraham against R fixest 0.12.2's sunab on mpdta (oracle/fixest_variants.json), planted effects and data rules. */
@ExtendWith(SparkExtension.class)
class SunAbrahamTest {
  static final int[] PERIODS = {1, 2, 3, 4, 5, 6, 7};

  static Config sunab() {
    return ConfigFactory.parseResources("oracle/fixest_variants.json").getConfig("models.sunab");
  }

  @Test
  void didCommandReproducesFixestPeriodAggregatesAndAtt(SparkSession spark, @TempDir Path out) {
    Path oracle = Mpdta.dir();
    int code = Main.run(new String[] {"did", "--input", oracle.resolve("mpdta.csv").toString(), "--unit", "countyreal",
        "--time", "year", "--cohort", "first.treat", "--outcome", "lemp", "--estimator", "sun-abraham", "--out", out.toString()});
    assertEquals(0, code);
    Map<String, Row> byTerm = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("coefficients").toString()).collectAsList()) {
      byTerm.put(r.getAs("term"), r);
      assertEquals("fixest_default", r.getAs("se_convention"));
      assertEquals(2500L, (long) r.getAs("n_obs"));
      assertEquals(500L, (long) r.getAs("n_clusters"));
    }
    Config ref = sunab();
    List<? extends Config> period = ref.getConfigList("aggregate_period.coefficients");
    assertEquals(period.size() + 1, byTerm.size());
    for (Config c : period) {
      Row r = byTerm.get(c.getString("name").replace("year::", "rel::"));
      assertEquals(c.getDouble("estimate"), (double) r.getAs("estimate"), 1e-9, c.getString("name"));
      assertEquals(c.getDouble("se"), (double) r.getAs("se"), 1e-9, c.getString("name"));
    }
    Row att = byTerm.get("ATT");
    assertEquals(ref.getDouble("aggregate_ATT.estimate"), (double) att.getAs("estimate"), 1e-9);
    assertEquals(ref.getDouble("aggregate_ATT.se"), (double) att.getAs("se"), 1e-9);
  }

  @Test
  void cellCoefficientsAndCovarianceMatchFixest(SparkSession spark) {
    SunAbraham.Result r = new SunAbraham().run(Mpdta.underscored(spark), Mpdta.underscoredSpec());
    Config ref = sunab();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < r.cells().size(); i++) {
      SunAbraham.Cell c = r.cells().get(i);
      index.put("year::" + c.rel() + ":cohort::" + c.cohort(), i);
    }
    List<? extends Config> coefs = ref.getConfigList("cohort_level.coefficients");
    assertEquals(coefs.size(), r.cells().size());
    for (Config c : coefs) {
      assertEquals(c.getDouble("estimate"), r.cellBeta()[index.get(c.getString("name"))], 1e-9, c.getString("name"));
    }
    List<String> names = ref.getStringList("se_variants.default.vcov.names");
    List<? extends List<? extends Object>> m = (List) ref.getList("se_variants.default.vcov.matrix").unwrapped();
    for (int i = 0; i < names.size(); i++) {
      for (int j = 0; j < names.size(); j++) {
        double expected = ((Number) m.get(i).get(j)).doubleValue();
        assertEquals(expected, r.cellVcov()[index.get(names.get(i))][index.get(names.get(j))], 1e-12, names.get(i) + " x " + names.get(j));
      }
    }
  }

  @Test
  void recoversPlantedHeterogeneousEffectsExactlyWithoutNoise(SparkSession spark) {
    SimPanel sim = SimPanel.make(11, 120, PERIODS, new int[] {0, 3, 4, 6}, 0.0);
    for (boolean weighted : new boolean[] {false, true}) {
      DidSpec spec = weighted ? SimPanel.spec().weights("w").cluster("cl").build() : SimPanel.spec().build();
      SunAbraham.Result r = new SunAbraham().run(sim.frame(spark), spec);
      Map<String, Double> est = new HashMap<>();
      for (Row row : r.tables().get("coefficients").collectAsList()) {
        est.put(row.getString(0), row.getDouble(1));
      }
      assertEquals(SimPanel.plantedAtt(sim, weighted), est.get("ATT"), 1e-9);
      for (int e = -5; e <= 3; e++) {
        if (e == -1) {
          continue;
        }
        double num = 0;
        double den = 0;
        for (Obs o : Obs.of(sim)) {
          if (o.cohort() > 0 && o.time() - o.cohort() == e) {
            double w = weighted ? o.w() : 1;
            num += w * SimPanel.tau(o.cohort(), o.time());
            den += w;
          }
        }
        assertEquals(num / den, est.get("rel::" + e), 1e-9, "rel " + e);
      }
    }
    double twfe = new Twfe().estimate(sim.frame(spark), SimPanel.spec().build()).tables().get("coefficients").first().getAs("estimate");
    assertTrue(Math.abs(twfe - SimPanel.plantedAtt(sim, false)) > 0.1, "TWFE is biased here: " + twfe + " vs " + SimPanel.plantedAtt(sim, false));
  }

  @Test
  void noisyAttCoversThePlantedEffect(SparkSession spark) {
    SimPanel sim = SimPanel.make(12, 600, PERIODS, new int[] {0, 3, 4, 6}, 0.5);
    Row att = new SunAbraham().run(sim.frame(spark), SimPanel.spec().build()).tables().get("coefficients")
        .filter("term = 'ATT'").first();
    double truth = SimPanel.plantedAtt(sim, false);
    double z = Inference.tQuantile(att.getLong(5), 0.975);
    assertTrue(Math.abs(att.getDouble(1) - truth) < z * att.getDouble(2), att + " vs " + truth);
    Row twfe = new Twfe().estimate(sim.frame(spark), SimPanel.spec().build()).tables().get("coefficients").first();
    assertTrue(Math.abs(twfe.getDouble(1) - truth) > z * twfe.getDouble(2), twfe + " vs " + truth);
  }

  @Test
  void followsFixestCohortRulesWithMessages(SparkSession spark) {
    SimPanel sim = SimPanel.make(13, 200, PERIODS, new int[] {0, 3, 5}, 0.0);
    List<Row> rows = new ArrayList<>();
    for (Row r : sim.rows()) {
      long id = r.getLong(0);
      int g = r.getInt(2);
      int t = r.getInt(1);
      if (g == 0 && id % 3 == 0) {
        rows.add(RowFactory.create(id, t, 9, r.get(3), r.get(4), r.get(5))); // after the last period: a control
      } else if (g == 0 && id % 3 == 1) {
        if (t <= 3) {
          rows.add(RowFactory.create(id, t, 4, r.get(3), r.get(4), r.get(5))); // cohort 4 seen only before treatment
        }
      } else if (g == 5 && id % 2 == 0) {
        if (t >= 6) {
          rows.add(RowFactory.create(id, t, 6, r.get(3), r.get(4), r.get(5))); // cohort 6 seen only after: dropped
        }
      } else {
        rows.add(r);
      }
    }
    SunAbraham.Result r = new SunAbraham().run(spark.createDataFrame(rows, SimPanel.SCHEMA), SimPanel.spec().build());
    assertEquals(List.of(
        "cohort(s) 9 are not periods of the panel (never observed treated): their units are controls, as in fixest's sunab",
        "cohort(s) 4 are observed only before treatment: their units are controls, as in fixest's sunab",
        "cohort(s) 6 are observed only from treatment on (always treated): their observations are dropped, as fixest's sunab does"),
        r.notes());
    assertTrue(r.cells().stream().allMatch(c -> c.cohort() == 3 || c.cohort() == 5));
    // noise-free: the controls' effects are zero, so the planted effects are still recovered exactly
    double num = 0;
    double den = 0;
    for (Row row : rows) {
      int g = row.getInt(2);
      if ((g == 3 || g == 5) && row.getInt(1) >= g) {
        num += SimPanel.tau(g, row.getInt(1));
        den++;
      }
    }
    Row att = r.tables().get("coefficients").filter("term = 'ATT'").first();
    assertEquals(num / den, att.getDouble(1), 1e-9);
  }

  @Test
  void refusesPanelsWithoutTreatedCohortsAndBadWindows(SparkSession spark) {
    SimPanel sim = SimPanel.make(14, 50, PERIODS, new int[] {0}, 0.3);
    CercaniaException e = assertThrows(CercaniaException.class, () -> new SunAbraham().run(sim.frame(spark), SimPanel.spec().build()));
    assertEquals("sun-abraham: no treated cohort observed both before and after its treatment", e.getMessage());
    CercaniaException w = assertThrows(CercaniaException.class,
        () -> new SunAbraham().run(sim.frame(spark), SimPanel.spec().eventWindow(-1, 3).build()));
    assertEquals("spec field eventMin is '-1', expected below -1 for sun-abraham (-1 is the reference)", w.getMessage());
  }

  @Test
  void binsRelativePeriodsBeyondTheWindow(SparkSession spark) {
    SimPanel sim = SimPanel.make(15, 150, PERIODS, new int[] {0, 3, 4, 6}, 0.0);
    SunAbraham.Result r = new SunAbraham().run(sim.frame(spark), SimPanel.spec().eventWindow(-3, 1).build());
    List<String> terms = r.tables().get("coefficients").collectAsList().stream().map(x -> x.getString(0)).toList();
    assertEquals(List.of("rel::-3", "rel::-2", "rel::0", "rel::1", "ATT"), terms);
    // binning constrains the effects at e >= 1 to be equal within a cohort: the ATT no longer matches exactly
    Dataset<Row> coef = r.tables().get("coefficients");
    assertEquals(5, coef.count());
  }
}
