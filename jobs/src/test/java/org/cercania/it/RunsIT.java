package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.runs.RunTables;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as production uses them, through bin/cercania on a small sample: a rerun leaves every table as it
 * was, a backfill (--as-of) is one command and does not displace the current snapshot, history lists the
 * runs with their versions and input checksums, the evidence record matches the files, and every
 * published table keeps the privacy rules.
 */
@ExtendWith(SparkExtension.class)
class RunsIT {
  private static final String[] SMALL = {"--districts", "300", "--centers", "60", "--schools", "600", "--survey-clusters", "150",
      "--respondents", "6"};
  private static final String[] INPUTS = {"districts", "population", "centers", "schools", "school_years", "survey", "femicides",
      "hospitalizations"};

  private static Launcher.Result run(Path out, String log, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "--sample", "--out", out.toString()));
    args.addAll(List.of(SMALL));
    args.addAll(List.of(extra));
    Launcher.Result r = Launcher.run(out.getParent().resolve(log), args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), "bin/cercania " + args + " failed");
    return r;
  }

  /** A row as text with doubles to 6 significant digits: the order rows are compared in. */
  private static String sortKey(Row r) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < r.size(); i++) {
      Object v = r.get(i);
      b.append(i == 0 ? "" : ",").append(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(v));
    }
    return b.append(']').toString();
  }

  /** Every Delta table's rows of {@code runId}, in {@link #sortKey} order, and its latest Delta version. */
  private static Map<String, List<Row>> tables(SparkSession spark, Path out, String runId, Map<String, Long> versions) {
    Map<String, List<Row>> m = new TreeMap<>();
    for (String t : RunTables.deltaTables(spark.sparkContext().hadoopConfiguration(), out.toString())) {
      String path = out.resolve(t).toString();
      List<Row> rows = new ArrayList<>(spark.read().format("delta").load(path).filter("run_id = '" + runId + "'").collectAsList());
      rows.sort(Comparator.comparing(RunsIT::sortKey));
      m.put(t, rows);
      versions.put(t, DeltaTable.forPath(spark, path).history(1).first().getLong(0));
    }
    return m;
  }

  /**
   * Same tables, same rows, every value equal; doubles within 1e-9 relative: the estimate stage's standard
   * errors sum cluster scores in Spark's aggregation order, which differed between two runs in the last bits
   * (seen: about 2e-16 relative).
   */
  private static void assertSameTables(Map<String, List<Row>> expected, Map<String, List<Row>> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what + ": tables");
    for (Map.Entry<String, List<Row>> t : expected.entrySet()) {
      List<Row> e = t.getValue();
      List<Row> a = actual.get(t.getKey());
      assertEquals(e.size(), a.size(), what + ": rows of " + t.getKey());
      for (int i = 0; i < e.size(); i++) {
        Row x = e.get(i);
        Row y = a.get(i);
        assertEquals(x.size(), y.size(), what + ": " + t.getKey() + " row " + x);
        for (int j = 0; j < x.size(); j++) {
          if (x.get(j) instanceof Double p && y.get(j) instanceof Double q) {
            assertTrue(p.equals(q) || Math.abs(p - q) <= 1e-9 * Math.max(1.0, Math.max(Math.abs(p), Math.abs(q))),
                what + ": " + t.getKey() + " " + x + " vs " + y);
          } else {
            assertEquals(x.get(j), y.get(j), what + ": " + t.getKey() + " " + x + " vs " + y);
          }
        }
      }
    }
  }

  @Test
  void rerunBackfillHistoryEvidenceAndPrivacy(SparkSession spark, @TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    run(out, "first.log");
    String id = PublishedTables.currentRun(out);
    assertTrue(id.matches("sample-latest-[0-9a-f]{12}"), id);
    Map<String, Long> v1 = new LinkedHashMap<>();
    Map<String, List<Row>> first = tables(spark, out, id, v1);
    assertTrue(first.keySet().containsAll(List.of("curated/centers", "curated/survey", "exposure", "district_exposure", "panel",
        "results/estimates", "results/event_study", "rejects", "fixes", "evidence")), first.keySet().toString());
    first.forEach((t, rows) -> assertFalse(rows.isEmpty() && !t.equals("rejects") && !t.equals("fixes"), t + " has rows of " + id));

    // The evidence record: input checksums and row counts worked out here from the files themselves.
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("published").resolve(id).resolve("manifest.json").toFile());
    JsonNode runSection = manifest.get("run");
    assertEquals(id, runSection.get("run_id").asText());
    assertTrue(runSection.get("config_hash").asText().matches("[0-9a-f]{64}"));
    assertTrue(runSection.get("git_revision").asText().matches("[0-9a-f]{40}|unknown"));
    for (String src : INPUTS) {
      Path file = out.resolve("sample").resolve(src + ".csv");
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
      assertEquals(sha, runSection.get("inputs").get(src).get("sha256").asText(), src);
      long lines;
      try (var l = Files.lines(file)) {
        lines = l.count() - 1;
      }
      assertEquals(lines, manifest.get("ingest").get("sources").get(src).get("rows_read").asLong(), src);
    }
    for (String stage : List.of("ingest", "exposure", "panel", "estimate", "publish")) {
      assertTrue(manifest.get(stage).get("seconds").asDouble() > 0, stage + " duration");
    }
    Path snapshot = out.resolve("published").resolve(id);
    assertEquals(spark.read().parquet(snapshot.resolve("estimates").toString()).count(),
        manifest.get("publish").get("rows").get("estimates").asLong());
    long evidence = spark.read().format("delta").load(out.resolve("evidence").toString()).count();
    long published = 0;
    for (String table : List.of("estimates", "event_study", "ring_effects", "distance_curve")) {
      published += manifest.get("publish").get("rows").path(table).asLong(0);
    }
    assertEquals(published, evidence, "evidence: every published estimate, ring effect and curve bin, once");

    // A rerun: the same run id, every table's content unchanged (each table has a new Delta version), no duplicates;
    // doubles within 1e-9 relative (see assertSameTables).
    run(out, "rerun.log");
    assertEquals(id, PublishedTables.currentRun(out));
    Map<String, Long> v2 = new LinkedHashMap<>();
    assertSameTables(first, tables(spark, out, id, v2), "rerun");
    for (String t : first.keySet()) {
      if (first.get(t).isEmpty()) {
        continue; // the run has no rows there (e.g. no fixes): Delta commits nothing for an empty replaceWhere
      }
      assertTrue(v2.get(t) > v1.get(t), t + ": rewritten (version " + v1.get(t) + " -> " + v2.get(t) + ")");
    }
    assertEquals(evidence, spark.read().format("delta").load(out.resolve("evidence").toString()).count());

    // A backfill: one command; what was not known at the date is left out; CURRENT stays on the newer run.
    Launcher.Result backfill = run(out, "backfill.log", "--as-of", "2015-12-31");
    assertTrue(backfill.output().contains("CURRENT stays " + id), backfill.output());
    String old = Files.list(out.resolve("published")).map(p -> p.getFileName().toString())
        .filter(n -> n.startsWith("sample-20151231-")).findFirst().orElseThrow();
    Dataset<Row> centers = spark.read().format("delta").load(out.resolve("curated/centers").toString());
    assertEquals(0, centers.filter("run_id = '" + old + "' AND opened_on > DATE'2015-12-31'").count());
    // The small sample's rollout opens its centers by 2015, so the years of the panel below carry the backfill's cut.
    assertEquals(2015, spark.read().format("delta").load(out.resolve("panel").toString()).filter("run_id = '" + old + "'")
        .agg(org.apache.spark.sql.functions.max("year")).first().getInt(0));
    Map<String, Long> v3 = new LinkedHashMap<>();
    assertSameTables(first, tables(spark, out, id, v3), "the current run's rows untouched by the backfill");

    // history names both runs with the inputs' checksums and each table's versions.
    Launcher.Result h = Launcher.run(dir.resolve("history.log"), "history", "--out", out.toString());
    assertEquals(0, h.exitCode());
    assertTrue(h.output().contains("run " + id) && h.output().contains("CURRENT") && h.output().contains("run " + old), h.output());
    assertTrue(h.output().contains("sha256 " + runSection.get("inputs").get("centers").get("sha256").asText()), h.output());
    assertTrue(h.output().contains("table results/estimates"), h.output());
    Launcher.Result show = Launcher.run(dir.resolve("show.log"), "show", "--table", "results/estimates", "--out", out.toString(),
        "--run-id", old);
    long oldEstimates = spark.read().format("delta").load(out.resolve("results/estimates").toString()).filter("run_id = '" + old + "'")
        .count();
    assertTrue(oldEstimates > 0 && show.output().contains("rows=" + oldEstimates), show.output());

    for (String run : List.of(id, old)) {
      Dataset<Row> survey = spark.read().format("delta").load(out.resolve("curated/survey").toString()).filter("run_id = '" + run + "'");
      long suppressed = PublishedTables.assertPrivate(spark, out.resolve("published").resolve(run), survey, 10);
      System.out.println(run + ": published rows with suppressed cells: " + suppressed);
    }
  }
}
