package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's smoke version of the validation study: two seeds of a tiny sample through the whole pipeline, with an
 * exponential effect profile so the distance curve's validation has a planted reach.
 * 125 centers, so that some open inside the window (the rollout anchors put about 45 before 2006).
 */
@ExtendWith(SparkExtension.class)
class ValidateCommandTest {

  @Test
  void twoSeedsOfATinySample(SparkSession spark, @TempDir Path out) {
    int code = Main.run(args(out, false));
    assertEquals(0, code);
    List<Row> rows = spark.read().parquet(out.resolve("validation").toString()).collectAsList();
    assertTrue(rows.size() >= 10, "some outcome x estimator x band lines: " + rows.size());
    boolean twoSeeds = false;
    for (Row r : rows) {
      int seeds = r.getInt(r.fieldIndex("seeds"));
      assertTrue(seeds == 1 || seeds == 2, r.toString());
      twoSeeds |= seeds == 2;
      for (String c : List.of("coverage", "rejection_rate")) {
        double v = r.getDouble(r.fieldIndex(c));
        assertTrue(v == 0 || v == 0.5 || v == 1, c + " over at most two seeds: " + r);
      }
      assertTrue(r.getDouble(r.fieldIndex("mean_se")) > 0, r.toString());
    }
    assertTrue(twoSeeds, "a line estimated on both seeds");
    assertTrue(rows.stream().anyMatch(r -> r.getString(r.fieldIndex("estimator")).equals("twfe")));
    assertTrue(rows.stream().anyMatch(r -> r.getString(r.fieldIndex("estimator")).equals("cs")));

    List<Row> curve = spark.read().parquet(out.resolve("validation_curve").toString()).collectAsList();
    List<Row> curves = spark.read().parquet(out.resolve("validation_curve_summary").toString()).collectAsList();
    assertTrue(curve.stream().anyMatch(r -> r.getString(r.fieldIndex("family")).equals("school")), "school curve bins: " + curve);
    assertEquals(curves.size(), curve.stream().filter(r -> r.getInt(r.fieldIndex("bin")) == 1).count(), "a bin 1 per curve");
    for (Row r : curve) {
      assertTrue(!r.isNullAt(r.fieldIndex("beyond_reach")), "an exponential profile has a reach: " + r);
      assertTrue(r.getDouble(r.fieldIndex("mean_lower_m")) < r.getDouble(r.fieldIndex("mean_upper_m")), r.toString());
    }
    for (Row r : curves) {
      double u = r.getDouble(r.fieldIndex("uniform_coverage"));
      assertTrue(u == 0 || u == 0.5 || u == 1, "over at most two seeds: " + r);
    }

    // --resume reads both seeds back from their run folders instead of running them: the same summary
    assertEquals(0, Main.run(args(out, true)));
    List<Row> again = spark.read().parquet(out.resolve("validation").toString()).collectAsList();
    assertEquals(rows.size(), again.size());
    java.util.Map<String, Row> byKey = new java.util.HashMap<>();
    for (Row r : again) {
      byKey.put(key(r), r);
    }
    for (Row r : rows) {
      Row b = byKey.get(key(r));
      assertTrue(b != null, "the resumed summary has " + key(r));
      assertEquals(r.getInt(r.fieldIndex("seeds")), b.getInt(b.fieldIndex("seeds")), key(r));
      for (String c : List.of("truth", "mean_bias", "mean_se", "coverage", "rejection_rate")) {
        assertEquals(r.getDouble(r.fieldIndex(c)), b.getDouble(b.fieldIndex(c)), 1e-12, key(r) + " " + c);
      }
      assertTrue(r.getInt(r.fieldIndex("seeds_published")) <= r.getInt(r.fieldIndex("seeds")), key(r));
    }
    // and the same curve tables, every column
    assertSameRows(curve, spark.read().parquet(out.resolve("validation_curve").toString()).collectAsList(), "validation_curve");
    assertSameRows(curves, spark.read().parquet(out.resolve("validation_curve_summary").toString()).collectAsList(),
        "validation_curve_summary");

    // --reestimate runs the effects by distance again on each seed's panel (one more version of its ring_effects
    // table per seed, nothing else rebuilt): the same panel and estimators give the same summary
    String effects = out.resolve("seeds/seed-3/results/ring_effects").toString();
    String panel = out.resolve("seeds/seed-3/panel").toString();
    long effectsVersions = io.delta.tables.DeltaTable.forPath(spark, effects).history().count();
    long panelVersions = io.delta.tables.DeltaTable.forPath(spark, panel).history().count();
    assertEquals(0, Main.run(args(out, false, "--reestimate")));
    assertEquals(effectsVersions + 1, io.delta.tables.DeltaTable.forPath(spark, effects).history().count(), "ring_effects written again");
    assertEquals(panelVersions, io.delta.tables.DeltaTable.forPath(spark, panel).history().count(), "the panel is not rebuilt");
    List<Row> reestimated = spark.read().parquet(out.resolve("validation").toString()).collectAsList();
    assertEquals(rows.size(), reestimated.size());
    assertSameRows(rows, reestimated, "validation, re-estimated");
    assertSameRows(curve, spark.read().parquet(out.resolve("validation_curve").toString()).collectAsList(), "validation_curve, re-estimated");
  }

  private static String[] args(Path out, boolean resume) {
    return args(out, resume, null);
  }

  private static String[] args(Path out, boolean resume, String flag) {
    List<String> a = new java.util.ArrayList<>(List.of("validate", "--seeds", "2", "--first-seed", "3", "--effects", "constant",
        "--districts", "60", "--centers", "125", "--schools", "400", "--survey-clusters", "60", "--respondents", "2",
        "--set", "cercania.sample.effect_profile.shape=exponential", "--set", "cercania.sample.effect_profile.decay_km=1.5",
        "--set", "cercania.sample.effect_profile.reach_km=3", "--out", out.toString()));
    if (resume) {
      a.add(1, "--resume");
    }
    if (flag != null) {
      a.add(1, flag);
    }
    return a.toArray(String[]::new);
  }

  /** The same rows in the same order (the summaries keep the order seeds and bins came in), doubles to 1e-12. */
  private static void assertSameRows(List<Row> expected, List<Row> actual, String table) {
    assertEquals(expected.size(), actual.size(), table);
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      assertEquals(e.length(), a.length(), table);
      for (int c = 0; c < e.length(); c++) {
        Object x = e.get(c);
        Object y = a.get(c);
        if (x instanceof Double dx && y instanceof Double dy) {
          assertEquals(dx, dy, 1e-12, table + " row " + i + " " + e.schema().fieldNames()[c]);
        } else {
          assertEquals(x, y, table + " row " + i + " " + e.schema().fieldNames()[c]);
        }
      }
    }
  }

  private static String key(Row r) {
    return r.getString(r.fieldIndex("outcome")) + "/" + r.getString(r.fieldIndex("estimator")) + "/" + r.get(r.fieldIndex("ring_lower_m"));
  }
}
