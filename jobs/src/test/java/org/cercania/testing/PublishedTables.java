package org.cercania.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.TableSchema;

/**
 * Reading a run folder's published snapshots as an outside reader does (CURRENT, then that run's folder),
 * and the privacy rules every published table must meet, checked from the contracts in schemas/.
 */
public final class PublishedTables {
  /** Sources about people: their contracts say {@code "privacy": "private"}. */
  private static final List<String> SOURCES = List.of("districts", "population", "centers", "schools", "school_years", "survey",
      "femicides", "hospitalizations");

  private PublishedTables() {}

  /** The run id OUT/published/CURRENT names. */
  public static String currentRun(Path out) throws IOException {
    return Files.readString(out.resolve("published/CURRENT")).trim();
  }

  /** OUT/published/&lt;CURRENT&gt;. */
  public static Path current(Path out) throws IOException {
    return out.resolve("published").resolve(currentRun(out));
  }

  /** The table folders of a snapshot (every Parquet folder in it), sorted. */
  public static List<String> tables(Path snapshot) throws IOException {
    try (Stream<Path> s = Files.list(snapshot)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The contract of a published table folder: published_NAME when there is one, else NAME. */
  public static TableSchema contract(String table) {
    try {
      return TableSchema.load("published_" + table);
    } catch (org.cercania.errors.CercaniaException e) {
      return TableSchema.load(table);
    }
  }

  /**
   * Asserts the privacy rules on every table of {@code snapshot}: its contract is a published one and declares
   * no identifying column; no column is an identifying column of a source, a name or a coordinate; no table is
   * as fine as a private source's key (a row per respondent or per victim's district-year); every cell a
   * contract marks with {@code units} is null, and its row marked suppressed, when built from fewer than
   * {@code k} units; and no identifying value of the run's private sources (respondent ids, survey
   * coordinates) appears anywhere. Returns the number of suppressed rows seen.
   */
  public static long assertPrivate(SparkSession spark, Path snapshot, Dataset<Row> survey, long k) throws IOException {
    Set<String> identifying = new HashSet<>(List.of("name", "lat", "lon"));
    List<List<String>> privateKeys = new ArrayList<>();
    for (String s : SOURCES) {
      TableSchema c = TableSchema.load(s);
      c.columns().stream().filter(col -> "identifying".equals(col.privacy())).forEach(col -> identifying.add(col.name()));
      if ("private".equals(c.privacy())) {
        privateKeys.add(c.key());
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
      assertEquals("published", c.kind(), table + ": contract " + c.name() + " is not a published contract");
      Dataset<Row> d = spark.read().parquet(snapshot.resolve(table).toString());
      List<String> columns = List.of(d.columns());
      for (String col : columns) {
        assertFalse(identifying.contains(col), table + " publishes identifying column " + col);
      }
      c.columns().forEach(col -> assertTrue(col.privacy() == null, table + ": contract marks " + col.name() + " " + col.privacy()));
      for (List<String> key : privateKeys) {
        assertFalse(columns.containsAll(key), table + " has the key " + key + " of a private source: row-level records");
      }
      List<Row> rows = d.collectAsList();
      for (Row r : rows) {
        for (TableSchema.ColumnSpec col : c.columns()) {
          if (col.units() != null) {
            long units = r.getLong(r.fieldIndex(col.units()));
            boolean rowSuppressed = r.getBoolean(r.fieldIndex("suppressed"));
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
