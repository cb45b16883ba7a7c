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
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
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
      new IngestJob(spark, new RunLayout(out.toString()), "run-1", 1.0).run(allSources());
      corpus = out;
    }
    return corpus;
  }

  @Test
  void everyDefectGetsItsReasonCodeAndEveryRowIsAccountedFor(SparkSession spark) throws IOException {
    Path out = ingested(spark);
    Map<String, String> got = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(out + "/rejects").collectAsList()) {
      got.put(r.getAs("source") + ":" + r.getAs("line"), r.getAs("reason") + " " + r.getAs("field"));
      assertEquals("run-1", r.getAs("run_id"));
    }
    // source:data row -> reason code and field; each row is one defect of the corpus README's table.
    Map<String, String> expected = new TreeMap<>();
    expect(expected, "districts", "6 DUPLICATE_ID ubigeo", "7 GEOMETRY_INVALID geometry_wkt", "8 GEOMETRY_INVALID geometry_wkt",
        "9 MISSING_REQUIRED geometry_wkt", "10 UBIGEO_FORMAT ubigeo", "11 GEOMETRY_INVALID geometry_wkt");
    expect(expected, "centers", "3 COORD_OUTSIDE_PERU lon", "4 DATE_ORDER closed_on", "5 DATE_FUTURE opened_on",
        "6 UBIGEO_UNKNOWN ubigeo", "7 MISSING_REQUIRED opened_on", "8 TYPE_MISMATCH opened_on", "9 DUPLICATE_ID center_id",
        "10 TYPE_MISMATCH lon", "13 LATLON_SWAPPED lon", "15 UBIGEO_UNKNOWN ubigeo");
    expect(expected, "population", "2 NEGATIVE_COUNT women", "3 TYPE_MISMATCH women", "4 YEAR_OUT_OF_RANGE year",
        "5 DUPLICATE_ID ubigeo", "7 MISSING_REQUIRED women", "8 UBIGEO_UNKNOWN ubigeo");
    expect(expected, "schools", "2 TYPE_MISMATCH rural", "3 UBIGEO_UNKNOWN ubigeo", "4 COORD_OUTSIDE_PERU lat",
        "5 DUPLICATE_ID school_id", "6 MISSING_REQUIRED ubigeo");
    expect(expected, "school_years", "2 RATE_OUT_OF_RANGE attendance_rate", "3 NEGATIVE_COUNT enrolled", "4 TYPE_MISMATCH enrolled",
        "5 REFERENCE_UNKNOWN school_id", "7 DUPLICATE_ID school_id", "8 RATE_OUT_OF_RANGE attendance_rate",
        "9 MISSING_REQUIRED pass_rate", "10 YEAR_OUT_OF_RANGE year", "11 TYPE_MISMATCH dropout_rate");
    expect(expected, "survey", "2 WEIGHT_NOT_POSITIVE weight", "3 VALUE_NOT_ALLOWED dv_physical", "4 WEIGHT_NOT_POSITIVE weight",
        "5 MISSING_REQUIRED weight", "6 TYPE_MISMATCH weight", "7 DUPLICATE_ID respondent_id", "8 YEAR_OUT_OF_RANGE year",
        "9 TYPE_MISMATCH age", "10 UBIGEO_UNKNOWN ubigeo", "11 COORD_OUTSIDE_PERU lon", "13 VALUE_OUT_OF_RANGE age");
    expect(expected, "femicides", "2 MALFORMED_ROW null", "3 TYPE_MISMATCH femicides", "4 YEAR_OUT_OF_RANGE year",
        "5 DUPLICATE_ID ubigeo", "6 UBIGEO_FORMAT ubigeo", "7 NEGATIVE_COUNT femicides", "8 MISSING_REQUIRED economic_crimes",
        "9 UBIGEO_UNKNOWN ubigeo");
    expect(expected, "hospitalizations", "2 VALUE_NOT_ALLOWED sex", "3 VALUE_NOT_ALLOWED icd10", "4 NEGATIVE_COUNT cases",
        "6 UBIGEO_UNKNOWN ubigeo", "7 YEAR_OUT_OF_RANGE year", "8 DUPLICATE_ID ubigeo", "9 MISSING_REQUIRED icd10",
        "10 TYPE_MISMATCH cases", "11 UBIGEO_FORMAT ubigeo");
    assertEquals(expected, got);

    // Reconciliation in the manifest: read = accepted + rejected (counted by hand from the corpus files),
    // and the curated tables hold the accepted rows.
    Map<String, long[]> counts = Map.of("districts", new long[] {12, 6, 6}, "centers", new long[] {16, 6, 10},
        "population", new long[] {8, 2, 6}, "schools", new long[] {9, 4, 5}, "school_years", new long[] {11, 2, 9},
        "survey", new long[] {13, 2, 11}, "femicides", new long[] {9, 1, 8}, "hospitalizations", new long[] {11, 2, 9});
    JsonNode sources = Manifest.read(spark.sparkContext().hadoopConfiguration(), new RunLayout(out.toString()).runManifest("run-1"))
        .get("ingest").get("sources");
    for (Map.Entry<String, long[]> c : counts.entrySet()) {
      JsonNode s = sources.get(c.getKey());
      assertEquals(c.getValue()[0], s.get("rows_read").asLong(), c.getKey());
      assertEquals(c.getValue()[1], s.get("rows_accepted").asLong(), c.getKey());
      assertEquals(c.getValue()[2], s.get("rows_rejected").asLong(), c.getKey());
      assertEquals(c.getValue()[1], spark.read().format("delta").load(out + "/curated/" + c.getKey()).count(), c.getKey());
    }
  }

  private static void expect(Map<String, String> expected, String source, String... lineReasonField) {
    for (String e : lineReasonField) {
      int sp = e.indexOf(' ');
      expected.put(source + ":" + e.substring(0, sp), e.substring(sp + 1));
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
    assertEquals("lat | lat -95.0 is outside Peru's bounding box", msg.get("schools:4"));
    assertEquals("year | year 1985 is before 1990 or in the future", msg.get("femicides:4"));
    assertEquals("ubigeo | key (ubigeo, year) repeats data row 1", msg.get("femicides:5"));
    assertEquals("lon | lon -20.0 / lat -77.03 look swapped, but swapped back they are still outside Peru's bounding box",
        msg.get("centers:13"));
    assertEquals("geometry_wkt | geometry is not a valid polygon and GeometryFixer cannot repair it into one",
        msg.get("districts:11"));
    assertEquals("ubigeo | UBIGEO '1501' is not 6 digits", msg.get("districts:10"));
    assertEquals("weight | required field 'weight' is empty", msg.get("survey:5"));
    assertEquals("weight | 'weight' = 'heavy' is not a number", msg.get("survey:6"));
    assertEquals("respondent_id | key (respondent_id) repeats data row 1", msg.get("survey:7"));
    assertEquals("dv_physical | dv_physical = 2 is not 0 or 1", msg.get("survey:3"));
    assertEquals("year | year 2099 is before 1990 or in the future", msg.get("survey:8"));
    assertEquals("age | age = 12 is outside [15, 49]", msg.get("survey:13"));
    assertEquals("school_id | key (school_id, year) repeats data row 1", msg.get("school_years:7"));
    assertEquals("attendance_rate | attendance_rate = -0.1 is outside [0, 1]", msg.get("school_years:8"));
    assertEquals("dropout_rate | 'dropout_rate' = '5%' is not a number", msg.get("school_years:11"));
    assertEquals("icd10 | ICD-10 code '32F' is not of the form A00 or A00.0", msg.get("hospitalizations:3"));
    assertEquals("cases | cases = -1 is negative", msg.get("hospitalizations:4"));
    assertEquals("ubigeo | ubigeo '999999' is not in the district table", msg.get("hospitalizations:6"));
    assertEquals("ubigeo | key (ubigeo, year, sex, icd10) repeats data row 1", msg.get("hospitalizations:8"));
    assertEquals("ubigeo | UBIGEO '15-0101' is not 6 digits", msg.get("hospitalizations:11"));
  }

  @Test
  void normalisationsAreAppliedToAcceptedRowsAndRecordedInFixes(SparkSession spark) throws Exception {
    Path out = ingested(spark);
    Map<String, String> got = new TreeMap<>();
    Row bowtie = null;
    for (Row r : spark.read().format("delta").load(out + "/fixes").collectAsList()) {
      assertEquals("run-1", r.getAs("run_id"));
      String key = r.getAs("source") + ":" + r.getAs("line");
      if (r.getAs("reason").equals("GEOMETRY_REPAIRED")) {
        bowtie = r;
        got.put(key, r.getAs("field") + " | " + r.getAs("reason"));
      } else {
        got.put(key, r.getAs("field") + " | " + r.getAs("original") + " -> " + r.getAs("fixed") + " | " + r.getAs("reason"));
      }
    }
    Map<String, String> expected = new TreeMap<>();
    expected.put("districts:4", "ubigeo | 15010 -> 015010 | UBIGEO_PADDED");
    expected.put("districts:5", "geometry_wkt | GEOMETRY_REPAIRED");
    expected.put("centers:2", "lon,lat | -12.05,-77.03 -> -77.03,-12.05 | LATLON_SWAPPED");
    expected.put("centers:12", "ubigeo | 80101 -> 080101 | UBIGEO_PADDED");
    expected.put("centers:14", "ubigeo | 150199 -> 150101 | UBIGEO_REASSIGNED");
    expected.put("centers:16", "ubigeo | 150102 -> 150101 | POINT_IN_OTHER_DISTRICT");
    expected.put("population:6", "ubigeo | 15010 -> 015010 | UBIGEO_PADDED");
    expected.put("schools:7", "lon,lat | -12.04,-77.03 -> -77.03,-12.04 | LATLON_SWAPPED");
    expected.put("schools:8", "ubigeo | 80101 -> 080101 | UBIGEO_PADDED");
    expected.put("schools:9", "ubigeo | 150199 -> 150101 | UBIGEO_REASSIGNED");
    expected.put("survey:12", "lon,lat | -12.04,-77.03 -> -77.03,-12.04 | LATLON_SWAPPED");
    assertEquals(expected, got);
    // The bowtie's two triangles, each half of a 0.1 x 0.05 rectangle... worked by hand: 2 x (0.1 x 0.05 / 2) = 0.005.
    org.locationtech.jts.geom.Geometry repaired = new org.locationtech.jts.io.WKTReader().read((String) bowtie.getAs("fixed"));
    assertEquals("MultiPolygon", repaired.getGeometryType());
    assertTrue(repaired.isValid());
    assertEquals(0.005, repaired.getArea(), 1e-12);

    // The curated tables hold the fixed values.
    Row lima = spark.read().format("delta").load(out + "/curated/centers").filter("center_id = 'C2'").first();
    assertEquals(-77.03, lima.<Double>getAs("lon"), 0);
    assertEquals(-12.05, lima.<Double>getAs("lat"), 0);
    assertEquals(1, spark.read().format("delta").load(out + "/curated/districts").filter("ubigeo = '015010'").count());
    assertEquals(1, spark.read().format("delta").load(out + "/curated/centers").filter("center_id = 'C11' AND ubigeo = '080101'")
        .count());

    JsonNode sources = Manifest.read(spark.sparkContext().hadoopConfiguration(), new RunLayout(out.toString()).runManifest("run-1"))
        .get("ingest").get("sources");
    assertEquals(2, sources.get("districts").get("rows_fixed").asLong());
    assertEquals(4, sources.get("centers").get("rows_fixed").asLong());
    // Reassigned: the curated row carries the district its point lies in; kept: the given code stays.
    assertEquals(1, spark.read().format("delta").load(out + "/curated/centers").filter("center_id = 'C13' AND ubigeo = '150101'")
        .count());
    assertEquals(1, spark.read().format("delta").load(out + "/curated/centers").filter("center_id = 'C15' AND ubigeo = '150102'")
        .count());
    assertEquals(1, sources.get("population").get("rows_fixed").asLong());
    assertEquals(3, sources.get("schools").get("rows_fixed").asLong());
    assertEquals(1, sources.get("survey").get("rows_fixed").asLong());
  }

  @Test
  void realPeruFilesGoThroughTheSameReaders(SparkSession spark, @TempDir Path out) {
    Path peru = Repo.sharedData("peru");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", peru.resolve("districts_inei2007.geojson").toString());
    files.put("centers", peru.resolve("cem_directory_2026.csv").toString());
    files.put("population", peru.resolve("district_population_2007_2022.csv").toString());
    CemSchedule schedule = CemSchedule.fromCounts(peru.resolve("cem_rollout_counts.csv").toString(), 20240601);
    Map<String, SourceOptions> options = Map.of(
        "districts", new SourceOptions(null, Map.of("ubigeo", "IDDIST", "name", "NOMBDIST", "province", "NOMBPROV",
            "department", "NOMBDEP"), false, null),
        "centers", new SourceOptions(null, Map.of("name", "nombre", "modality", "modalidad"), true, schedule),
        "population", new SourceOptions(null, Map.of(), false, null,
            new SourceOptions.PopulationSplit(Map.of(2007, "c2007", 2022, "p2022"), 0.508)));
    Map<String, IngestJob.SourceResult> r = new TreeMap<>();
    new IngestJob(spark, new RunLayout(out.toString()), "peru", 1.0).run(files, options).forEach(x -> r.put(x.source(), x));
    assertEquals(1834, r.get("districts").accepted());
    assertEquals(0, r.get("districts").rejected());
    // Every center accepted: the 4 whose UBIGEO is not among the 2007 codes are reassigned to the one polygon
    // their point lies in; the others outside their own polygon are recorded with the district they lie in.
    assertEquals(List.of(436L, 436L, 0L), List.of(r.get("centers").read(), r.get("centers").accepted(), r.get("centers").rejected()));
    Map<Long, String> reassigned = new TreeMap<>();
    Map<Long, String> other = new TreeMap<>();
    for (Row f : spark.read().format("delta").load(out + "/fixes").filter("source = 'centers'").collectAsList()) {
      String fix = f.getAs("original") + " -> " + f.getAs("fixed");
      switch ((String) f.getAs("reason")) {
        case "UBIGEO_REASSIGNED" -> reassigned.put(f.getAs("line"), fix);
        case "POINT_IN_OTHER_DISTRICT" -> other.put(f.getAs("line"), fix);
        default -> throw new AssertionError("unexpected centers fix " + f);
      }
    }
    BruteForceDistricts brute = BruteForceDistricts.of(spark, peru);
    assertEquals(brute.reassignable(), reassigned);
    assertEquals(brute.outsideOwnPolygon(), other.keySet());
    // Where the point lies in exactly one polygon, that is the district recorded.
    brute.coveredByOne().forEach((line, ubigeo) -> {
      if (other.containsKey(line)) {
        assertTrue(other.get(line).endsWith(" -> " + ubigeo), line + ": " + other.get(line) + ", brute force " + ubigeo);
      }
    });
    // shapely over the same files (GeoSeries.covers) counted 53 directory points outside their own UBIGEO's polygon,
    // 4 of them with a UBIGEO unknown in 2007 (rows 112, 333, 367, 433), each covered by exactly one polygon.
    assertEquals(53, reassigned.size() + other.size());
    assertEquals(List.of(112L, 333L, 367L, 433L), List.copyOf(reassigned.keySet()));
    // The simulated schedule follows the known cumulative counts; police-station centers from 2017 on.
    org.apache.spark.sql.Dataset<Row> c = spark.read().format("delta").load(out + "/curated/centers");
    assertEquals(0, c.filter("modality = 'Comisaría' AND year(opened_on) < 2017").count());
    assertEquals(436, c.select("center_id").distinct().count());
    assertEquals(0, c.filter("ubigeo IN ('070107', '160801', '200115', '250305')").count());
    // Population: 1,890 districts x 2 years; counted independently: 17 empty totals, 100 rows of UBIGEOs not in 2007 limits.
    assertEquals(3780, r.get("population").read());
    assertEquals(Map.of("MISSING_REQUIRED", 17L, "UBIGEO_UNKNOWN", 100L), r.get("population").byReason());
    Row chachapoyas = spark.read().format("delta").load(out + "/curated/population").filter("ubigeo = '010101' AND year = 2007")
        .first();
    assertEquals(List.of(12798L, 12394L), List.of(((Number) chachapoyas.getAs("women")).longValue(),
        ((Number) chachapoyas.getAs("men")).longValue()));
  }

  @Test
  void aGeoJsonSourceIsCheckedFeatureByFeature(SparkSession spark, @TempDir Path out) {
    Map<String, String> files = Map.of("districts", BAD.resolve("districts.geojson").toString());
    Map<String, SourceOptions> options = Map.of("districts",
        new SourceOptions(null, Map.of("ubigeo", "IDDIST", "name", "NOMBDIST"), false, null));
    IngestJob.SourceResult r = new IngestJob(spark, new RunLayout(out.toString()), "g", 1.0).run(files, options).get(0);
    assertEquals(List.of(8L, 3L, 5L, 2L), List.of(r.read(), r.accepted(), r.rejected(), r.fixed()));
    Map<Long, String> got = new TreeMap<>();
    for (Row x : spark.read().format("delta").load(out + "/rejects").collectAsList()) {
      String m = x.getAs("message");
      got.put(x.getAs("line"), x.getAs("reason") + " | " + (m.startsWith(GeoJsonSource.BAD_GEOMETRY) ? "bad geometry" : m));
    }
    assertEquals(Map.of(3L, "MISSING_REQUIRED | required field 'ubigeo' is empty", 4L, "MALFORMED_ROW | bad geometry",
        5L, "MISSING_REQUIRED | required field 'geometry_wkt' is empty",
        6L, "GEOMETRY_INVALID | geometry is a LineString, not a Polygon or MultiPolygon",
        8L, "DUPLICATE_ID | key (ubigeo) repeats data row 1"), got);
    Map<Long, String> fixes = new TreeMap<>();
    for (Row x : spark.read().format("delta").load(out + "/fixes").collectAsList()) {
      fixes.put(x.getAs("line"), x.getAs("reason"));
    }
    assertEquals(Map.of(2L, "UBIGEO_PADDED", 7L, "GEOMETRY_REPAIRED"), fixes);
    assertEquals(List.of("080101", "150101", "150106"), spark.read().format("delta").load(out + "/curated/districts")
        .orderBy("ubigeo").select("ubigeo").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void aLatin1SemicolonFileWithDecimalCommasIsRead(SparkSession spark, @TempDir Path out) throws IOException {
    Path centers = out.resolve("centers_latin1.csv");
    Files.write(centers, ("center_id;name;ubigeo;lon;lat;opened_on;closed_on;modality\n"
        + "C1;Cem Comisaría Lima;150101;-77,03;-12,05;2018-03-01;;Comisaría\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", BAD.resolve("districts.csv").toString());
    files.put("centers", centers.toString());
    new IngestJob(spark, new RunLayout(out.resolve("o").toString()), "l", 1.0).run(files);
    Row c = spark.read().format("delta").load(out.resolve("o") + "/curated/centers").first();
    assertEquals("Cem Comisaría Lima", c.getAs("name"));
    assertEquals(-77.03, c.<Double>getAs("lon"), 0);
    assertEquals(-12.05, c.<Double>getAs("lat"), 0);
  }

  @Test
  void unreadableGeoJsonIsNamedAndNothingIsWritten(SparkSession spark, @TempDir Path out) throws IOException {
    Path truncated = out.resolve("truncated.geojson");
    Files.writeString(truncated, "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\",");
    Path feature = out.resolve("feature.geojson");
    Files.writeString(feature, "{\"type\": \"Feature\", \"properties\": {}, \"geometry\": null}");
    Path none = out.resolve("none.geojson");
    Files.writeString(none, "{\"type\": \"FeatureCollection\", \"features\": []}");
    Map<Path, String> expected = Map.of(
        truncated, "cannot read " + truncated + ": is not valid JSON (truncated or corrupt at line 1)",
        feature, "cannot read " + feature + ": is not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\" with a "
            + "\"features\" array)",
        none, "cannot read " + none + ": has no features");
    for (Map.Entry<Path, String> e : expected.entrySet()) {
      CercaniaException x = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(out.resolve("o").toString()), "u",
          1.0).run(Map.of("districts", e.getKey().toString())));
      assertEquals(e.getValue(), x.getMessage());
      assertEquals(org.cercania.errors.Errors.EXIT_INPUT, x.exitCode());
    }
    CercaniaException x = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(out.resolve("o").toString()), "u", 1.0)
        .run(Map.of("districts", BAD.resolve("districts.csv").toString()), Map.of("districts",
            new SourceOptions("xls", Map.of(), false, null))));
    assertEquals("option --districts-format has value 'xls', expected csv, geojson, parquet, xlsx, shapefile", x.getMessage());
    assertFalse(Files.exists(out.resolve("o")));
  }

  @Test
  void correctingOneRowChangesOnlyThatRowsOutcome(SparkSession spark, @TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    org.apache.commons.io.FileUtils.copyDirectory(ingested(spark).toFile(), out.toFile());
    Map<String, String> before = rejectReasons(spark, out);
    Path centers = dir.resolve("centers.csv");
    Files.writeString(centers, Files.readString(BAD.resolve("centers.csv")).replace("C3,Outside,150101,-60.00,", "C3,Outside,150101,-77.00,"));
    Map<String, String> files = allSources();
    files.put("centers", centers.toString());
    new IngestJob(spark, new RunLayout(out.toString()), "run-1", 1.0).run(files); // the same run, its input corrected
    Map<String, String> after = rejectReasons(spark, out);
    before.remove("centers:3");
    assertEquals(before, after);
    assertEquals(1, spark.read().format("delta").load(out + "/curated/centers").filter("center_id = 'C3' AND lon = -77.0").count());
    assertEquals(7, spark.read().format("delta").load(out + "/curated/centers").count());
  }

  private static Map<String, String> rejectReasons(SparkSession spark, Path out) {
    Map<String, String> m = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(out + "/rejects").collectAsList()) {
      m.put(r.getAs("source") + ":" + r.getAs("line"), r.getAs("reason") + " " + r.getAs("message"));
    }
    return m;
  }

  @Test
  void aParquetSourceIsCheckedLikeACsvAndATruncatedOneIsNamed(SparkSession spark, @TempDir Path dir) throws IOException {
    // The bad centers CSV as Parquet with typed columns (lon, lat as doubles where they parse).
    Path parquet = dir.resolve("centers.parquet");
    spark.read().option("header", "true").csv(BAD.resolve("centers.csv").toString())
        .selectExpr("center_id", "name", "ubigeo", "try_cast(lon AS double) AS lon", "try_cast(lat AS double) AS lat",
            "opened_on", "closed_on", "modality")
        .coalesce(1).write().parquet(parquet.toString());
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", BAD.resolve("districts.csv").toString());
    files.put("centers", parquet.toString());
    Path out = dir.resolve("out");
    Map<String, IngestJob.SourceResult> r = new TreeMap<>();
    new IngestJob(spark, new RunLayout(out.toString()), "p", 1.0).run(files).forEach(x -> r.put(x.source(), x));
    // As the CSV, except row 10 (lon 'west'): as a double column it is empty, so MISSING_REQUIRED, not TYPE_MISMATCH.
    assertEquals(List.of(16L, 6L, 10L, 4L), List.of(r.get("centers").read(), r.get("centers").accepted(),
        r.get("centers").rejected(), r.get("centers").fixed()));
    Map<String, String> reasons = rejectReasons(spark, out);
    assertTrue(reasons.get("centers:10").startsWith("MISSING_REQUIRED"), reasons.get("centers:10"));
    assertTrue(reasons.get("centers:13").startsWith("LATLON_SWAPPED"), reasons.get("centers:13"));

    Path part;
    try (java.util.stream.Stream<Path> s = Files.list(parquet)) {
      part = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(part);
    Path truncated = dir.resolve("truncated.parquet");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    files.put("centers", truncated.toString());
    CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(dir.resolve("o2").toString()), "t", 1.0)
        .run(files));
    assertEquals("cannot read " + truncated + ": is not a readable Parquet file (truncated or corrupt)", e.getMessage());
    assertFalse(Files.exists(dir.resolve("o2")));
  }

  @Test
  void theRolloutScheduleMatchesTheKnownCumulativeCounts() {
    CemSchedule s = new CemSchedule(Map.of(1999, 13, 2004, 40, 2017, 255, 2018, 342, 2026, 436), 7);
    Map<Long, Boolean> police = new LinkedHashMap<>();
    for (long i = 1; i <= 436; i++) {
      police.put(i, i > 249);
    }
    Map<Long, java.time.LocalDate> open = s.openings(police);
    assertEquals(436, open.size());
    assertEquals(13, open.values().stream().filter(d -> d.getYear() <= 1999).count());
    assertEquals(40, open.values().stream().filter(d -> d.getYear() <= 2004).count());
    assertEquals(342, open.values().stream().filter(d -> d.getYear() <= 2018).count());
    assertEquals(0, open.entrySet().stream().filter(e -> police.get(e.getKey()) && e.getValue().getYear() < 2017).count());
    assertEquals(open, new CemSchedule(Map.of(1999, 13, 2004, 40, 2017, 255, 2018, 342, 2026, 436), 7).openings(police));
  }

  @Test
  void aSourceOverTheRejectionThresholdStopsTheJobBeforeAnythingIsWritten(SparkSession spark, @TempDir Path out) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", BAD.resolve("districts.csv").toString());
    CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(out.toString()), "r", 0.05).run(files));
    assertEquals("districts (" + BAD.resolve("districts.csv") + "): 6 of 12 rows rejected (50.0%), above the 5.0% threshold "
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
    CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(out.toString()), "r", 1.0).run(files));
    assertEquals(noColumn + ": required column 'lat' is missing; columns present: center_id, name, ubigeo, lon, opened_on",
        e.getMessage());

    Path empty = out.resolve("empty.csv");
    Files.writeString(empty, "");
    files.put("centers", empty.toString());
    e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(out.toString()), "r", 1.0).run(files));
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
      new IngestJob(spark, new RunLayout(out.resolve("run").toString()), "r", 1.0).run(files);
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
    // A copy of the first run's output, the same run ingested again: every table's content (run columns
    // included) as before, though each table has a new Delta version.
    Path out = copy.resolve("out");
    org.apache.commons.io.FileUtils.copyDirectory(ingested(spark).toFile(), out.toFile());
    Map<String, org.apache.spark.sql.Dataset<Row>> first = new LinkedHashMap<>();
    List<String> tables = new java.util.ArrayList<>(List.of("rejects", "fixes"));
    IngestJob.ORDER.forEach(s -> tables.add("curated/" + s));
    Map<String, Long> versions = new LinkedHashMap<>();
    for (String t : tables) {
      first.put(t, spark.read().format("delta").load(out + "/" + t).localCheckpoint());
      versions.put(t, io.delta.tables.DeltaTable.forPath(spark, out + "/" + t).history(1).first().getLong(0));
    }
    new IngestJob(spark, new RunLayout(out.toString()), "run-1", 1.0).run(allSources());
    for (String t : tables) {
      frames.assertDataFrameNoOrderEquals(first.get(t), spark.read().format("delta").load(out + "/" + t));
      assertEquals(versions.get(t) + 1, io.delta.tables.DeltaTable.forPath(spark, out + "/" + t).history(1).first().getLong(0), t);
    }
    assertTrue(spark.read().format("delta").load(out + "/rejects").filter("run_id = 'run-1'").count() > 0);
  }

  @Test
  void anotherRunsRowsStayBesideThisRunsAndAsOfLeavesOutWhatWasNotYetKnown(SparkSession spark, @TempDir Path copy)
      throws IOException {
    Path out = copy.resolve("out");
    org.apache.commons.io.FileUtils.copyDirectory(ingested(spark).toFile(), out.toFile());
    long run1 = spark.read().format("delta").load(out + "/curated/centers").count();
    // As of 2007-12-31 the corpus's accepted center C11 (opened 2008-01-15, bad/centers.csv) is not yet known, and
    // C10's closing (2015-06-30) is not known yet either.
    java.time.LocalDate asOf = java.time.LocalDate.parse("2007-12-31");
    List<Row> accepted = spark.read().format("delta").load(out + "/curated/centers").collectAsList();
    long known = accepted.stream().filter(r -> !r.<java.sql.Date>getAs("opened_on").toLocalDate().isAfter(asOf)).count();
    new IngestJob(spark, new Run(new RunLayout(out.toString()), "default", "backfill", asOf), 1.0).run(allSources());
    org.apache.spark.sql.Dataset<Row> centers = spark.read().format("delta").load(out + "/curated/centers");
    assertEquals(run1, centers.filter("run_id = 'run-1'").count(), "run-1's rows untouched");
    assertEquals(known, centers.filter("run_id = 'backfill'").count());
    assertEquals(run1 - 1, known);
    assertEquals(0, centers.filter("run_id = 'backfill' AND center_id = 'C11'").count());
    assertTrue(centers.filter("run_id = 'backfill' AND center_id = 'C10'").first().isNullAt(centers.schema().fieldIndex("closed_on")));
    assertEquals(0, centers.filter("run_id = 'backfill' AND (opened_on > DATE'2007-12-31' OR closed_on > DATE'2007-12-31')").count());
    JsonNode s = Manifest.read(spark.sparkContext().hadoopConfiguration(), new RunLayout(out.toString()).runManifest("backfill")).get("ingest").get("sources");
    assertEquals(run1 - known, s.get("centers").get("rows_after_as_of").asLong());
    for (String src : List.of("femicides", "survey", "school_years", "hospitalizations", "population")) {
      long later = spark.read().format("delta").load(out + "/curated/" + src).filter("run_id = 'run-1' AND year > 2007").count();
      assertEquals(later, s.get(src).get("rows_after_as_of").asLong(), src);
      assertEquals(0, spark.read().format("delta").load(out + "/curated/" + src).filter("run_id = 'backfill' AND year > 2007").count());
    }
  }
}
