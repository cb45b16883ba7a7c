package org.cercania.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.config.Settings;
import org.cercania.io.Manifest;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.publish.Snapshot;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Run-scoped Delta tables: replaceWhere per run, the versions each run committed, time travel, retention. */
@ExtendWith(SparkExtension.class)
class RunTablesTest {
  private static final StructType T = DataTypes.createStructType(List.of(
      DataTypes.createStructField("k", DataTypes.StringType, false), DataTypes.createStructField("v", DataTypes.DoubleType, false)));

  private static Dataset<Row> rows(SparkSession spark, Object... kv) {
    List<Row> r = new java.util.ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      r.add(RowFactory.create(kv[i], kv[i + 1]));
    }
    return spark.createDataFrame(r, T);
  }

  private static List<String> content(SparkSession spark, String path) {
    return spark.read().format("delta").load(path).orderBy("run_id", "k").collectAsList().stream().map(Row::toString).toList();
  }

  @Test
  void aRerunReplacesOnlyItsOwnRowsAndLeavesTheContentUnchanged(SparkSession spark, @TempDir Path dir) {
    String out = dir.toString();
    Run a = new Run(new RunLayout(out), "s", "run-a", null);
    Run b = new Run(new RunLayout(out), "s", "run-b", null);
    assertEquals(2, a.write(rows(spark, "x", 1.0, "y", 2.0), out + "/t", null));           // version 0
    assertEquals(1, b.write(rows(spark, "x", 9.0), out + "/t", null));                      // version 1
    List<String> before = content(spark, out + "/t");
    assertEquals(List.of("[s,run-a,x,1.0]", "[s,run-a,y,2.0]", "[s,run-b,x,9.0]"), before);
    assertEquals(2, a.write(rows(spark, "x", 1.0, "y", 2.0), out + "/t", null));           // version 2: the rerun
    assertEquals(before, content(spark, out + "/t"), "a rerun leaves the content unchanged");
    assertEquals(3, DeltaTable.forPath(spark, out + "/t").history().count(), "each write is one commit");
    assertEquals(1, a.write(rows(spark, "x", 5.0), out + "/t", null));                      // version 3: run-a changed
    assertEquals(List.of("[x,9.0]"), b.read(spark, out + "/t", "test").collectAsList().stream().map(Row::toString).toList());
    // Time travel: version 2 still holds run-a's first rows.
    assertEquals(2, spark.read().format("delta").option("versionAsOf", 2).load(out + "/t").filter("run_id = 'run-a'").count());

    RunHistory.Entry ha = history(spark, out, "run-a");
    assertEquals(Map.of("t", List.of(0L, 2L, 3L)), ha.versions());
    assertEquals(Map.of("t", 1L), ha.rows());
    assertEquals(Map.of("t", List.of(1L)), history(spark, out, "run-b").versions());
  }

  /** The rows a write reports come from its commit's metrics, or from a count when the table keeps none. */
  @Test
  void aWriteReportsTheRunsRowsWithOrWithoutCommitMetrics(SparkSession spark, @TempDir Path dir) {
    String out = dir.toString();
    Run a = new Run(new RunLayout(out), "s", "run-a", null);
    Run b = new Run(new RunLayout(out), "s", "run-b", null);
    String key = "spark.databricks.delta.history.metricsEnabled";
    for (String metrics : List.of("true", "false")) {
      String path = out + "/t-" + metrics;
      spark.conf().set(key, metrics);
      try {
        assertEquals(3, a.write(rows(spark, "x", 1.0, "y", 2.0, "z", 3.0), path, null));
        assertEquals(1, b.write(rows(spark, "x", 9.0), path, null));
        assertEquals(0, a.write(rows(spark), path, null), "an empty write leaves the run no rows");
        assertEquals(List.of("[s,run-b,x,9.0]"), content(spark, path));
      } finally {
        spark.conf().unset(key);
      }
    }
  }

  /** A first write killed before its commit leaves a _delta_log without one: that is no table, and the next write succeeds. */
  @Test
  void aLogWithoutACommitIsNoTableAndTheNextWriteSucceeds(SparkSession spark, @TempDir Path dir) throws Exception {
    String out = dir.toString();
    Files.createDirectories(dir.resolve("t/_delta_log/_commits"));
    assertEquals(null, RunLayout.deltaIfPresent(spark, out + "/t"));
    Run a = new Run(new RunLayout(out), "s", "run-a", null);
    assertEquals(1, a.write(rows(spark, "x", 1.0), out + "/t", null));
    assertEquals(List.of("[s,run-a,x,1.0]"), content(spark, out + "/t"));
    assertEquals(1, RunLayout.deltaIfPresent(spark, out + "/t").count());
  }

  private static RunHistory.Entry history(SparkSession spark, String out, String id) {
    Manifest.record(spark.sparkContext().hadoopConfiguration(), new RunLayout(out).runManifest(id), "run",
        Manifest.newSection().put("run_id", id));
    return RunHistory.of(spark, out).stream().filter(e -> e.runId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void theRunIdFollowsTheInputsTheSettingsAndTheAsOfDate(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("centers.csv");
    Files.writeString(f, "center_id,lon\nC1,-77.0\n");
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    Settings s = Settings.load(null, "sample", Map.of("cercania.out", dir.toString()));
    RunIdentity one = RunIdentity.of(s, Map.of("centers", f.toString()), null, null, conf);
    assertEquals(sha, one.inputSha256().get("centers"));
    assertTrue(one.runId().matches("sample-latest-[0-9a-f]{12}"), one.runId());
    // Another --out folder does not change the id; another as-of date, setting or input byte does.
    Settings elsewhere = Settings.load(null, "sample", Map.of("cercania.out", dir.resolve("x").toString()));
    assertEquals(one.runId(), RunIdentity.of(elsewhere, Map.of("centers", f.toString()), null, null, conf).runId());
    String asOf = RunIdentity.of(s, Map.of("centers", f.toString()), java.time.LocalDate.parse("2019-12-31"), null, conf).runId();
    assertTrue(asOf.startsWith("sample-20191231-") && !asOf.endsWith(one.runId().substring(14)), asOf);
    Settings other = Settings.load(null, "sample", Map.of("cercania.out", dir.toString(), "cercania.estimate.event_max", "6"));
    assertFalse(one.runId().equals(RunIdentity.of(other, Map.of("centers", f.toString()), null, null, conf).runId()));
    Files.writeString(f, "center_id,lon\nC1,-77.1\n");
    assertFalse(one.runId().equals(RunIdentity.of(s, Map.of("centers", f.toString()), null, null, conf).runId()));
    assertEquals("given", RunIdentity.of(s, Map.of("centers", f.toString()), null, "given", conf).runId());
  }

  @Test
  void retentionRemovesOldRunsButNotTheCurrentOneAndVacuumEndsTheirTimeTravel(SparkSession spark, @TempDir Path dir)
      throws Exception {
    String out = dir.toString();
    Run old = new Run(new RunLayout(out), "s", "old", null);
    Run current = new Run(new RunLayout(out), "s", "current", null);
    Run recent = new Run(new RunLayout(out), "s", "recent", null);
    old.write(rows(spark, "x", 1.0), out + "/t", null);
    current.write(rows(spark, "x", 2.0), out + "/t", null);
    recent.write(rows(spark, "x", 3.0), out + "/t", null);
    String longAgo = Instant.now().minus(Duration.ofDays(30)).toString();
    for (Run r : List.of(old, current)) {
      Files.createDirectories(Path.of(r.dir()));
      Files.writeString(Path.of(r.dir(), "manifest.json"), "{\"run\": {\"run_id\": \"" + r.runId() + "\", \"finished_at\": \""
          + longAgo + "\"}}", StandardCharsets.UTF_8);
      Files.createDirectories(Path.of(Snapshot.dir(out, r.runId())));
    }
    Manifest.record(spark.sparkContext().hadoopConfiguration(), recent.manifest(), "run", Manifest.newSection());
    Snapshot.point(spark.sparkContext().hadoopConfiguration(), out, "current");
    long filesBefore = parquetFiles(dir.resolve("t"));

    assertEquals(List.of("old"), Retention.apply(spark, out, Duration.ofDays(7), Set.of()));
    assertEquals(List.of("[s,current,x,2.0]", "[s,recent,x,3.0]"), content(spark, out + "/t"));
    assertFalse(Files.exists(Path.of(Snapshot.dir(out, "old"))));
    assertFalse(Files.exists(Path.of(old.dir())));
    assertTrue(Files.exists(Path.of(Snapshot.dir(out, "current"))));
    // The table's files were all written just now, so a 7-day vacuum keeps them: time travel to version 0 still works.
    assertEquals(1, spark.read().format("delta").option("versionAsOf", 0).load(out + "/t").collectAsList().size());
    // With no retention, everything not current is removed and vacuumed: version 0's file is gone.
    Retention.apply(spark, out, Duration.ZERO, Set.of());
    assertEquals(List.of("[s,current,x,2.0]"), content(spark, out + "/t"));
    assertTrue(parquetFiles(dir.resolve("t")) < filesBefore, "vacuum deleted files");
    // (collected, not counted: Delta answers count() from the log's statistics without opening the files)
    assertThrows(Exception.class, () -> spark.read().format("delta").option("versionAsOf", 0).load(out + "/t").collectAsList());
  }

  private static long parquetFiles(Path table) throws java.io.IOException {
    try (var s = Files.walk(table)) {
      return s.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
  }
}
