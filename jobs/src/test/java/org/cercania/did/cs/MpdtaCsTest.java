package org.cercania.did.cs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.Mpdta;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every number of R did 2.3.0 on mpdta (never-treated controls, varying base period, no
 * covariates, analytic SEs) from ../shared/data/oracle/mpdta_reference.json, to 1e-6.
 */
@ExtendWith(SparkExtension.class)
class MpdtaCsTest {
  static final double TOL = 1e-6;

  /** R did gives the same numbers for dr, ipw and reg without covariates. */
  @ParameterizedTest
  @ValueSource(strings = {"dr", "ipw", "reg"})
  void reproducesEveryReferenceNumber(String method, SparkSession spark) {
    Config ref = Mpdta.reference();
    CallawaySantAnna.Result r = new CallawaySantAnna().run(Mpdta.panel(spark), Mpdta.spec().method(DidSpec.Method.parse(method)).build());
    assertEquals(500, r.n());

    List<Row> attGt = r.tables().get("att_gt").collectAsList();
    List<? extends Config> cells = ref.getConfigList("att_gt");
    assertEquals(cells.size(), attGt.size());
    Map<String, Row> byCell = new HashMap<>();
    attGt.forEach(row -> byCell.put(row.getInt(0) + "/" + row.getInt(1), row));
    for (Config c : cells) {
      Row row = byCell.get(c.getInt("group") + "/" + c.getInt("time"));
      String what = "ATT(" + c.getInt("group") + "," + c.getInt("time") + ")";
      assertEquals(c.getDouble("att"), row.getDouble(row.fieldIndex("att")), TOL, what);
      assertEquals(c.getDouble("se"), row.getDouble(row.fieldIndex("se")), TOL, what + " se");
    }

    Map<String, Row> agg = new HashMap<>();
    r.tables().get("aggregates").collectAsList().forEach(row -> agg.put(row.getString(0) + "/" + row.get(1), row));
    Config aggte = ref.getConfig("aggte");
    for (String type : List.of("simple", "dynamic", "group", "calendar")) {
      Config t = aggte.getConfig(type);
      Row overall = agg.get(type + "/null");
      assertEquals(t.getDouble("overall_att"), overall.getDouble(2), TOL, type + " overall");
      assertEquals(t.getDouble("overall_se"), overall.getDouble(3), TOL, type + " overall se");
      if (t.hasPath("by")) {
        String key = Map.of("dynamic", "e", "group", "g", "calendar", "t").get(type);
        List<? extends Config> by = t.getConfigList("by");
        assertEquals(by.size(), agg.keySet().stream().filter(k -> k.startsWith(type + "/") && !k.endsWith("/null")).count());
        for (Config b : by) {
          Row row = agg.get(type + "/" + b.getInt(key));
          assertEquals(b.getDouble("att"), row.getDouble(2), TOL, type + " " + b.getInt(key));
          assertEquals(b.getDouble("se"), row.getDouble(3), TOL, type + " " + b.getInt(key) + " se");
        }
      }
    }

    List<Row> pre = r.tables().get("pretest").collectAsList();
    assertEquals(1, pre.size());
    assertEquals(ref.getDouble("wald_pretest.W"), (double) pre.get(0).getAs("statistic"), TOL);
    assertEquals(5, (int) pre.get(0).getAs("df1"));
    double p = pre.get(0).getAs("p_value");
    // R did reports the p-value rounded to 5 digits
    assertEquals(ref.getDouble("wald_pretest.pvalue"), Math.round(p * 1e5) / 1e5, 1e-12);
    assertTrue(r.notes().isEmpty(), r.notes().toString());
  }
}
