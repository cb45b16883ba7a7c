package org.cercania.did.imputation;

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
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.cli.Main;
import org.cercania.did.DidSpec;
import org.cercania.did.Mpdta;
import org.cercania.did.Obs;
import org.cercania.did.SimPanel;
import org.cercania.did.fe.Twfe;
import org.cercania.errors.CercaniaException;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imputation estimator against R didimputation 0.4.0 on mpdta (oracle/imputation.json), against
 * a dense brute-force transcription of BJS's formulas on a weighted, clustered, unbalanced panel,
 * planted effects and data rules.
 */
@ExtendWith(SparkExtension.class)
class ImputationTest {
  static final int[] PERIODS = {1, 2, 3, 4, 5, 6, 7};
  /**
   * didimputation predicts Y(0) from fixest's fixed effects, found by alternating projections to
   * fixest's default convergence tolerance: its estimates differ from the exact least squares
   * solution (checked here against dense brute force to 1e-9) by a few 1e-9.
   */
  static final double TOL = 1e-7;

  static Map<String, Row> byTerm(Dataset<Row> coefficients) {
    Map<String, Row> m = new HashMap<>();
    coefficients.collectAsList().forEach(r -> m.put(r.getString(0), r));
    return m;
  }

  @Test
  void didCommandReproducesDidimputationOnMpdta(SparkSession spark, @TempDir Path out) {
    int code = Main.run(new String[] {"did", "--input", Mpdta.dir().resolve("mpdta.csv").toString(), "--unit", "countyreal",
        "--time", "year", "--cohort", "first.treat", "--outcome", "lemp", "--estimator", "imputation", "--out", out.toString()});
    assertEquals(0, code);
    Map<String, Row> est = byTerm(spark.read().parquet(out.resolve("coefficients").toString()));
    Config ref = ConfigFactory.parseResources("oracle/imputation.json");
    Config stat = ref.getConfigList("static.rows").get(0);
    assertEquals("treat", stat.getString("term"));
    assertEquals(stat.getDouble("estimate"), est.get("ATT").getDouble(1), TOL);
    assertEquals(stat.getDouble("std_error"), est.get("ATT").getDouble(2), TOL);
    List<? extends Config> horizon = ref.getConfigList("horizon.rows");
    assertEquals(horizon.size() + 1, est.size());
    for (Config c : horizon) {
      Row r = est.get("tau::" + c.getString("term"));
      assertEquals(c.getDouble("estimate"), r.getDouble(1), TOL, c.getString("term"));
      assertEquals(c.getDouble("std_error"), r.getDouble(2), TOL, c.getString("term"));
      assertEquals("bjs_conservative", r.getString(3));
      assertEquals(2500L, r.getLong(4));
      assertEquals(500L, r.getLong(5));
    }
  }

  /** Dense transcription of BJS: term -> {estimate, se}; unit and period dummies, (Z0'WZ0)^-1 by LU. */
  static Map<String, double[]> bruteForce(List<Obs> rows) {
    List<Obs> untreated = rows.stream().filter(o -> !o.treated()).toList();
    List<String> units = untreated.stream().map(Obs::unit).distinct().sorted().toList();
    List<Integer> periods = untreated.stream().map(Obs::time).distinct().sorted().toList();
    List<Obs> treated = rows.stream().filter(o -> o.treated() && units.contains(o.unit()) && periods.contains(o.time())).toList();
    int p = units.size() + periods.size() - 1;
    java.util.function.Function<Obs, double[]> z = o -> {
      double[] x = new double[p];
      x[units.indexOf(o.unit())] = 1;
      int ti = periods.indexOf(o.time());
      if (ti > 0) {
        x[units.size() + ti - 1] = 1;
      }
      return x;
    };
    RealMatrix gram = new Array2DRowRealMatrix(p, p);
    double[] zy = new double[p];
    for (Obs o : untreated) {
      double[] x = z.apply(o);
      for (int i = 0; i < p; i++) {
        zy[i] += o.w() * x[i] * o.y();
        for (int j = 0; j < p; j++) {
          gram.addToEntry(i, j, o.w() * x[i] * x[j]);
        }
      }
    }
    RealMatrix inv = new LUDecomposition(gram).getSolver().getInverse();
    double[] beta = inv.operate(zy);
    Map<Obs, Double> tau = new HashMap<>();
    Map<String, double[]> cell = new HashMap<>();
    for (Obs o : treated) {
      double yhat = 0;
      double[] x = z.apply(o);
      for (int i = 0; i < p; i++) {
        yhat += x[i] * beta[i];
      }
      tau.put(o, o.y() - yhat);
      double[] c = cell.computeIfAbsent(o.cohort() + "/" + o.time(), k -> new double[2]);
      c[0] += o.w() * o.w() * (o.y() - yhat);
      c[1] += o.w() * o.w();
    }
    Map<String, Predicate<Obs>> targets = new TreeMap<>();
    targets.put("ATT", o -> true);
    for (Obs o : treated) {
      int e = o.time() - o.cohort();
      targets.put("tau::" + e, x -> x.time() - x.cohort() == e);
    }
    Map<String, double[]> out = new HashMap<>();
    for (Map.Entry<String, Predicate<Obs>> target : targets.entrySet()) {
      double total = treated.stream().filter(target.getValue()).mapToDouble(Obs::w).sum();
      double est = 0;
      double[] z1w = new double[p];
      Map<String, Double> byCluster = new HashMap<>();
      for (Obs o : treated) {
        if (!target.getValue().test(o)) {
          continue;
        }
        double wt = o.w() / total;
        est += wt * tau.get(o);
        double[] x = z.apply(o);
        for (int i = 0; i < p; i++) {
          z1w[i] += x[i] * wt;
        }
        double[] c = cell.get(o.cohort() + "/" + o.time());
        byCluster.merge(o.cluster(), wt * (tau.get(o) - c[0] / c[1]), Double::sum);
      }
      double[] gamma = inv.operate(z1w);
      for (Obs o : untreated) {
        double[] x = z.apply(o);
        double zg = 0;
        double fit = 0;
        for (int i = 0; i < p; i++) {
          zg += x[i] * gamma[i];
          fit += x[i] * beta[i];
        }
        byCluster.merge(o.cluster(), -o.w() * zg * (o.y() - fit), Double::sum);
      }
      double v = byCluster.values().stream().mapToDouble(s -> s * s).sum();
      out.put(target.getKey(), new double[] {est, Math.sqrt(v)});
    }
    return out;
  }

  @Test
  void matchesBruteForceOnAWeightedClusteredUnbalancedPanel(SparkSession spark) {
    SimPanel sim = SimPanel.make(21, 90, PERIODS, new int[] {0, 3, 4, 6, 9}, 0.7);
    int lonelyUnit = 0;
    while (sim.cohort[lonelyUnit] <= 0 || sim.cohort[lonelyUnit] > 7) {
      lonelyUnit++;
    }
    String lonelyId = String.valueOf(lonelyUnit);
    Random rnd = new Random(5);
    List<Row> rows = new ArrayList<>();
    List<Obs> obs = new ArrayList<>();
    for (Row r : sim.rows()) {
      long id = r.getLong(0);
      int t = r.getInt(1);
      int g = r.getInt(2);
      if (rnd.nextDouble() < 0.15 || (id == Long.parseLong(lonelyId) && t < g)) {
        continue; // unbalanced; one treated unit loses every untreated period
      }
      double w = r.getDouble(4) * (1 + 0.1 * (t % 3)); // weights vary within unit too
      rows.add(RowFactory.create(id, t, g, r.get(3), w, r.get(5)));
      obs.add(new Obs(String.valueOf(id), t, g, r.getDouble(3), w, r.getString(5)));
    }
    BorusyakJaravelSpiess.Result r = new BorusyakJaravelSpiess().run(spark.createDataFrame(rows, SimPanel.SCHEMA),
        SimPanel.spec().weights("w").cluster("cl").build());
    java.util.Set<String> withUntreated = new java.util.HashSet<>();
    obs.stream().filter(o -> !o.treated()).forEach(o -> withUntreated.add(o.unit()));
    long lonely = obs.stream().filter(o -> o.treated() && !withUntreated.contains(o.unit())).count();
    long lonelyUnits = obs.stream().filter(o -> o.treated() && !withUntreated.contains(o.unit())).map(Obs::unit).distinct().count();
    assertTrue(lonelyUnits >= 1 && !withUntreated.contains(lonelyId));
    assertEquals(List.of(lonely + " treated observations of " + lonelyUnits + " units cannot be imputed: the unit has no untreated observation;"
        + " they are left out of the estimates"), r.notes());
    assertEquals(lonely, r.notImputed());
    Map<String, double[]> expected = bruteForce(obs);
    Map<String, Row> est = byTerm(r.tables().get("coefficients"));
    assertEquals(expected.keySet(), est.keySet());
    for (Map.Entry<String, double[]> e : expected.entrySet()) {
      assertEquals(e.getValue()[0], est.get(e.getKey()).getDouble(1), 1e-9, e.getKey());
      assertEquals(e.getValue()[1], est.get(e.getKey()).getDouble(2), 1e-9, e.getKey());
      assertEquals(37L, est.get(e.getKey()).getLong(5));
    }
  }

  @Test
  void recoversPlantedEffectsWhereTwfeDoesNot(SparkSession spark) {
    SimPanel exact = SimPanel.make(11, 120, PERIODS, new int[] {0, 3, 4, 6}, 0.0);
    for (boolean weighted : new boolean[] {false, true}) {
      DidSpec spec = weighted ? SimPanel.spec().weights("w").cluster("cl").build() : SimPanel.spec().build();
      Map<String, Row> est = byTerm(new BorusyakJaravelSpiess().run(exact.frame(spark), spec).tables().get("coefficients"));
      assertEquals(SimPanel.plantedAtt(exact, weighted), est.get("ATT").getDouble(1), 1e-9);
      for (int e = 0; e <= 4; e++) {
        double num = 0;
        double den = 0;
        for (Obs o : Obs.of(exact)) {
          if (o.cohort() > 0 && o.time() - o.cohort() == e) {
            double w = weighted ? o.w() : 1;
            num += w * SimPanel.tau(o.cohort(), o.time());
            den += w;
          }
        }
        assertEquals(num / den, est.get("tau::" + e).getDouble(1), 1e-9, "tau " + e);
      }
    }
    SimPanel noisy = SimPanel.make(12, 600, PERIODS, new int[] {0, 3, 4, 6}, 0.5);
    Row att = byTerm(new BorusyakJaravelSpiess().run(noisy.frame(spark), SimPanel.spec().build()).tables().get("coefficients"))
        .get("ATT");
    double truth = SimPanel.plantedAtt(noisy, false);
    assertTrue(Math.abs(att.getDouble(1) - truth) < 1.96 * att.getDouble(2), att + " vs " + truth);
    Row twfe = new Twfe().estimate(noisy.frame(spark), SimPanel.spec().build()).tables().get("coefficients").first();
    assertTrue(Math.abs(twfe.getDouble(1) - truth) > 1.96 * twfe.getDouble(2), twfe + " vs " + truth);
  }

  @Test
  void reportsPeriodsWithoutUntreatedObservationsAndImputesTheRest(SparkSession spark) {
    // no never-treated units: from period 6 on every unit is treated, nothing to impute from
    SimPanel sim = SimPanel.make(31, 150, PERIODS, new int[] {3, 4, 6}, 0.0);
    BorusyakJaravelSpiess.Result r = new BorusyakJaravelSpiess().run(sim.frame(spark), SimPanel.spec().build());
    long late = Obs.of(sim).stream().filter(o -> o.time() >= 6).count();
    assertEquals(List.of(late + " treated observations cannot be imputed: no untreated observation in period(s) 6, 7;"
        + " they are left out of the estimates",
        "event time 3: no treated observation can be imputed; no tau::3 row",
        "event time 4: no treated observation can be imputed; no tau::4 row"), r.notes());
    assertEquals(late, r.notImputed());
    double num = 0;
    double den = 0;
    for (Obs o : Obs.of(sim)) {
      if (o.treated() && o.time() < 6) {
        num += SimPanel.tau(o.cohort(), o.time());
        den++;
      }
    }
    Map<String, Row> est = byTerm(r.tables().get("coefficients"));
    assertEquals(num / den, est.get("ATT").getDouble(1), 1e-9);
    assertEquals(new TreeSet<>(List.of("ATT", "tau::0", "tau::1", "tau::2")), new TreeSet<>(est.keySet()));
  }

  @Test
  void refusesPanelsWithNothingToImputeFrom(SparkSession spark) {
    SimPanel sim = SimPanel.make(41, 60, PERIODS, new int[] {3, 4}, 0.3);
    List<Row> treatedOnly = sim.rows().stream().filter(r -> r.getInt(1) >= r.getInt(2)).toList();
    CercaniaException e = assertThrows(CercaniaException.class, () -> new BorusyakJaravelSpiess().run(
        spark.createDataFrame(treatedOnly, SimPanel.SCHEMA), SimPanel.spec().build()));
    assertEquals("imputation: no untreated observations (never treated or not yet treated) to fit the untreated outcome model",
        e.getMessage());
    SimPanel never = SimPanel.make(42, 60, PERIODS, new int[] {0}, 0.3);
    assertEquals("imputation: no treated observations: every cohort is 0 or after the last period",
        assertThrows(CercaniaException.class, () -> new BorusyakJaravelSpiess().run(never.frame(spark), SimPanel.spec().build()))
            .getMessage());
    assertEquals("imputation: anticipation is not supported (didimputation has no such option): set anticipation to 0",
        assertThrows(CercaniaException.class, () -> new BorusyakJaravelSpiess().run(sim.frame(spark),
            SimPanel.spec().anticipation(1).build())).getMessage());
    // every treated unit observed only once treated, and the never treated only after the cohorts start: nothing imputable
    List<Row> lonely = new ArrayList<>();
    for (Row r : SimPanel.make(43, 60, PERIODS, new int[] {0, 3}, 0.3).rows()) {
      if (r.getInt(2) == 3 ? r.getInt(1) >= 3 : r.getInt(1) < 3) {
        lonely.add(r);
      }
    }
    CercaniaException none = assertThrows(CercaniaException.class, () -> new BorusyakJaravelSpiess().run(
        spark.createDataFrame(lonely, SimPanel.SCHEMA), SimPanel.spec().build()));
    assertTrue(none.getMessage().startsWith("imputation: no treated observation can be imputed"), none.getMessage());
  }
}
