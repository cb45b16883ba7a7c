package org.cercania.did.cs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.SimPanel;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Control groups, base periods, anticipation, weights and clusters against {@link ReferenceCs}
 * (a brute-force in-memory transcription of R did's att_gt / aggte), and a planted-effect panel
 * whose ATT(g,t) are known by construction.
 */
@ExtendWith(SparkExtension.class)
class CsVariantsTest {
  static final double TOL = 1e-9;
  static final SimPanel SIM = SimPanel.make(7, 240, new int[] {1, 2, 3, 4, 5, 6}, new int[] {0, 0, 3, 4, 6}, 0.5);

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of(false, false, 0, false, false),
        Arguments.of(true, false, 0, true, false),
        Arguments.of(false, true, 0, true, true),
        Arguments.of(true, true, 1, false, false),
        Arguments.of(true, false, 1, true, true),
        Arguments.of(false, false, 1, false, true));
  }

  @ParameterizedTest(name = "notYet={0} universal={1} anticipation={2} weights={3} clusters={4}")
  @MethodSource("variants")
  void matchesReference(boolean notYet, boolean universal, int antic, boolean weighted, boolean clustered, SparkSession spark) {
    DidSpec.Builder b = SimPanel.spec()
        .control(notYet ? DidSpec.ControlGroup.NOT_YET : DidSpec.ControlGroup.NEVER)
        .basePeriod(universal ? DidSpec.BasePeriod.UNIVERSAL : DidSpec.BasePeriod.VARYING)
        .anticipation(antic);
    if (weighted) {
      b.weights("w");
    }
    if (clustered) {
      b.cluster("cl");
    }
    CallawaySantAnna.Result r = new CallawaySantAnna().run(SIM.frame(spark), b.build());
    ReferenceCs ref = new ReferenceCs(SIM, notYet, universal, antic, weighted, clustered);
    assertEquals(clustered ? 37 : 240, r.clusters());

    List<Row> cells = r.tables().get("att_gt").collectAsList();
    assertEquals(ref.attGt.size(), cells.size());
    for (Row row : cells) {
      double[] want = ref.attGt.get(row.getInt(0) + "/" + row.getInt(1));
      String what = "ATT(" + row.getInt(0) + "," + row.getInt(1) + ")";
      assertEquals(want[0], row.getDouble(2), TOL, what);
      assertSe(want[1], row.isNullAt(3) ? Double.NaN : row.getDouble(3), what);
    }
    List<Row> agg = r.tables().get("aggregates").collectAsList();
    assertEquals(ref.aggregates.size(), agg.size());
    for (Row row : agg) {
      String key = row.getString(0) + "/" + row.get(1);
      double[] want = ref.aggregates.get(key);
      assertEquals(want[0], row.getDouble(2), TOL, key);
      assertSe(want[1], row.isNullAt(3) ? Double.NaN : row.getDouble(3), key);
    }
  }

  /**
   * Without a cluster column CR2 adjusts unit by unit: every SE equals the one clustered by unit
   * (the brute force of RingBruteForceTest checks the clustered CR2), estimates are unchanged and the
   * simple aggregation's SE exceeds the plain one; weights and not-yet controls.
   */
  @Test
  void cr2WithoutClustersAdjustsUnitByUnit(SparkSession spark) {
    Dataset<Row> panel = SIM.frame(spark);
    DidSpec.Builder b = SimPanel.spec().control(DidSpec.ControlGroup.NOT_YET).weights("w");
    CallawaySantAnna withCr2 = new CallawaySantAnna(CsOptions.defaults().withCr2(true));
    Map<String, double[]> plain = aggregates(new CallawaySantAnna().run(panel, b.build()));
    CallawaySantAnna.Result loo = withCr2.run(panel, b.build());
    Map<String, double[]> byUnit = aggregates(loo);
    Map<String, double[]> clusteredById = aggregates(withCr2.run(panel, b.cluster("id").build()));
    assertEquals(plain.keySet(), byUnit.keySet());
    for (String k : byUnit.keySet()) {
      assertEquals(plain.get(k)[0], byUnit.get(k)[0], TOL, k);
      assertEquals(clusteredById.get(k)[1], byUnit.get(k)[1], TOL, k + " se");
    }
    assertTrue(byUnit.get("simple/null")[1] > plain.get("simple/null")[1] * 1.001, "CR2 SE above the plain one");
    assertTrue(loo.notes().stream().anyMatch(n -> n.startsWith("CR2 variance")), loo.notes().toString());
  }

  private static Map<String, double[]> aggregates(CallawaySantAnna.Result r) {
    Map<String, double[]> out = new HashMap<>();
    for (Row row : r.tables().get("aggregates").collectAsList()) {
      out.put(row.getString(0) + "/" + row.get(1), new double[] {row.getDouble(2), row.isNullAt(3) ? Double.NaN : row.getDouble(3)});
    }
    return out;
  }

  private static void assertSe(double want, double got, String what) {
    if (Double.isNaN(want)) {
      assertTrue(Double.isNaN(got), what + " se should be null");
    } else {
      assertEquals(want, got, TOL, what + " se");
    }
  }

  /** Exact parallel trends and no noise: every ATT(g,t) is the planted tau(g,t), pre-periods 0. */
  @Test
  void recoversPlantedHeterogeneousEffects(SparkSession spark) {
    int[] periods = {2001, 2002, 2003, 2004, 2005, 2006, 2007};
    SimPanel sim = SimPanel.make(11, 300, periods, new int[] {0, 2003, 2004, 2006}, 0.0);
    for (DidSpec.ControlGroup cg : DidSpec.ControlGroup.values()) {
      CallawaySantAnna.Result r = new CallawaySantAnna().run(sim.frame(spark), SimPanel.spec().control(cg).weights("w").build());
      for (Row row : r.tables().get("att_gt").collectAsList()) {
        int g = row.getInt(0);
        int t = row.getInt(1);
        assertEquals(SimPanel.tau(g, t), row.getDouble(2), 1e-9, "ATT(" + g + "," + t + ")");
      }
      // dynamic effect at e: cohort-size-weighted mean of tau(g, g + e) over cohorts observed at g + e
      Map<Integer, double[]> byE = new HashMap<>();
      for (int g : new int[] {2003, 2004, 2006}) {
        double size = 0;
        for (int i = 0; i < sim.cohort.length; i++) {
          size += sim.cohort[i] == g ? sim.weight[i] : 0;
        }
        for (int t : periods) {
          if (t >= g) {
            byE.computeIfAbsent(t - g, e -> new double[2]);
            byE.get(t - g)[0] += size * SimPanel.tau(g, t);
            byE.get(t - g)[1] += size;
          }
        }
      }
      Dataset<Row> dyn = r.tables().get("aggregates").filter("aggregation = 'dynamic' and key >= 0");
      for (Row row : dyn.collectAsList()) {
        double[] s = byE.get(row.getInt(1));
        assertEquals(s[0] / s[1], row.getDouble(2), 1e-9, "dynamic e=" + row.getInt(1));
      }
    }
  }

  /**
   * With a covariate that shifts the propensity score, the covariate paths (per-cell OLS, the IRLS
   * logit passes, the score moments) still recover the planted effects exactly on noise-free data.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"reg", "ipw", "dr"})
  void covariateMethodsRecoverPlantedEffects(String method, SparkSession spark) {
    int[] periods = {1, 2, 3, 4, 5};
    SimPanel sim = SimPanel.make(21, 400, periods, new int[] {0, 0, 3, 4}, 0.0);
    Dataset<Row> df = sim.frame(spark).withColumn("x", org.apache.spark.sql.functions.expr("cos(id * 1.7) + 0.3 * g"));
    CallawaySantAnna.Result r = new CallawaySantAnna().run(df,
        SimPanel.spec().covariates(List.of("x")).method(DidSpec.Method.parse(method)).weights("w").control(DidSpec.ControlGroup.NOT_YET).build());
    List<Row> cells = r.tables().get("att_gt").collectAsList();
    assertEquals(8, cells.size());
    for (Row row : cells) {
      assertEquals(SimPanel.tau(row.getInt(0), row.getInt(1)), row.getDouble(2), 1e-9, method + " ATT(" + row.getInt(0) + "," + row.getInt(1) + ")");
    }
    // noise-free pre-periods have a zero influence function: R did then has nothing to test either
    assertEquals(List.of("no pre-treatment periods to test"), r.notes());
  }
  /**
   * Repeated cross-sections (every row its own observation): on noise-free data with the same
   * composition in every period, reg, ipw and dr with a covariate recover the planted effects, and
   * every observation carries an influence function (n = rows).
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"reg", "ipw", "dr"})
  void crossSectionMethodsRecoverPlantedEffects(String method, SparkSession spark) {
    int[] periods = {1, 2, 3, 4, 5};
    SimPanel sim = SimPanel.make(23, 300, periods, new int[] {0, 0, 3, 4}, 0.0);
    Dataset<Row> df = sim.frame(spark).withColumn("x", org.apache.spark.sql.functions.expr("cos(id * 1.3) + 0.2 * g"));
    CallawaySantAnna.Result r = new CallawaySantAnna().run(df,
        SimPanel.spec().covariates(List.of("x")).method(DidSpec.Method.parse(method)).weights("w").repeatedCrossSection(true).build());
    assertEquals(300 * 5, r.n());
    List<Row> cells = r.tables().get("att_gt").collectAsList();
    assertEquals(8, cells.size());
    for (Row row : cells) {
      assertEquals(SimPanel.tau(row.getInt(0), row.getInt(1)), row.getDouble(2), 1e-9,
          method + " ATT(" + row.getInt(0) + "," + row.getInt(1) + ")");
    }
  }
}
