package org.cercania.did.cs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.Mpdta;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every number of every entry of oracle/cs_variants.json (R did 2.3.0 / DRDID 1.2.3 on mpdta: control
 * groups, universal base, anticipation, covariates with dr / ipw / reg, weights, repeated
 * cross-sections, event windows and balance_e) to 1e-6: each ATT(g,t) and its se, the Wald
 * pre-test, and every aggregation overall and by row. The universal base period's own cell is a row
 * of att_gt with att 0 and a null se, as R reports it (att 0, se NA). The clustered-bootstrap entry
 * is compared loosely, and against the analytic limits the JSON documents.
 */
@ExtendWith(SparkExtension.class)
class CsOracleVariantsTest {
  static final double TOL = 1e-6;
  static final JsonNode ORACLE = load();

  private static JsonNode load() {
    try (InputStream in = CsOracleVariantsTest.class.getResourceAsStream("/oracle/cs_variants.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode entry(String name) {
    for (JsonNode s : ORACLE.get("specs")) {
      if (s.get("name").asText().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(name);
  }

  static Stream<String> analyticEntries() {
    List<String> names = new ArrayList<>();
    for (JsonNode s : ORACLE.get("specs")) {
      if (!s.get("spec").get("bstrap").asBoolean()) {
        names.add(s.get("name").asText());
      }
    }
    return names.stream();
  }

  /** mpdta with the oracle's derived columns: w = 1 + (countyreal %% 7)/10, state = countyreal %/% 1000. */
  static Dataset<Row> panel(SparkSession spark) {
    return Mpdta.panel(spark)
        .withColumn("w", expr("1 + pmod(countyreal, 7) / 10.0"))
        .withColumn("state", expr("cast(floor(countyreal / 1000) as int)"));
  }

  /** The oracle's R arguments as a DidSpec. */
  static DidSpec.Builder spec(JsonNode s) {
    DidSpec.Builder b = Mpdta.spec();
    b.control(s.get("control_group").asText().equals("nevertreated") ? DidSpec.ControlGroup.NEVER : DidSpec.ControlGroup.NOT_YET);
    b.basePeriod(s.get("base_period").asText().equals("universal") ? DidSpec.BasePeriod.UNIVERSAL : DidSpec.BasePeriod.VARYING);
    b.anticipation(s.get("anticipation").asInt());
    if (!s.get("xformla").isNull()) {
      assertEquals("~lpop", s.get("xformla").asText());
      b.covariates(List.of("lpop"));
    }
    b.method(DidSpec.Method.parse(s.get("est_method").asText()));
    b.repeatedCrossSection(!s.get("panel").asBoolean());
    if (!s.get("weightsname").isNull()) {
      b.weights(s.get("weightsname").asText());
    }
    JsonNode cl = s.get("clustervars");
    if (!cl.isNull()) {
      for (JsonNode c : cl) {
        if (!c.asText().equals("countyreal")) {
          b.cluster(c.asText()); // R did drops the unit id from clustervars: units are always clusters
        }
      }
    }
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("analyticEntries")
  void reproducesEveryNumber(String name, SparkSession spark) {
    JsonNode e = entry(name);
    JsonNode s = e.get("spec");
    JsonNode res = e.get("results");
    Dataset<Row> data = panel(spark).cache();
    // one run per distinct aggte option set (min_e / max_e / balance_e); att_gt and the test from the first
    boolean first = true;
    var aggs = s.get("aggte").fields();
    while (aggs.hasNext()) {
      var a = aggs.next();
      String label = a.getKey();
      JsonNode opts = a.getValue();
      DidSpec.Builder b = spec(s);
      CsOptions o = CsOptions.defaults();
      if (opts.has("min_e") || opts.has("max_e")) {
        b.eventWindow(opts.has("min_e") ? opts.get("min_e").asInt() : null, opts.has("max_e") ? opts.get("max_e").asInt() : null);
      }
      if (opts.has("balance_e")) {
        o = o.withBalanceE(opts.get("balance_e").asInt());
      }
      boolean defaults = !opts.has("min_e") && !opts.has("max_e") && !opts.has("balance_e");
      if (!first && defaults) {
        continue; // the default run already covered every default aggte type
      }
      CallawaySantAnna.Result r = new CallawaySantAnna(o).run(data, b.build());
      if (first) {
        assertEquals(res.get("n").asLong(), r.n(), name + " n");
        checkAttGt(name, res.get("att_gt"), r.tables().get("att_gt").collectAsList());
        checkWald(name, res.get("wald_pretest"), r.tables().get("pretest").collectAsList());
        first = false;
      }
      Map<String, Row> rows = aggregates(r);
      if (defaults) {
        var types = s.get("aggte").fields();
        while (types.hasNext()) {
          var t = types.next();
          if (t.getValue().size() == 1) {
            checkAggregation(name + " " + t.getKey(), t.getValue().get("type").asText(), res.get("aggte").get(t.getKey()), rows);
          }
        }
      } else {
        checkAggregation(name + " " + label, opts.get("type").asText(), res.get("aggte").get(label), rows);
      }
    }
    data.unpersist();
  }

  static Map<String, Row> aggregates(CallawaySantAnna.Result r) {
    Map<String, Row> agg = new HashMap<>();
    r.tables().get("aggregates").collectAsList().forEach(row -> agg.put(row.getString(0) + "/" + row.get(1), row));
    return agg;
  }

  static void checkAttGt(String name, JsonNode want, List<Row> got) {
    assertEquals(want.size(), got.size(), name + ": number of ATT(g,t)");
    Map<String, Row> byCell = new HashMap<>();
    got.forEach(row -> byCell.put(row.getInt(0) + "/" + row.getInt(1), row));
    for (JsonNode c : want) {
      String what = name + " ATT(" + c.get("group").asInt() + "," + c.get("time").asInt() + ")";
      Row row = byCell.get(c.get("group").asInt() + "/" + c.get("time").asInt());
      assertNotNull(row, what + " missing");
      assertEquals(c.get("att").asDouble(), row.getDouble(row.fieldIndex("att")), TOL, what);
      assertSe(c.get("se"), row, row.fieldIndex("se"), what);
    }
  }

  static void checkWald(String name, JsonNode want, List<Row> got) {
    assertEquals(1, got.size(), name + ": pre-test rows");
    Row w = got.get(0);
    assertEquals(want.get("W").asDouble(), (double) w.getAs("statistic"), TOL, name + " W");
    assertEquals(want.get("df").asInt(), (int) w.getAs("df1"), name + " df");
    double p = w.getAs("p_value");
    assertEquals(want.get("pvalue_unrounded").asDouble(), p, TOL, name + " p-value");
    // R did reports round(p, 5)
    assertEquals(want.get("pvalue").asDouble(), Math.round(p * 1e5) / 1e5, 1e-12, name + " rounded p-value");
  }

  static void checkAggregation(String what, String type, JsonNode want, Map<String, Row> got) {
    Row overall = got.get(type + "/null");
    assertNotNull(overall, what + " overall missing");
    assertEquals(want.get("overall_att").asDouble(), overall.getDouble(2), TOL, what + " overall");
    assertSe(want.get("overall_se"), overall, 3, what + " overall");
    if (!want.has("by")) {
      return;
    }
    String key = Map.of("dynamic", "e", "group", "g", "calendar", "t").get(type);
    JsonNode by = want.get("by");
    long rows = got.keySet().stream().filter(k -> k.startsWith(type + "/") && !k.endsWith("/null")).count();
    assertEquals(by.size(), rows, what + ": rows by " + key);
    for (JsonNode b : by) {
      Row row = got.get(type + "/" + b.get(key).asInt());
      assertNotNull(row, what + " " + key + "=" + b.get(key).asInt() + " missing");
      assertEquals(b.get("att").asDouble(), row.getDouble(2), TOL, what + " " + key + "=" + b.get(key).asInt());
      assertSe(b.get("se"), row, 3, what + " " + key + "=" + b.get(key).asInt());
    }
  }

  static void assertSe(JsonNode want, Row row, int i, String what) {
    if (want == null || want.isNull()) {
      assertTrue(row.isNullAt(i), what + ": se should be null (R: NA), is " + row.get(i));
    } else {
      assertTrue(!row.isNullAt(i), what + ": se is null, R has " + want.asDouble());
      assertEquals(want.asDouble(), row.getDouble(i), TOL, what + " se");
    }
  }

  /**
   * clustervars = c("countyreal", "state") with R did's bootstrap: point estimates exact; the
   * analytic cluster-sum SEs equal the JSON's se_cluster_sum; the bootstrap draws' standard deviation
   * tends to se_did_bootstrap_limit (state-mean psi, sqrt(G) scaling); the IQR-based bootstrap SEs
   * are within sampling error of R's own 1,000-draw ones.
   */
  @Test
  void clusteredBootstrapAgreesWithRAndItsAnalyticLimits(SparkSession spark) {
    JsonNode e = entry("clustervars_state_bootstrap");
    JsonNode res = e.get("results");
    JsonNode info = e.get("cluster_info");
    Dataset<Row> data = panel(spark).cache();
    DidSpec.Builder b = spec(e.get("spec"));

    // analytic, clustered by state: the usual cluster-robust form
    CallawaySantAnna.Result analytic = new CallawaySantAnna().run(data, b.build());
    assertEquals(info.get("n_states").asLong(), analytic.clusters());
    Map<String, Row> cells = new HashMap<>();
    analytic.tables().get("att_gt").collectAsList().forEach(r -> cells.put(r.getInt(0) + "/" + r.getInt(1), r));
    for (JsonNode c : info.get("derived_bootstrap_limit_se")) {
      Row row = cells.get(c.get("group").asInt() + "/" + c.get("time").asInt());
      assertEquals(c.get("se_cluster_sum").asDouble(), row.getDouble(3), TOL, "cluster-sum se " + c);
    }

    int draws = 20000;
    CallawaySantAnna.Result boot = new CallawaySantAnna(CsOptions.defaults().withCband(false))
        .run(data, b.bootstrap(draws).seed(2024).build());
    assertEquals(29, boot.clusters());
    // the draws' sd against the exact limit sqrt(sum_c mbar_c^2) / G (Rademacher: exact variance)
    Map<String, Double> sd = boot.bootstrapSd();
    for (JsonNode c : info.get("derived_bootstrap_limit_se")) {
      String key = c.get("group").asInt() + "/" + c.get("time").asInt();
      double lim = c.get("se_did_bootstrap_limit").asDouble();
      // sd of a 20,000-draw sd estimate is about sd * sqrt((kurtosis - 1) / (4 B)) < 1%
      assertEquals(1.0, sd.get("att_gt/" + key) / lim, 0.04, "bootstrap sd " + key);
    }
    List<Row> att = boot.tables().get("att_gt").collectAsList();
    for (JsonNode c : res.get("att_gt")) {
      Row row = att.stream().filter(r -> r.getInt(0) == c.get("group").asInt() && r.getInt(1) == c.get("time").asInt())
          .findFirst().orElseThrow();
      assertEquals(c.get("att").asDouble(), row.getDouble(2), TOL, "att " + c);
      // R's se is an IQR-based estimate from 1,000 draws over 29 clusters: about 5-10% sampling error
      assertEquals(1.0, row.getDouble(3) / c.get("se").asDouble(), 0.25, "bootstrap se " + c + " ours " + row.getDouble(3));
    }
    Map<String, Row> agg = aggregates(boot);
    var types = res.get("aggte").fields();
    while (types.hasNext()) {
      var t = types.next();
      JsonNode want = t.getValue();
      Row overall = agg.get(t.getKey() + "/null");
      assertEquals(want.get("overall_att").asDouble(), overall.getDouble(2), TOL, t.getKey());
      assertEquals(1.0, overall.getDouble(3) / want.get("overall_se").asDouble(), 0.25, t.getKey() + " overall se");
      if (want.has("by")) {
        String key = Map.of("dynamic", "e", "group", "g", "calendar", "t").get(t.getKey());
        for (JsonNode row : want.get("by")) {
          Row r = agg.get(t.getKey() + "/" + row.get(key).asInt());
          assertEquals(row.get("att").asDouble(), r.getDouble(2), TOL, t.getKey() + " " + row);
          assertEquals(1.0, r.getDouble(3) / row.get("se").asDouble(), 0.25, t.getKey() + " " + row + " ours " + r.getDouble(3));
        }
      }
    }
    data.unpersist();
  }
}
