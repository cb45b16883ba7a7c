package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.geo.Vincenty;
import org.cercania.testing.SparkExtension;
import org.cercania.testing.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class ExposureCommandTest {
  // Unit U1 at (-75, -10); centers due north of it (one degree of latitude is about 110.57 km here).
  static final double N1500 = -10 + 1500 / 110_574.0;
  static final double N4000 = -10 + 4000 / 110_574.0;
  static final String CENTERS = "center_id,lon,lat,opened_on,closed_on\n"
      + "A,-75.0,-10.0,2012-07-01,\n"
      + "B,-75.0," + N1500 + ",2010-03-01,2014-07-01\n"
      + "C,-75.0," + N4000 + ",2009-07-02,\n";
  static final String UNITS = "unit_id,lon,lat,unit_type\n"
      + "U1,-75.0,-10.0,school\n"
      + "U2,,,school\n"
      + "U3,-60.0,-10.0,school\n";


  private static Console.Run run(String... args) {
    return Console.main(args);
  }


  private static Path write(Path dir, String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void writesOneRowPerLocatedUnitAndYear(SparkSession spark, @TempDir Path dir) throws Exception {
    Path centers = write(dir, "centers.csv", CENTERS);
    Path units = write(dir, "units.csv", UNITS);
    Console.Run r = run("exposure", "--centers", centers.toString(), "--units", units.toString(), "--from", "2008", "--to", "2016",
        "--radii", "5,1,2.5", "--out", dir.resolve("out").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("[exposure] units without lon/lat, left out: 1"), r.out());
    assertTrue(r.out().contains("rows=18"), r.out());
    List<Row> rows = spark.read().parquet(dir.resolve("out/exposure").toString()).orderBy("unit_id", "year").collectAsList();
    assertEquals(18, rows.size());
    Row first = rows.get(0);
    assertEquals(List.of("unit_type", "unit_id", "year", "nearest_center_id", "nearest_distance_m",
        "centers_within_1km", "centers_within_2p5km", "centers_within_5km", "cohort_1km", "cohort_2p5km", "cohort_5km",
        "years_since_1km", "years_since_2p5km", "years_since_5km"), List.of(first.schema().fieldNames()));
    // Worked by hand: B open 2010-2013 (closed on the 2014 reference date), C from 2010 (opened a
    // day after the 2009 reference date), A from 2012 (opened on the reference date).
    String[] nearest = {null, null, "B", "B", "A", "A", "A", "A", "A"};
    int[] within5 = {0, 0, 2, 2, 3, 3, 2, 2, 2};
    int[] within2p5 = {0, 0, 1, 1, 2, 2, 1, 1, 1};
    double dB = Vincenty.inverse(-10, -75, N1500, -75);
    for (int y = 0; y < 9; y++) {
      Row row = rows.get(y);
      assertEquals("school", row.getString(0));
      assertEquals("U1", row.getString(1));
      assertEquals(2008 + y, row.getInt(2));
      assertEquals(nearest[y], row.getString(3));
      if (nearest[y] == null) {
        assertTrue(row.isNullAt(4));
      } else {
        assertEquals(nearest[y].equals("B") ? dB : 0.0, row.getDouble(4), 0.01);
      }
      assertEquals(y >= 4 ? 1 : 0, row.getInt(5));
      assertEquals(within2p5[y], row.getInt(6));
      assertEquals(within5[y], row.getInt(7));
      assertEquals(2012, row.getInt(8));
      assertEquals(2010, row.getInt(9));
      assertEquals(2010, row.getInt(10));
      assertEquals(2008 + y - 2012, row.getInt(11));
    }
    Row far = rows.get(9); // U3 in Brazil, 2008: nothing open anywhere yet
    assertEquals("U3", far.getString(1));
    assertTrue(far.isNullAt(3));
    Row far2016 = rows.get(17);
    assertEquals("A", far2016.getString(3));
    assertEquals(Vincenty.inverse(-10, -60, -10, -75), far2016.getDouble(4), 0.01);
    assertEquals(0, far2016.getInt(10));
    assertTrue(far2016.isNullAt(13));
  }

  @Test
  void badInputsNameTheFileRowAndField(@TempDir Path dir) throws Exception {
    Path centers = write(dir, "centers.csv", CENTERS);
    Path units = write(dir, "units.csv", UNITS);
    String out = dir.resolve("out").toString();

    Path noLat = write(dir, "nolat.csv", "center_id,lon,latitude,opened_on\nA,-75,-10,2012-01-01\n");
    Console.Run r = run("exposure", "--centers", noLat.toString(), "--units", units.toString(), "--from", "2008", "--to", "2016", "--out", out);
    assertEquals(3, r.code());
    assertEquals("cercania exposure: error [MISSING_COLUMN]: " + noLat
        + ": required column 'lat' is missing; columns present: center_id, lon, latitude, opened_on", r.err().strip());

    Path badDate = write(dir, "baddate.csv", CENTERS + "D,-75.1,-10.1,2015-13-01,\n");
    r = run("exposure", "--centers", badDate.toString(), "--units", units.toString(), "--from", "2008", "--to", "2016", "--out", out);
    assertEquals(3, r.code());
    assertEquals("cercania exposure: error [BAD_VALUE]: " + badDate
        + " row 5, field 'opened_on': value '2015-13-01' is not a date (yyyy-mm-dd)", r.err().strip());

    Path badLon = write(dir, "badlon.csv", UNITS + "U4,-75.5,-10.5,school\nU5,east,-10.0,school\nU6,-200,-10,school\n");
    r = run("exposure", "--centers", centers.toString(), "--units", badLon.toString(), "--from", "2008", "--to", "2016", "--out", out);
    assertEquals(3, r.code());
    assertEquals("cercania exposure: error [BAD_VALUE]: " + badLon
        + " row 6, field 'lon': value 'east' is not a longitude in [-180, 180] degrees", r.err().strip());

    r = run("exposure", "--centers", centers.toString(), "--units", units.toString(), "--from", "2016", "--to", "2008", "--out", out);
    assertEquals(2, r.code());
    assertEquals("cercania exposure: error [USAGE]: option --to has value '2008', expected a year on or after --from (2016)",
        r.err().strip());

    r = run("exposure", "--centers", centers.toString(), "--units", units.toString(), "--from", "2008", "--to", "2016",
        "--radii", "1,x", "--out", out);
    assertEquals(2, r.code());
    assertEquals("cercania exposure: error [USAGE]: option --radii has value '1,x', expected comma-separated kilometres, e.g. 1,2,3,5,10",
        r.err().strip());

    r = run("exposure", "--centers", dir.resolve("none.csv").toString(), "--units", units.toString(), "--from", "2008",
        "--to", "2016", "--out", out);
    assertEquals(3, r.code());
    assertEquals("cercania exposure: error [INPUT_MISSING]: input file not found: " + dir.resolve("none.csv"), r.err().strip());
  }
}
