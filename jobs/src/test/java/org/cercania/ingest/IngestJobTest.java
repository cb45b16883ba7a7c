package org.cercania.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.io.Manifest;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The bad-input corpus (jobs/src/test/resources/ingest/bad): every defect quarantined with its reason. */
@ExtendWith(SparkExtension.class)
class IngestJobTest {
  private static final Path BAD = Repo.root().resolve("jobs/src/test/resources/ingest/bad");

  private static Map<String, String> allSources() {
    Map<String, String> files = new LinkedHashMap<>();
    for (String s : IngestJob.ORDER) {
      files.put(s, BAD.resolve(s + ".csv").toString());
    }
    return files;
  }

  /** The corpus ingested once for the read-only tests (ingest is a few Spark jobs per source). */
  private static Path corpus;

  private static synchronized Path ingested(SparkSession spark) throws IOException {
    if (corpus == null) {
      Path out = Files.createTempDirectory("cercania-ingest-corpus");
      new IngestJob(spark, out.toString(), "run-1", 1.0).run(allSources());
      corpus = out;
    }
    return corpus;
  }

  @Test
  void everyDefectGetsItsReasonCodeAndEveryRowIsAccountedFor(SparkSession spark) throws IOException {
    Path out = ingested(spark);
    Map<String, String> got = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(out + "/rejects").collectAsList()) {
      got.put(r.getAs("source") + ":" + r.getAs("line"), r.getAs("reason"));
      assertEquals("run-1", r.getAs("run_id"));
    }
    Map<String, String> expected = new TreeMap<>(Map.ofEntries(
        Map.entry("districts:4", "UBIGEO_FORMAT"), Map.entry("districts:5", "GEOMETRY_INVALID"),
        Map.entry("districts:6", "DUPLICATE_ID"), Map.entry("districts:7", "GEOMETRY_INVALID"),
        Map.entry("districts:8", "GEOMETRY_INVALID"), Map.entry("districts:9", "MISSING_REQUIRED"),
        Map.entry("centers:2", "LATLON_SWAPPED"), Map.entry("centers:3", "COORD_OUTSIDE_PERU"),
        Map.entry("centers:4", "DATE_ORDER"), Map.entry("centers:5", "DATE_FUTURE"), Map.entry("centers:6", "UBIGEO_UNKNOWN"),
        Map.entry("centers:7", "MISSING_REQUIRED"), Map.entry("centers:8", "TYPE_MISMATCH"), Map.entry("centers:9", "DUPLICATE_ID"),
        Map.entry("centers:10", "TYPE_MISMATCH"),
        Map.entry("population:2", "NEGATIVE_COUNT"), Map.entry("population:3", "TYPE_MISMATCH"),
        Map.entry("population:4", "YEAR_OUT_OF_RANGE"), Map.entry("population:5", "DUPLICATE_ID"),
        Map.entry("schools:2", "TYPE_MISMATCH"),
        Map.entry("school_years:2", "RATE_OUT_OF_RANGE"), Map.entry("school_years:3", "NEGATIVE_COUNT"),
        Map.entry("school_years:4", "TYPE_MISMATCH"), Map.entry("school_years:5", "REFERENCE_UNKNOWN"),
        Map.entry("survey:2", "WEIGHT_NOT_POSITIVE"), Map.entry("survey:3", "VALUE_NOT_ALLOWED"),
        Map.entry("survey:4", "WEIGHT_NOT_POSITIVE"),
        Map.entry("femicides:2", "MALFORMED_ROW"), Map.entry("femicides:3", "TYPE_MISMATCH"),
        Map.entry("hospitalizations:2", "VALUE_NOT_ALLOWED"), Map.entry("hospitalizations:3", "VALUE_NOT_ALLOWED"),
        Map.entry("hospitalizations:4", "NEGATIVE_COUNT")));
    assertEquals(expected, got);

    // Reconciliation in the manifest: read = accepted + rejected, and the curated tables hold the accepted rows.
    Map<String, long[]> counts = Map.of("districts", new long[] {9, 3, 6}, "centers", new long[] {11, 2, 9},
        "population", new long[] {5, 1, 4}, "schools", new long[] {2, 1, 1}, "school_years", new long[] {6, 2, 4},
        "survey", new long[] {4, 1, 3}, "femicides", new long[] {3, 1, 2}, "hospitalizations", new long[] {5, 2, 3});
    JsonNode sources = Manifest.read(spark.sparkContext().hadoopConfiguration(), out.toString()).get("ingest").get("sources");
    for (Map.Entry<String, long[]> c : counts.entrySet()) {
      JsonNode s = sources.get(c.getKey());
      assertEquals(c.getValue()[0], s.get("rows_read").asLong(), c.getKey());
      assertEquals(c.getValue()[1], s.get("rows_accepted").asLong(), c.getKey());
      assertEquals(c.getValue()[2], s.get("rows_rejected").asLong(), c.getKey());
      assertEquals(c.getValue()[1], spark.read().format("delta").load(out + "/curated/" + c.getKey()).count(), c.getKey());
    }
  }

  @Test
  void messagesNameTheFieldAndTheValue(SparkSession spark) throws IOException {
    Path out = ingested(spark);
    Map<String, String> msg = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(out + "/rejects").collectAsList()) {
      msg.put(r.getAs("source") + ":" + r.getAs("line"), r.getAs("field") + " | " + r.getAs("message"));
    }
    assertEquals("closed_on | closed_on 2009-01-01 is before opened_on 2010-03-01", msg.get("centers:4"));
    assertEquals("opened_on | 'opened_on' = '05/03/2005' is not a date (yyyy-MM-dd)", msg.get("centers:8"));
    assertEquals("center_id | key (center_id) repeats data row 1", msg.get("centers:9"));
    assertEquals("ubigeo | ubigeo '999999' is not in the district table", msg.get("centers:6"));
    assertEquals("school_id | school_id 'S404' is not in schools", msg.get("school_years:5"));
    assertEquals("geometry_wkt | geometry is a Point, not a Polygon or MultiPolygon", msg.get("districts:7"));
    assertEquals("women | women = -5 is negative", msg.get("population:2"));
  }

  @Test
  void aSourceOverTheRejectionThresholdStopsTheJobBeforeAnythingIsWritten(SparkSession spark, @TempDir Path out) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", BAD.resolve("districts.csv").toString());
    CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, out.toString(), "r", 0.05).run(files));
    assertEquals("districts (" + BAD.resolve("districts.csv") + "): 6 of 9 rows rejected (66.7%), above the 5.0% threshold "
        + "(cercania.ingest.max_reject_rate); by reason: {DUPLICATE_ID=1, GEOMETRY_INVALID=3, MISSING_REQUIRED=1, UBIGEO_FORMAT=1}. "
        + "Nothing was written.", e.getMessage());
    assertFalse(Files.exists(out.resolve("curated")));
    assertFalse(Files.exists(out.resolve("rejects")));
  }

  @Test
  void unreadableFilesAreNamed(SparkSession spark, @TempDir Path out) throws IOException {
    Path noColumn = out.resolve("centers.csv");
    Files.writeString(noColumn, "center_id,name,ubigeo,lon,opened_on\nC1,x,150101,-77,2005-01-01\n");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", BAD.resolve("districts.csv").toString());
    files.put("centers", noColumn.toString());
    CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, out.toString(), "r", 1.0).run(files));
    assertEquals(noColumn + ": required column 'lat' is missing; columns present: center_id, name, ubigeo, lon, opened_on",
        e.getMessage());

    Path empty = out.resolve("empty.csv");
    Files.writeString(empty, "");
    files.put("centers", empty.toString());
    e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, out.toString(), "r", 1.0).run(files));
    assertEquals("cannot read " + empty + ": the file is empty (no header line)", e.getMessage());
  }

  @Test
  void rowNumbersStayRightWhenAFileIsReadInSeveralPartitions(SparkSession spark, @TempDir Path out) throws IOException {
    StringBuilder csv = new StringBuilder("ubigeo,year,women,men\n");
    for (int i = 1; i <= 3000; i++) {
      // data rows 777 and 2999 carry a negative count
      csv.append(String.format("%06d,2010,%d,900%n", 100000 + i, i == 777 || i == 2999 ? -1 : 1000));
    }
    Path pop = out.resolve("population.csv");
    Files.writeString(pop, csv.toString());
    StringBuilder districts = new StringBuilder("ubigeo,name,province,department,geometry_wkt\n");
    for (int i = 1; i <= 3000; i++) {
      districts.append(String.format("%06d,d,p,x,\"POLYGON ((-77 -12, -76.9 -12, -76.9 -11.9, -77 -12))\"%n", 100000 + i));
    }
    Path dis = out.resolve("districts.csv");
    Files.writeString(dis, districts.toString());
    String old = spark.conf().get("spark.sql.files.maxPartitionBytes");
    spark.conf().set("spark.sql.files.maxPartitionBytes", "8192");
    try {
      Map<String, String> files = new LinkedHashMap<>();
      files.put("districts", dis.toString());
      files.put("population", pop.toString());
      new IngestJob(spark, out.resolve("run").toString(), "r", 1.0).run(files);
    } finally {
      spark.conf().set("spark.sql.files.maxPartitionBytes", old);
    }
    List<Row> rejects = spark.read().format("delta").load(out.resolve("run/rejects").toString()).orderBy("line").collectAsList();
    assertEquals(2, rejects.size());
    assertEquals(777L, (long) rejects.get(0).getAs("line"));
    assertEquals("100777,2010,-1,900", rejects.get(0).getAs("raw"));
    assertEquals(2999L, (long) rejects.get(1).getAs("line"));
    assertEquals("102999,2010,-1,900", rejects.get(1).getAs("raw"));
  }

  @Test
  void reingestingTheSameFilesGivesTheSameTables(SparkSession spark, JavaDataFrameSuiteBase frames, @TempDir Path copy)
      throws IOException {
    // A copy of the first run's output, ingested again.
    Path out = copy.resolve("out");
    org.apache.commons.io.FileUtils.copyDirectory(ingested(spark).toFile(), out.toFile());
    Map<String, org.apache.spark.sql.Dataset<Row>> first = new LinkedHashMap<>();
    for (String s : IngestJob.ORDER) {
      first.put(s, spark.read().format("delta").load(out + "/curated/" + s).localCheckpoint());
    }
    long rejects = spark.read().format("delta").load(out + "/rejects").count();
    new IngestJob(spark, out.toString(), "run-2", 1.0).run(allSources());
    for (String s : IngestJob.ORDER) {
      frames.assertDataFrameNoOrderEquals(first.get(s), spark.read().format("delta").load(out + "/curated/" + s));
    }
    assertEquals(rejects, spark.read().format("delta").load(out + "/rejects").count(), "rejects replaced, not appended");
    assertTrue(spark.read().format("delta").load(out + "/rejects").filter("run_id = 'run-2'").count() == rejects);
  }
}
