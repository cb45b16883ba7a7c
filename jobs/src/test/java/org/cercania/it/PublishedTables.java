package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The published results as a reader sees them, and their comparison between two runs. The snapshot
 * is {@code OUT/published/<run>} when {@code OUT/published/CURRENT} names a run, else
 * {@code OUT/published} (the layout before per-run snapshots). Only result columns are compared
 * (provenance such as run ids and timings legitimately differs between runs).
 */
final class PublishedTables {
  /** Table, its key columns, its compared value columns. */
  private record Spec(String table, List<String> key, List<String> values) {}

  private static final List<Spec> TABLES = List.of(
      new Spec("estimates", List.of("family", "outcome", "estimator", "term"), List.of("placebo", "estimate", "se", "conf_low",
          "conf_high", "p_value", "se_convention", "n_obs", "n_clusters", "baseline_mean", "truth")),
      new Spec("event_study", List.of("family", "outcome", "event_time"), List.of("estimate", "se", "conf_low", "conf_high", "truth")),
      new Spec("truth", List.of("family", "outcome", "term", "cohort", "year"), List.of("effect", "units")));

  private PublishedTables() {}

  /** The snapshot folder a reader of {@code out} sees. */
  static Path snapshot(Path out) throws IOException {
    Path root = out.resolve("published");
    Path current = root.resolve("CURRENT");
    if (Files.exists(current)) {
      return root.resolve(Files.readString(current).trim());
    }
    return root;
  }

  /** Each table of the snapshot as key -> values (text), read with Spark as a reader would. */
  static Map<String, Map<String, List<Object>>> read(SparkSession spark, Path out) throws IOException {
    Path dir = snapshot(out);
    Map<String, Map<String, List<Object>>> tables = new TreeMap<>();
    for (Spec s : TABLES) {
      Dataset<Row> t = spark.read().parquet(dir.resolve(s.table()).toString());
      List<String> cols = new ArrayList<>(s.key());
      s.values().stream().filter(c -> List.of(t.columns()).contains(c)).forEach(cols::add);
      Map<String, List<Object>> rows = new TreeMap<>();
      for (Row r : t.selectExpr(cols.toArray(String[]::new)).collectAsList()) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < s.key().size(); i++) {
          key.append(r.get(i)).append('|');
        }
        List<Object> values = new ArrayList<>();
        for (int i = s.key().size(); i < cols.size(); i++) {
          values.add(r.get(i));
        }
        if (rows.put(key.toString(), values) != null) {
          fail(dir + "/" + s.table() + ": key " + key + " appears twice");
        }
      }
      tables.put(s.table(), rows);
    }
    return tables;
  }

  /**
   * Asserts both runs published the same rows with values equal within {@code relTol} (doubles;
   * everything else exactly). A tolerance above 0 covers sums taken in another order (other partitions).
   */
  static void assertSame(Map<String, Map<String, List<Object>>> expected, Map<String, Map<String, List<Object>>> actual,
      double relTol, String what) {
    for (Map.Entry<String, Map<String, List<Object>>> t : expected.entrySet()) {
      Map<String, List<Object>> a = actual.get(t.getKey());
      assertEquals(t.getValue().keySet(), a.keySet(), what + ": rows of " + t.getKey());
      assertTrue(!t.getValue().isEmpty(), what + ": " + t.getKey() + " is empty");
      for (Map.Entry<String, List<Object>> row : t.getValue().entrySet()) {
        List<Object> e = row.getValue();
        List<Object> v = a.get(row.getKey());
        for (int i = 0; i < e.size(); i++) {
          if (e.get(i) instanceof Double x && v.get(i) instanceof Double y) {
            boolean same = x.equals(y) || Math.abs(x - y) <= relTol * Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)));
            assertTrue(same, what + ": " + t.getKey() + " " + row.getKey() + " value " + i + ": " + x + " vs " + y);
          } else {
            assertEquals(e.get(i), v.get(i), what + ": " + t.getKey() + " " + row.getKey() + " value " + i);
          }
        }
      }
    }
  }
}
