package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.io.TableSchema;

/**
 * The published results as a reader sees them, and their comparison between two runs. The snapshot
 * is {@code OUT/published/<run>} when {@code OUT/published/CURRENT} names a run, else
 * {@code OUT/published} (the layout before per-run snapshots). Only result columns are compared
 * (provenance such as run ids and timings legitimately differs between runs). Also the privacy rules
 * every published table must meet, checked from the contracts in schemas/.
 */
final class PublishedTables {
  /** Table, its key columns, its compared value columns. */
  private record Spec(String table, List<String> key, List<String> values) {}

  private static final List<Spec> TABLES = List.of(
      new Spec("estimates", List.of("family", "outcome", "estimator", "term"), List.of("placebo", "estimate", "se", "conf_low",
          "conf_high", "p_value", "se_convention", "n_obs", "n_clusters", "baseline_mean", "truth")),
      new Spec("event_study", List.of("family", "outcome", "event_time"), List.of("estimate", "se", "conf_low", "conf_high", "truth")),
      new Spec("truth", List.of("family", "outcome", "term", "cohort", "year"), List.of("effect", "units")));

  /** Sources about people: their contracts say {@code "privacy": "private"}. */
  private static final List<String> SOURCES = List.of("districts", "population", "centers", "schools", "school_years", "survey",
      "femicides", "hospitalizations");

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
    return readSnapshot(spark, snapshot(out));
  }

  /** As {@link #read(SparkSession, Path)}, of run {@code runId}'s own snapshot ({@code OUT/published/<runId>}), current or not. */
  static Map<String, Map<String, List<Object>>> read(SparkSession spark, Path out, String runId) throws IOException {
    Path dir = out.resolve("published").resolve(runId);
    assertTrue(Files.isDirectory(dir), "no snapshot " + dir);
    return readSnapshot(spark, dir);
  }

  private static Map<String, Map<String, List<Object>>> readSnapshot(SparkSession spark, Path dir) {
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

  /** The run id OUT/published/CURRENT names. */
  static String currentRun(Path out) throws IOException {
    return Files.readString(out.resolve("published/CURRENT")).trim();
  }


  /** The table folders of a snapshot (every Parquet folder in it), sorted. */
  static List<String> tables(Path snapshot) throws IOException {
    try (Stream<Path> s = Files.list(snapshot)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The contract of a published table folder: published_NAME when there is one, else NAME. */
  static TableSchema contract(String table) {
    try {
      return TableSchema.load("published_" + table);
    } catch (CercaniaException e) {
      return TableSchema.load(table);
    }
  }

  /**
   * Asserts the privacy rules on every table of {@code snapshot}: its contract is not a source contract and
   * marks no column identifying; no column carries the name of a column a private source marks identifying
   * (respondent ids, ages, answers, coordinates) unless the published contract declares it {@code public}
   * (a center's location: a public office); no table holds a private source's key together with any of
   * that source's values (a row per respondent, or a victim count per district-year); a contract with an
   * {@code estimate} or {@code covariance} column marks it with {@code units}; every cell a contract marks
   * with {@code units} is null, and its row marked suppressed, when built from fewer than {@code k} units
   * (a null count only where the contract allows it, and never on a count of a private source); and no identifying value of the run's survey (respondent ids, coordinates) appears
   * anywhere. Returns the number of suppressed rows seen.
   */
  static long assertPrivate(SparkSession spark, Path snapshot, Dataset<Row> survey, long k) throws IOException {
    Set<String> identifying = new HashSet<>();
    List<TableSchema> privateSources = new ArrayList<>();
    for (String s : SOURCES) {
      TableSchema c = TableSchema.load(s);
      c.columns().stream().filter(col -> "identifying".equals(col.privacy())).forEach(col -> identifying.add(col.name()));
      if ("private".equals(c.privacy())) {
        privateSources.add(c);
      }
    }
    Set<String> ids = new HashSet<>();
    Set<Double> coordinates = new HashSet<>();
    for (Row r : survey.select("respondent_id", "lon", "lat").collectAsList()) {
      ids.add(r.getString(0));
      coordinates.add(r.getDouble(1));
      coordinates.add(r.getDouble(2));
    }
    long suppressed = 0;
    List<String> tables = tables(snapshot);
    assertFalse(tables.isEmpty(), "tables in " + snapshot);
    for (String table : tables) {
      TableSchema c = contract(table);
      assertFalse("input".equals(c.kind()) || "private".equals(c.privacy()), table + ": published under source contract " + c.name());
      Dataset<Row> d = spark.read().parquet(snapshot.resolve(table).toString());
      List<String> columns = List.of(d.columns());
      for (String col : columns) {
        boolean declaredPublic = c.columnNames().contains(col) && "public".equals(c.column(col).privacy());
        assertFalse(identifying.contains(col) && !declaredPublic, table + " publishes identifying column " + col);
      }
      c.columns().forEach(col -> assertFalse("identifying".equals(col.privacy()), table + ": contract marks " + col.name() + " identifying"));
      for (TableSchema source : privateSources) {
        List<String> values = source.columnNames().stream().filter(n -> !source.key().contains(n)).toList();
        assertFalse(columns.containsAll(source.key()) && values.stream().anyMatch(columns::contains),
            table + " has the key " + source.key() + " of private source " + source.name() + " with its values: row-level records");
      }
      for (String cell : List.of("estimate", "covariance")) {
        assertTrue(!c.columnNames().contains(cell) || c.column(cell).units() != null,
            table + ": contract " + c.name() + " does not mark " + cell + " with the units it is built from");
      }
      List<Row> rows = d.collectAsList();
      for (Row r : rows) {
        for (TableSchema.ColumnSpec col : c.columns()) {
          if (col.units() != null) {
            int u = r.fieldIndex(col.units());
            boolean rowSuppressed = r.getBoolean(r.fieldIndex("suppressed"));
            if (r.isNullAt(u)) {
              // No count: a cell not built from people; only where the contract allows it, never for a source about people.
              assertTrue(c.column(col.units()).nullable(), table + "." + col.units() + " is null, and its contract does not allow it: " + r);
              assertFalse(columns.contains("source") && privateSources.stream().anyMatch(p -> p.name().equals(r.getAs("source"))),
                  table + ": a count of private source " + r.getAs("source") + " published without its people: " + r);
              continue;
            }
            long units = r.getLong(u);
            if (units < k) {
              assertTrue(r.isNullAt(r.fieldIndex(col.name())), table + "." + col.name() + " from " + units + " units published: " + r);
              assertTrue(rowSuppressed, table + ": row not marked suppressed: " + r);
            }
          }
        }
        if (columns.contains("suppressed") && r.getBoolean(r.fieldIndex("suppressed"))) {
          suppressed++;
        }
        for (int i = 0; i < r.size(); i++) {
          Object v = r.get(i);
          assertFalse(v instanceof String && ids.contains(v), table + " contains respondent id " + v);
          assertFalse(v instanceof Double && coordinates.contains(v), table + " contains a survey coordinate " + v);
        }
      }
    }
    return suppressed;
  }
}
