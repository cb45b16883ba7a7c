package org.cercania.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.sf.geographiclib.Geodesic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTReader;

/** The synthetic sample against facts computed here from its own files, by brute force. */
class SampleGeneratorTest {
  private static final Map<Integer, Integer> ANCHORS = Map.of(1999, 13, 2004, 40, 2007, 49, 2010, 110, 2012, 149, 2014, 226,
      2017, 255);
  private static final Map<String, Double> SIZES = new HashMap<>();

  static {
    for (String o : List.of("log_enrollment", "attendance_rate", "pass_rate", "dropout_rate", "test_score", "dv_physical",
        "dv_emotional", "femicide_rate", "assault_hosp_rate_women", "mental_health_rate_women", "mental_health_rate_men",
        "economic_crime_rate")) {
      SIZES.put(o, o.equals("mental_health_rate_men") ? 0.0 : 1.0 + o.length());
    }
  }

  private static SampleSpec spec(long seed, boolean dynamic) {
    return new SampleSpec(seed, 240, 60, 600, 40, 3, dynamic, 2006, 2022, List.of(1.0, 2.0, 3.0), 7, 1,
        List.of(0.0, 1.0, 2.0, 3.0, 5.0, 10.0), 10.0);
  }

  private static Map<String, Long> write(Path dir, long seed, boolean dynamic) {
    return new SampleGenerator(spec(seed, dynamic), ANCHORS, SIZES).write(dir);
  }

  /** A sample CSV's data rows split on commas (the sample quotes only the districts' WKT). */
  static List<String[]> csv(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (String l : lines.subList(1, lines.size())) {
      rows.add(l.split(",", -1));
    }
    return rows;
  }

  @Test
  void sameSeedSameFilesOtherSeedOtherFiles(@TempDir Path a, @TempDir Path b, @TempDir Path c) throws IOException {
    write(a, 5, false);
    write(b, 5, false);
    write(c, 6, false);
    for (String f : List.of("districts.csv", "centers.csv", "school_years.csv", "survey.csv", "hospitalizations.csv", "truth.csv")) {
      assertEquals(-1L, Files.mismatch(a.resolve(f), b.resolve(f)), f + " differs for the same seed");
    }
    assertNotEquals(-1L, Files.mismatch(a.resolve("school_years.csv"), c.resolve("school_years.csv")));
  }

  @Test
  void countsMatchTheFilesAndTheRequestedSizes(@TempDir Path dir) throws IOException {
    Map<String, Long> counts = write(dir, 11, false);
    for (String source : SampleGenerator.SOURCES) {
      assertEquals((long) csv(dir.resolve(source + ".csv")).size(), counts.get(source), source);
    }
    assertEquals(240L, counts.get("districts"));
    assertEquals(60L, counts.get("centers"));
    assertEquals(600L * 17, counts.get("school_years"));
    assertEquals(40L * 17 * 3, counts.get("survey"));
  }

  @Test
  void districtsAreValidDisjointPolygonsWithUniqueUbigeos(@TempDir Path dir) throws Exception {
    write(dir, 3, false);
    WKTReader reader = new WKTReader();
    Set<String> codes = new HashSet<>();
    List<Geometry> polys = new ArrayList<>();
    double area = 0;
    for (String line : Files.readAllLines(dir.resolve("districts.csv")).subList(1, 241)) {
      String code = line.substring(0, 6);
      assertTrue(code.matches("[0-9]{6}"), code);
      assertTrue(codes.add(code), "duplicate UBIGEO " + code);
      Geometry g = reader.read(line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')));
      assertTrue(g.isValid(), code + " polygon is invalid");
      polys.add(g);
      area += g.getArea();
    }
    Geometry union = new GeometryFactory().buildGeometry(polys).union();
    assertEquals(area, union.getArea(), 1e-9 * area, "districts do not overlap");
    assertEquals(1, union.getNumGeometries(), "and form one connected country without holes between them");
    assertEquals(0, ((org.locationtech.jts.geom.Polygon) union).getNumInteriorRing());
  }

  @Test
  void openingsFollowTheRolloutAnchors(@TempDir Path dir) throws IOException {
    write(dir, 7, false);
    TreeMap<Integer, Integer> opened = new TreeMap<>();
    for (String[] c : csv(dir.resolve("centers.csv"))) {
      opened.merge(LocalDate.parse(c[5]).getYear(), 1, Integer::sum);
      if (!c[6].isEmpty()) {
        assertTrue(LocalDate.parse(c[6]).isAfter(LocalDate.parse(c[5])), "closes after it opens");
      }
    }
    // cumulative by the end of each anchor year, linear interpolation between anchors, capped at 60
    int cumulative = 0;
    Map<Integer, Integer> byEnd = new TreeMap<>();
    for (int y = 1999; y <= 2022; y++) {
      cumulative += opened.getOrDefault(y, 0);
      byEnd.put(y, cumulative);
    }
    assertEquals(13, byEnd.get(1999));
    assertEquals(40, byEnd.get(2004));
    assertEquals(49, byEnd.get(2007));
    assertEquals(60, byEnd.get(2009), "2008: round(49 + 61/3) = 69 > 60, so all 60 are open by the end of 2008");
    assertEquals(60, byEnd.get(2008));
  }

  /** Each school's distance (metres) to its nearest open center on July 1 of each year 2006..2022, by a geodesic search over all centers. */
  private static Map<String, double[]> nearestByBruteForce(Path dir) throws IOException {
    record Center(double lon, double lat, LocalDate open, LocalDate close) {}
    List<Center> centers = new ArrayList<>();
    for (String[] c : csv(dir.resolve("centers.csv"))) {
      centers.add(new Center(Double.parseDouble(c[3]), Double.parseDouble(c[4]), LocalDate.parse(c[5]),
          c[6].isEmpty() ? null : LocalDate.parse(c[6])));
    }
    Map<String, double[]> out = new TreeMap<>();
    for (String[] s : csv(dir.resolve("schools.csv"))) {
      double lon = Double.parseDouble(s[2]);
      double lat = Double.parseDouble(s[3]);
      double[] d = new double[17];
      for (int year = 2006; year <= 2022; year++) {
        LocalDate ref = LocalDate.of(year, 7, 1);
        double best = Double.POSITIVE_INFINITY;
        for (Center c : centers) {
          if (!c.open().isAfter(ref) && (c.close() == null || c.close().isAfter(ref))) {
            best = Math.min(best, Geodesic.WGS84.Inverse(lat, lon, c.lat(), c.lon()).s12);
          }
        }
        d[year - 2006] = best;
      }
      out.put(s[0], d);
    }
    return out;
  }

  private static String ringTerm(double metres) {
    return metres <= 1000 ? "ring1" : metres <= 2000 ? "ring2" : metres <= 3000 ? "ring3" : null;
  }

  @Test
  void schoolRingsInTheTruthMatchABruteForceGeodesicSearch(@TempDir Path dir) throws IOException {
    write(dir, 13, false);
    Map<String, Long> expected = new TreeMap<>();
    for (double[] d : nearestByBruteForce(dir).values()) {
      for (int y = 0; y < d.length; y++) {
        if (ringTerm(d[y]) != null) {
          expected.merge((2006 + y) + "/" + ringTerm(d[y]), 1L, Long::sum);
        }
      }
    }
    Map<String, Long> truth = new TreeMap<>();
    for (String[] t : csv(dir.resolve("truth.csv"))) {
      if (t[0].equals("school") && t[1].equals("test_score") && t[2].startsWith("ring")) {
        truth.merge(t[4] + "/" + t[2], Long.parseLong(t[6]), Long::sum);
      }
    }
    assertFalse(expected.isEmpty());
    assertEquals(expected, truth);
  }

  @Test
  void anExponentialProfilePlantsExpOfMinusDistanceOverDecayUpToTheReach(@TempDir Path dir) throws IOException {
    new SampleGenerator(spec(13, false).with(new EffectProfile("exponential", 1.5, 2.5)), ANCHORS, SIZES).write(dir);
    double size = SIZES.get("test_score");
    Map<String, Double> expected = new TreeMap<>(); // year/ring -> sum of planted effects over the ring's school-years
    for (double[] d : nearestByBruteForce(dir).values()) {
      for (int y = 0; y < d.length; y++) {
        if (ringTerm(d[y]) != null) {
          expected.merge((2006 + y) + "/" + ringTerm(d[y]), d[y] <= 2500 ? size * Math.exp(-d[y] / 1500) : 0, Double::sum);
        }
      }
    }
    Map<String, Double> truth = new TreeMap<>();
    for (String[] t : csv(dir.resolve("truth.csv"))) {
      if (t[0].equals("school") && t[1].equals("test_score") && t[2].startsWith("ring")) {
        truth.merge(t[4] + "/" + t[2], Double.parseDouble(t[5]) * Long.parseLong(t[6]), Double::sum);
      }
    }
    assertEquals(expected.keySet(), truth.keySet());
    // The files round coordinates to 1e-6 degrees (at most about 0.15 m between a school and a center), and
    // exp(-d / 1500 m) moves by d/1500 relative per metre: 2e-4 relative bounds the rounding.
    for (String k : expected.keySet()) {
      assertEquals(expected.get(k), truth.get(k), 2e-4 * Math.abs(expected.get(k)), k);
    }
    assertTrue(expected.keySet().stream().anyMatch(k -> k.endsWith("ring3") && expected.get(k) > 0), "some planted effect beyond 2 km");
  }

  @Test
  void constantEffectsAreTheSizeTimesTheRingShareDynamicOnesGrow(@TempDir Path constant, @TempDir Path dynamic) throws IOException {
    write(constant, 17, false);
    double[] share = {1.0, 0.5, 0.25};
    for (String[] t : csv(constant.resolve("truth.csv"))) {
      if (!t[2].startsWith("ring")) {
        continue; // distance-band and grid terms average rings (and pre-entry zeros) over a unit's years
      }
      double expected = SIZES.get(t[1]) * share[Integer.parseInt(t[2].substring(4)) - 1];
      assertEquals(expected, Double.parseDouble(t[5]), 1e-6 * Math.max(1, Math.abs(expected)), String.join(",", t));
    }
    write(dynamic, 17, true);
    // In dynamic mode a cohort's inner-ring effect grows with the years since its nearest center opened.
    Map<Integer, TreeMap<Integer, Double>> byCohort = new HashMap<>();
    for (String[] t : csv(dynamic.resolve("truth.csv"))) {
      if (t[1].equals("test_score") && t[2].equals("ring1") && !t[3].equals("0") && !t[3].equals("2006")) {
        byCohort.computeIfAbsent(Integer.parseInt(t[3]), k -> new TreeMap<>()).put(Integer.parseInt(t[4]), Double.parseDouble(t[5]));
      }
    }
    assertFalse(byCohort.isEmpty());
    for (TreeMap<Integer, Double> series : byCohort.values()) {
      if (series.size() >= 3) {
        assertTrue(series.lastEntry().getValue() > series.firstEntry().getValue(), "effects grow: " + series);
      }
    }
  }
}
