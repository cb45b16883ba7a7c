package org.cercania.did.cs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.Mpdta;
import org.cercania.did.SimPanel;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The multiplier bootstrap: deterministic, independent of partitioning, close to the analytic SEs. */
@ExtendWith(SparkExtension.class)
class CsBootstrapTest {

  private static double[] column(CallawaySantAnna.Result r, String table, String col) {
    return r.tables().get(table).orderBy(table.equals("att_gt") ? "cohort" : "aggregation", table.equals("att_gt") ? "time" : "key")
        .select(col).collectAsList().stream().mapToDouble(row -> row.isNullAt(0) ? Double.NaN : row.getDouble(0)).toArray();
  }

  @Test
  void sameSeedSameDrawsWhateverThePartitioning(SparkSession spark) {
    Dataset<Row> mpdta = Mpdta.panel(spark);
    DidSpec spec = Mpdta.spec().bootstrap(299).seed(42).build();
    CallawaySantAnna.Result one = new CallawaySantAnna().run(mpdta.repartition(1), spec);
    CallawaySantAnna.Result many = new CallawaySantAnna().run(mpdta.repartition(7).orderBy("lemp"), spec);
    for (String t : List.of("att_gt", "aggregates")) {
      double[] a = column(one, t, "se");
      double[] b = column(many, t, "se");
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-12, t + " row " + i);
      }
      assertEquals(column(one, t, "crit_value")[0], column(many, t, "crit_value")[0], 1e-12);
    }
    CallawaySantAnna.Result other = new CallawaySantAnna().run(mpdta, Mpdta.spec().bootstrap(299).seed(43).build());
    assertNotEquals(column(one, "att_gt", "se")[0], column(other, "att_gt", "se")[0]);
  }

  @Test
  void bootstrapSesAreCloseToAnalyticOnesAndBandsAreUniform(SparkSession spark) {
    Dataset<Row> mpdta = Mpdta.panel(spark).cache();
    CallawaySantAnna.Result analytic = new CallawaySantAnna().run(mpdta, Mpdta.spec().build());
    for (CsOptions.Multiplier kind : CsOptions.Multiplier.values()) {
      CallawaySantAnna.Result boot = new CallawaySantAnna(CsOptions.defaults().withMultiplier(kind))
          .run(mpdta, Mpdta.spec().bootstrap(1999).seed(7).build());
      for (String t : List.of("att_gt", "aggregates")) {
        double[] a = column(analytic, t, "se");
        double[] b = column(boot, t, "se");
        for (int i = 0; i < a.length; i++) {
          // IQR-based SEs of a few dominant units are noisier than the sd; R did shows the same spread
          assertEquals(1.0, b[i] / a[i], 0.2, kind + " " + t + " row " + i + ": bootstrap " + b[i] + " analytic " + a[i]);
        }
      }
      // a simultaneous band over 12 cells is wider than the pointwise one, as in R did
      double cv = column(boot, "att_gt", "crit_value")[0];
      assertTrue(cv > 2.2 && cv < 3.6, "uniform critical value " + cv);
      Row dyn = boot.tables().get("aggregates").filter("aggregation = 'dynamic' and key = 0").first();
      assertTrue(dyn.getDouble(6) > 1.96, "dynamic band critical value " + dyn.getDouble(6));
      assertEquals(dyn.getDouble(2) - dyn.getDouble(6) * dyn.getDouble(3), dyn.getDouble(4), 1e-12);
      Row overall = boot.tables().get("aggregates").filter("aggregation = 'dynamic' and key is null").first();
      assertEquals(1.959963984540054, overall.getDouble(6), 1e-12);
    }
  }

  @Test
  void clusteredBootstrapIsPartitionIndependent(SparkSession spark) {
    DidSpec spec = SimPanel.spec().cluster("cl").weights("w").bootstrap(199).seed(5).build();
    Dataset<Row> sim = CsVariantsTest.SIM.frame(spark);
    CallawaySantAnna.Result a = new CallawaySantAnna().run(sim.repartition(1), spec);
    CallawaySantAnna.Result b = new CallawaySantAnna().run(sim.repartition(5), spec);
    assertEquals(37, a.clusters());
    double[] sa = column(a, "aggregates", "se");
    double[] sb = column(b, "aggregates", "se");
    for (int i = 0; i < sa.length; i++) {
      assertEquals(sa[i], sb[i], 1e-12);
    }
  }

  @Test
  void quantileType1AsR() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(3, MultiplierBootstrap.quantileType1(x, 0.25));
    assertEquals(8, MultiplierBootstrap.quantileType1(x, 0.75));
    assertEquals(10, MultiplierBootstrap.quantileType1(x, 0.95));
    assertEquals(5, MultiplierBootstrap.quantileType1(x, 0.5));
    double[] y = new double[1000];
    for (int i = 0; i < y.length; i++) {
      y[i] = i + 1;
    }
    assertEquals(950, MultiplierBootstrap.quantileType1(y, 0.95));
  }
  /** R did's multipliers are Rademacher (BMisc::multiplier_bootstrap); Mammen's stay available. Both: mean 0, variance 1. */
  @Test
  void defaultMultiplierIsRademacherAsInRDid() {
    assertEquals(CsOptions.Multiplier.RADEMACHER, CsOptions.defaults().multiplier());
    for (CsOptions.Multiplier kind : CsOptions.Multiplier.values()) {
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int draws = 200000;
      for (int b = 0; b < draws; b++) {
        double xi = MultiplierBootstrap.draw(MultiplierBootstrap.clusterHash("unit-" + (b % 977), 3), b / 977, kind);
        if (kind == CsOptions.Multiplier.RADEMACHER) {
          assertEquals(1.0, Math.abs(xi), 0.0);
        }
        s1 += xi;
        s2 += xi * xi;
        s3 += xi * xi * xi;
      }
      assertEquals(0.0, s1 / draws, 0.01, kind + " mean");
      assertEquals(1.0, s2 / draws, 0.01, kind + " variance");
      assertEquals(kind == CsOptions.Multiplier.MAMMEN ? 1.0 : 0.0, s3 / draws, 0.03, kind + " third moment");
    }
  }
}
