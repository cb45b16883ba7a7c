package org.cercania.did.bacon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.Mpdta;
import org.cercania.did.Obs;
import org.cercania.did.fe.Twfe;
import org.cercania.errors.CercaniaException;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Goodman-Bacon decomposition on mpdta against an independent computation: each 2x2 as the
 * two-way within estimator on the raw rows of its subsample, each weight from the paper's formulas
 * (Goodman-Bacon 2021, Theorem 1: full-sample unit shares and treated-time shares), and the
 * weighted sum against the Spark TWFE.
 */
@ExtendWith(SparkExtension.class)
class BaconTest {

  @Test
  void mpdtaComparisonsMatchBruteForceAndSumToTheTwfeCoefficient(SparkSession spark) {
    GoodmanBacon.Result r = new GoodmanBacon().run(Mpdta.underscored(spark), Mpdta.underscoredSpec());
    double twfe = new Twfe().estimate(Mpdta.underscored(spark), Mpdta.underscoredSpec()).tables().get("coefficients").first().getAs("estimate");

    List<Obs> rows = Obs.mpdta();
    Map<String, double[]> expected = bruteForce(rows);
    assertEquals(9, expected.size());
    assertEquals(expected.keySet(), new TreeSet<>(r.comparisons().stream().map(c -> c.treated() + "/" + c.control()).toList()));
    double sumW = 0;
    double sum = 0;
    for (GoodmanBacon.Comparison c : r.comparisons()) {
      double[] e = expected.get(c.treated() + "/" + c.control());
      assertEquals(e[0], c.estimate(), 1e-10, c.toString());
      assertEquals(e[1], c.weight(), 1e-10, c.toString());
      String type = c.control() == 0 ? "Treated vs Untreated"
          : c.treated() < c.control() ? "Earlier vs Later Treated" : "Later vs Earlier Treated";
      assertEquals(type, c.type());
      sumW += c.weight();
      sum += c.weight() * c.estimate();
    }
    assertEquals(1.0, sumW, 1e-12);
    assertEquals(twfe, sum, 1e-10);
    assertEquals(within(rows, o -> true), twfe, 1e-10);
    assertEquals(9, r.tables().get("bacon").count());
  }

  @Test
  void mpdtaMatchesBacondecomp(SparkSession spark) {
    com.typesafe.config.Config ref = com.typesafe.config.ConfigFactory.parseResources("oracle/bacon.json");
    GoodmanBacon.Result r = new GoodmanBacon().run(Mpdta.underscored(spark), Mpdta.underscoredSpec());
    Map<String, GoodmanBacon.Comparison> byPair = new HashMap<>();
    r.comparisons().forEach(c -> byPair.put(c.treated() + "/" + c.control(), c));
    List<? extends com.typesafe.config.Config> rows = ref.getConfigList("two_by_twos");
    assertEquals(rows.size(), byPair.size());
    for (com.typesafe.config.Config row : rows) {
      GoodmanBacon.Comparison c = byPair.get(row.getInt("treated") + "/" + row.getInt("untreated"));
      assertEquals(row.getString("type"), c.type());
      assertEquals(row.getDouble("estimate"), c.estimate(), 1e-10, row.toString());
      assertEquals(row.getDouble("weight"), c.weight(), 1e-12, row.toString());
    }
    double sum = r.comparisons().stream().mapToDouble(c -> c.estimate() * c.weight()).sum();
    assertEquals(ref.getDouble("twfe_coefficient_feols"), sum, 1e-10);
  }

  @Test
  void didCommandWritesTheBaconTable(SparkSession spark, @org.junit.jupiter.api.io.TempDir java.nio.file.Path out) {
    int code = org.cercania.cli.Main.run(new String[] {"did", "--input", Mpdta.dir().resolve("mpdta.csv").toString(), "--unit",
        "countyreal", "--time", "year", "--cohort", "first.treat", "--outcome", "lemp", "--estimator", "bacon",
        "--out", out.toString()});
    assertEquals(0, code);
    Dataset<Row> t = spark.read().parquet(out.resolve("bacon").toString());
    assertEquals(List.of("type", "treated_cohort", "control_cohort", "estimate", "weight"), List.of(t.columns()));
    double sum = 0;
    for (Row r : t.collectAsList()) {
      sum += r.getDouble(3) * r.getDouble(4);
    }
    assertEquals(com.typesafe.config.ConfigFactory.parseResources("oracle/bacon.json").getDouble("twfe_coefficient_feols"), sum, 1e-10);
  }

  /** Two-way within estimator of y on treat_post for a balanced subsample. */
  static double within(List<Obs> all, Predicate<Obs> keep) {
    List<Obs> rows = all.stream().filter(keep).toList();
    Map<String, double[]> byUnit = new HashMap<>();
    Map<Integer, double[]> byTime = new HashMap<>();
    double mean = 0;
    for (Obs o : rows) {
      double d = o.treated() ? 1 : 0;
      byUnit.computeIfAbsent(o.unit(), k -> new double[2])[0] += d;
      byUnit.get(o.unit())[1]++;
      byTime.computeIfAbsent(o.time(), k -> new double[2])[0] += d;
      byTime.get(o.time())[1]++;
      mean += d;
    }
    mean /= rows.size();
    double num = 0;
    double den = 0;
    for (Obs o : rows) {
      double[] u = byUnit.get(o.unit());
      double[] t = byTime.get(o.time());
      double dt = (o.treated() ? 1 : 0) - u[0] / u[1] - t[0] / t[1] + mean;
      num += dt * o.y();
      den += dt * dt;
    }
    return num / den;
  }

  /** "treated/control" -> {2x2 estimate, normalised weight}, control 0 = never treated. */
  static Map<String, double[]> bruteForce(List<Obs> rows) {
    TreeSet<Integer> periods = new TreeSet<>();
    Map<Integer, TreeSet<String>> unitsOf = new HashMap<>();
    for (Obs o : rows) {
      periods.add(o.time());
      unitsOf.computeIfAbsent(o.cohort(), k -> new TreeSet<>()).add(o.unit());
    }
    double nUnits = rows.stream().map(Obs::unit).distinct().count();
    double nT = periods.size();
    Map<Integer, Double> share = new HashMap<>();
    Map<Integer, Double> dbar = new HashMap<>();
    for (int g : unitsOf.keySet()) {
      share.put(g, unitsOf.get(g).size() / nUnits);
      dbar.put(g, g == 0 ? 0.0 : periods.tailSet(g).size() / nT);
    }
    Map<String, double[]> out = new HashMap<>();
    double total = 0;
    for (int k : unitsOf.keySet()) {
      for (int l : unitsOf.keySet()) {
        if (k == 0 || k == l) {
          continue;
        }
        Predicate<Obs> window = l == 0 ? o -> true : k < l ? o -> o.time() < l : o -> o.time() >= l;
        double est = within(rows, o -> (o.cohort() == k || o.cohort() == l) && window.test(o));
        double nk = share.get(k);
        double nl = share.get(l);
        double dk = dbar.get(k);
        double dl = dbar.get(l);
        double s;
        if (l == 0) {
          double nku = nk / (nk + nl);
          s = Math.pow(nk + nl, 2) * nku * (1 - nku) * dk * (1 - dk);
        } else {
          // paper's notation: e = earlier, a = later treated
          double de = Math.max(dk, dl);
          double da = Math.min(dk, dl);
          double ne = k < l ? nk : nl;
          double na = k < l ? nl : nk;
          double nea = ne / (ne + na);
          s = k < l
              ? Math.pow((ne + na) * (1 - da), 2) * nea * (1 - nea) * (de - da) / (1 - da) * (1 - de) / (1 - da)
              : Math.pow((ne + na) * de, 2) * nea * (1 - nea) * (da / de) * (de - da) / de;
        }
        out.put(k + "/" + l, new double[] {est, s});
        total += s;
      }
    }
    for (double[] v : out.values()) {
      v[1] /= total;
    }
    return out;
  }

  @Test
  void refusesAnUnbalancedPanel(SparkSession spark) {
    Dataset<Row> p = Mpdta.underscored(spark).filter("not (countyreal = 8001 and year = 2005)");
    CercaniaException e = assertThrows(CercaniaException.class, () -> new GoodmanBacon().run(p, Mpdta.underscoredSpec()));
    assertEquals("bacon: the panel is unbalanced: 1 of 500 units are not observed exactly once in each of the 5 periods;"
        + " the decomposition needs a balanced panel", e.getMessage());
    Dataset<Row> dup = Mpdta.underscored(spark).union(Mpdta.underscored(spark).filter("countyreal = 8001 and year = 2005"));
    assertEquals(e.getMessage(), assertThrows(CercaniaException.class, () -> new GoodmanBacon().run(dup, Mpdta.underscoredSpec())).getMessage());
  }

  @Test
  void refusesWeightsMissingOutcomesAndPanelsWithoutComparisons(SparkSession spark) {
    Dataset<Row> panel = Mpdta.underscored(spark); // outside assertThrows: without the reference data the test is skipped
    CercaniaException w = assertThrows(CercaniaException.class,
        () -> new GoodmanBacon().run(panel, DidSpec.builder("countyreal", "year", "first_treat", "lemp").weights("lpop").build()));
    assertEquals("bacon: weights ('lpop') are not supported: the decomposition is of the unweighted TWFE coefficient (bacondecomp)",
        w.getMessage());
    Dataset<Row> na = Mpdta.underscored(spark).selectExpr("year", "countyreal", "first_treat",
        "case when countyreal = 8001 and year = 2005 then null else lemp end as lemp");
    assertEquals("bacon: 1 rows have no lemp; the decomposition needs a balanced panel without missing outcomes"
        + " (bacondecomp: NA observations)",
        assertThrows(CercaniaException.class, () -> new GoodmanBacon().run(na, Mpdta.underscoredSpec())).getMessage());
    Dataset<Row> one = Mpdta.underscored(spark).filter("first_treat = 2004");
    assertEquals("bacon: nothing to decompose: a single timing group and no untreated units",
        assertThrows(CercaniaException.class, () -> new GoodmanBacon().run(one, Mpdta.underscoredSpec())).getMessage());
    Dataset<Row> none = Mpdta.underscored(spark).filter("first_treat = 0");
    assertEquals("bacon: no treated units: every cohort is 0 or after the last period",
        assertThrows(CercaniaException.class, () -> new GoodmanBacon().run(none, Mpdta.underscoredSpec())).getMessage());
  }

  @Test
  void cohortsAfterTheLastPeriodJoinTheUntreated(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (Obs o : Obs.mpdta()) {
      int g = o.cohort() == 0 && Integer.parseInt(o.unit()) % 2 == 0 ? 2009 : o.cohort();
      rows.add(RowFactory.create(Integer.parseInt(o.unit()), o.time(), g, o.y()));
    }
    Dataset<Row> df = spark.createDataFrame(rows, org.apache.spark.sql.types.DataTypes.createStructType(List.of(
        org.apache.spark.sql.types.DataTypes.createStructField("countyreal", org.apache.spark.sql.types.DataTypes.IntegerType, false),
        org.apache.spark.sql.types.DataTypes.createStructField("year", org.apache.spark.sql.types.DataTypes.IntegerType, false),
        org.apache.spark.sql.types.DataTypes.createStructField("first_treat", org.apache.spark.sql.types.DataTypes.IntegerType, false),
        org.apache.spark.sql.types.DataTypes.createStructField("lemp", org.apache.spark.sql.types.DataTypes.DoubleType, false))));
    GoodmanBacon.Result r = new GoodmanBacon().run(df, Mpdta.underscoredSpec());
    GoodmanBacon.Result base = new GoodmanBacon().run(Mpdta.underscored(spark), Mpdta.underscoredSpec());
    assertEquals(base.comparisons().size(), r.comparisons().size());
    for (int i = 0; i < r.comparisons().size(); i++) {
      GoodmanBacon.Comparison a = base.comparisons().get(i);
      GoodmanBacon.Comparison b = r.comparisons().get(i);
      assertEquals(a.type() + a.treated() + "/" + a.control(), b.type() + b.treated() + "/" + b.control());
      assertEquals(a.estimate(), b.estimate(), 1e-12);
      assertEquals(a.weight(), b.weight(), 1e-12);
    }
    assertEquals("cohort(s) 2009 are not treated within the panel (last period 2007): their units are untreated, as in bacondecomp",
        r.notes().get(0));
  }
}
