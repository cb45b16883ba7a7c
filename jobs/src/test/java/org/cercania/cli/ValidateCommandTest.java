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
 * CI's smoke version of the validation study: two seeds of a tiny sample through the whole pipeline.
 * 125 centers, so that some open inside the window (the rollout anchors put about 45 before 2006).
 */
@ExtendWith(SparkExtension.class)
class ValidateCommandTest {

  @Test
  void twoSeedsOfATinySample(SparkSession spark, @TempDir Path out) {
    int code = Main.run(new String[] {"validate", "--seeds", "2", "--first-seed", "3", "--effects", "constant", "--districts", "60",
        "--centers", "125", "--schools", "400", "--survey-clusters", "60", "--respondents", "2", "--out", out.toString()});
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

    // --resume reads both seeds back from their run folders instead of running them: the same summary
    String[] resume = {"validate", "--resume", "--seeds", "2", "--first-seed", "3", "--effects", "constant", "--districts", "60",
        "--centers", "125", "--schools", "400", "--survey-clusters", "60", "--respondents", "2", "--out", out.toString()};
    assertEquals(0, Main.run(resume));
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
  }

  private static String key(Row r) {
    return r.getString(r.fieldIndex("outcome")) + "/" + r.getString(r.fieldIndex("estimator")) + "/" + r.get(r.fieldIndex("ring_lower_m"));
  }
}
