package org.cercania.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.cercania.io.RunLayout;
import org.cercania.testing.Repo;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.WKTReader;

/**
 * The formats beyond CSV and GeoJSON: XLSX centers, Shapefile and (Geo)Parquet WKB districts in UTM
 * zone 18S, and the encoding override. The fixtures in jobs/src/test/resources/ingest/formats were
 * written by make_fixtures.py there (openpyxl, pyshp, pyproj, shapely, pyarrow), not by this code.
 */
@ExtendWith(SparkExtension.class)
class IngestFormatsTest {
  private static final Path FORMATS = Repo.root().resolve("jobs/src/test/resources/ingest/formats");
  private static final Path BAD = Repo.root().resolve("jobs/src/test/resources/ingest/bad");
  private static final Map<String, String> INEI = Map.of("ubigeo", "IDDIST", "name", "NOMBDIST");
  /** Coordinates back in lon/lat agree with the corners pyproj projected to within this (degrees, about 1 cm). */
  private static final double DEGREES = 1e-7;

  @Test
  void xlsxCentersAreCheckedWithSpreadsheetRowNumbers(SparkSession spark, @TempDir Path out) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", BAD.resolve("districts.csv").toString());
    files.put("centers", FORMATS.resolve("centers.xlsx").toString());
    IngestJob.SourceResult r = new IngestJob(spark, new RunLayout(out.toString()), "x", 1.0).run(files).get(1);
    assertEquals(List.of(5L, 3L, 2L, 2L), List.of(r.read(), r.accepted(), r.rejected(), r.fixed()));
    // Row 4 of the sheet is empty: skipped, and later rows keep their spreadsheet numbers.
    assertEquals(Map.of(5L, "MISSING_REQUIRED lat | required field 'lat' is empty",
        6L, "TYPE_MISMATCH opened_on | 'opened_on' = '15/01/2008' is not a date (yyyy-MM-dd)"), rejects(spark, out, "centers"));
    assertEquals(Map.of(3L, "UBIGEO_PADDED 80101 -> 080101", 7L, "LATLON_SWAPPED -12.05,-77.03 -> -77.03,-12.05"),
        fixes(spark, out, "centers"));
    Map<String, String> curated = new TreeMap<>();
    for (Row c : spark.read().format("delta").load(out + "/curated/centers").collectAsList()) {
      curated.put(c.getAs("center_id"), c.getAs("name") + " | " + c.getAs("ubigeo") + " | " + c.getAs("opened_on"));
    }
    // Date cells (shown dd/mm/yyyy in the sheet) arrive as dates; a number-typed UBIGEO lost its zero and was padded.
    assertEquals(Map.of("C1", "Cem Comisaría Lima | 150101 | 2005-03-01", "C2", "Numeric code | 080101 | 2008-01-15",
        "C5", "Swapped | 150101 | 2010-06-30"), curated);
  }

  @Test
  void shapefileDistrictsAreReprojectedFromTheirPrj(SparkSession spark, @TempDir Path out) throws Exception {
    IngestJob.SourceResult r = new IngestJob(spark, new RunLayout(out.toString()), "s", 1.0).run(
        Map.of("districts", FORMATS.resolve("districts_utm18s.shp").toString()),
        Map.of("districts", new SourceOptions(null, INEI, false, null))).get(0);
    assertEquals(List.of(5L, 4L, 1L, 1L), List.of(r.read(), r.accepted(), r.rejected(), r.fixed()));
    assertEquals(Map.of(4L, "MISSING_REQUIRED geometry_wkt | required field 'geometry_wkt' is empty"),
        rejects(spark, out, "districts"));
    assertEquals(Map.of(5L, "UBIGEO_PADDED 15010 -> 015010"), fixes(spark, out, "districts"));
    Map<String, Geometry> g = districts(spark, out);
    assertLonLat(g);
    // The .dbf has no .cpg and is Latin-1: sniffed.
    assertEquals("ANCÓN", spark.read().format("delta").load(out + "/curated/districts").filter("ubigeo = '150102'").first()
        .getAs("name"));
    assertEquals("EPSG:32718", manifest(spark, out, "s").get("reprojected_from").asText());
  }

  @Test
  void geoParquetDistrictsTakeTheirCrsFromTheMetadata(SparkSession spark, @TempDir Path out) throws Exception {
    IngestJob.SourceResult r = new IngestJob(spark, new RunLayout(out.toString()), "g", 1.0).run(
        Map.of("districts", FORMATS.resolve("districts_utm18s.geoparquet.parquet").toString())).get(0);
    assertEquals(List.of(5L, 4L, 1L, 1L), List.of(r.read(), r.accepted(), r.rejected(), r.fixed()));
    Map<Long, String> rejects = rejects(spark, out, "districts");
    assertEquals(List.of(5L), List.copyOf(rejects.keySet()));
    assertTrue(rejects.get(5L).startsWith("MALFORMED_ROW null | " + SourceReader.BAD_GEOMETRY + "WKB: "), rejects.get(5L));
    assertEquals(List.of(4L), List.copyOf(fixes(spark, out, "districts").keySet()));
    Map<String, Geometry> g = districts(spark, out);
    assertLonLat(g);
    // The bowtie, repaired after reprojection: two triangles meeting at (-76.95, -11.95).
    assertEquals("MultiPolygon", g.get("150104").getGeometryType());
    assertEquals("EPSG:32718", manifest(spark, out, "g").get("reprojected_from").asText());
  }

  @Test
  void aWkbColumnIsReprojectedFromTheCrsGivenAsAnOption(SparkSession spark, @TempDir Path out) throws Exception {
    String file = FORMATS.resolve("districts_utm18s_wkb.parquet").toString();
    new IngestJob(spark, new RunLayout(out.toString()), "w", 1.0).run(Map.of("districts", file),
        Map.of("districts", SourceOptions.DEFAULT.reading(null, "EPSG:32718")));
    assertLonLat(districts(spark, out));

    CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(out.resolve("o").toString()), "w", 1.0)
        .run(Map.of("districts", file), Map.of("districts", SourceOptions.DEFAULT.reading(null, "EPSG:999999"))));
    assertTrue(e.getMessage().startsWith("cannot read " + file + ": its CRS 'EPSG:999999' is not a known CRS ("), e.getMessage());
    assertFalse(Files.exists(out.resolve("o")));
  }

  @Test
  void anEncodingGivenOverridesTheSniffedOne(SparkSession spark, @TempDir Path dir) throws IOException {
    // Over a megabyte of plain ASCII before the first Latin-1 byte: the sniffer sees only ASCII and says UTF-8.
    StringBuilder csv = new StringBuilder("center_id,name,ubigeo,lon,lat,opened_on,closed_on,modality\n");
    for (int i = 1; i <= 20_000; i++) {
      csv.append("C").append(i).append(",Plain name,150101,-77.03,-12.05,2005-03-01,,Regular\n");
    }
    csv.append("C0,Cem Comisaría,150101,-77.03,-12.05,2005-03-01,,Comisaría\n");
    Path centers = dir.resolve("centers.csv");
    Files.write(centers, csv.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(Files.size(centers) > (1 << 20));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("districts", BAD.resolve("districts.csv").toString());
    files.put("centers", centers.toString());
    Map<String, String> name = new TreeMap<>();
    for (String encoding : new String[] {null, "ISO-8859-1"}) {
      Path out = dir.resolve("out-" + encoding);
      new IngestJob(spark, new RunLayout(out.toString()), "e", 1.0).run(files, Map.of("centers", SourceOptions.DEFAULT.reading(encoding, null)));
      name.put(String.valueOf(encoding), spark.read().format("delta").load(out + "/curated/centers").filter("center_id = 'C0'")
          .first().getAs("name"));
    }
    assertEquals(Map.of("null", "Cem Comisar\uFFFDa", "ISO-8859-1", "Cem Comisaría"), name);
    CercaniaException e = assertThrows(CercaniaException.class, () -> SourceOptions.DEFAULT.reading("latin9", null));
    assertEquals("option --encoding has value 'latin9', expected UTF-8 or ISO-8859-1", e.getMessage());
  }

  @Test
  void unreadableFilesOfEveryFormatAreNamed(SparkSession spark, @TempDir Path dir) throws IOException {
    Path emptyGeoJson = dir.resolve("empty.geojson");
    Files.writeString(emptyGeoJson, "");
    Path noId = dir.resolve("no_id.geojson");
    Files.writeString(noId, "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": "
        + "{\"NOMBDIST\": \"LIMA\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [-77, -12]}}]}");
    Path noColumnParquet = dir.resolve("no_geometry.parquet");
    spark.read().option("header", "true").csv(BAD.resolve("districts.csv").toString()).selectExpr("ubigeo AS IDDIST", "name AS NOMBDIST")
        .coalesce(1)
        .write().parquet(noColumnParquet.toString());
    Path pipes = dir.resolve("pipes.csv");
    Files.writeString(pipes, Files.readString(BAD.resolve("centers.csv")).replace(',', '|'));
    Path notXlsx = dir.resolve("centers.xlsx");
    Files.writeString(notXlsx, "center_id,name\n");
    Path noDbf = dir.resolve("lonely.shp");
    Files.copy(FORMATS.resolve("districts_utm18s.shp"), noDbf);
    Map<Path, String> expected = new LinkedHashMap<>();
    expected.put(emptyGeoJson, "cannot read " + emptyGeoJson + ": the file is empty (no GeoJSON in it)");
    expected.put(noId, noId + ": required column 'IDDIST' is missing; columns present: NOMBDIST");
    expected.put(noColumnParquet, noColumnParquet + ": required column 'geometry_wkt' is missing; columns present: IDDIST, NOMBDIST");
    expected.put(noDbf, "input file not found: " + dir.resolve("lonely.dbf"));
    for (Map.Entry<Path, String> x : expected.entrySet()) {
      CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(dir.resolve("o").toString()), "u", 1.0)
          .run(Map.of("districts", x.getKey().toString()), Map.of("districts", new SourceOptions(null, INEI, false, null))));
      assertEquals(x.getValue(), e.getMessage());
      assertEquals(org.cercania.errors.Errors.EXIT_INPUT, e.exitCode());
    }
    Path dbf = FORMATS.resolve("districts_utm18s.dbf");
    CercaniaException notShp = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(dir.resolve("o").toString()), "u",
        1.0).run(Map.of("districts", dbf.toString()), Map.of("districts", new SourceOptions("shapefile", INEI, false, null))));
    assertEquals("cannot read " + dbf + ": a Shapefile is given by its .shp file (its .dbf and .prj beside it)", notShp.getMessage());
    Map<Path, String> centers = new LinkedHashMap<>();
    centers.put(pipes, "cannot read " + pipes + ": its header line does not split into columns "
        + "('center_id|name|ubigeo|lon|lat|opened_on|closed_on|modality'); the delimiter must be ',', ';' or tab");
    centers.put(notXlsx, "cannot read " + notXlsx + ": is not an XLSX workbook (no xl/workbook.xml in it)");
    for (Map.Entry<Path, String> x : centers.entrySet()) {
      Map<String, String> files = new LinkedHashMap<>();
      files.put("districts", BAD.resolve("districts.csv").toString());
      files.put("centers", x.getKey().toString());
      CercaniaException e = assertThrows(CercaniaException.class, () -> new IngestJob(spark, new RunLayout(dir.resolve("o").toString()), "u", 1.0)
          .run(files));
      assertEquals(x.getValue(), e.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("o")));
  }

  /** Lima, Ancón's hole and Cusco's second part, back in lon/lat, against the corners pyproj projected. */
  private static void assertLonLat(Map<String, Geometry> g) throws IOException {
    JsonNode expected = new ObjectMapper().readTree(FORMATS.resolve("expected_lonlat.json").toFile());
    assertCorners(expected.get("lima"), ((Polygon) g.get("150101")).getExteriorRing().getCoordinates());
    Polygon ancon = (Polygon) g.get("150102");
    assertEquals(1, ancon.getNumInteriorRing());
    assertCorners(expected.get("ancon_hole"), ancon.getInteriorRingN(0).getCoordinates());
    MultiPolygon cusco = (MultiPolygon) g.get("080101");
    assertEquals(2, cusco.getNumGeometries());
    assertCorners(expected.get("cusco_b"), cusco.getGeometryN(1).getCoordinates());
  }

  private static void assertCorners(JsonNode expected, Coordinate[] got) {
    assertEquals(expected.size(), got.length);
    for (int i = 0; i < got.length; i++) {
      assertEquals(expected.get(i).get(0).asDouble(), got[i].x, DEGREES, "lon of corner " + i);
      assertEquals(expected.get(i).get(1).asDouble(), got[i].y, DEGREES, "lat of corner " + i);
    }
  }

  private static Map<String, Geometry> districts(SparkSession spark, Path out) throws Exception {
    Map<String, Geometry> g = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(out + "/curated/districts").collectAsList()) {
      g.put(r.getAs("ubigeo"), new WKTReader().read((String) r.getAs("geometry_wkt")));
    }
    return g;
  }

  private static Map<Long, String> rejects(SparkSession spark, Path out, String source) {
    Map<Long, String> m = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(out + "/rejects").filter("source = '" + source + "'").collectAsList()) {
      m.put(r.getAs("line"), r.getAs("reason") + " " + r.getAs("field") + " | " + r.getAs("message"));
    }
    return m;
  }

  private static Map<Long, String> fixes(SparkSession spark, Path out, String source) {
    Map<Long, String> m = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(out + "/fixes").filter("source = '" + source + "'").collectAsList()) {
      m.put(r.getAs("line"), r.getAs("reason") + (r.getAs("reason").equals("GEOMETRY_REPAIRED") ? ""
          : " " + r.getAs("original") + " -> " + r.getAs("fixed")));
    }
    return m;
  }

  private static JsonNode manifest(SparkSession spark, Path out, String runId) {
    return Manifest.read(spark.sparkContext().hadoopConfiguration(), new RunLayout(out.toString()).runManifest(runId)).get("ingest").get("sources").get("districts");
  }
}
