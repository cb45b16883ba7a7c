package org.cercania.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.sf.geographiclib.Geodesic;
import org.cercania.testing.PeruData;
import org.cercania.testing.Repo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;

/**
 * The sample on Peru's real geography (skipped when ../shared/data/peru is absent), small: every real
 * district and CEM point, 1,500 schools and 150 survey clusters. Checked against the real files read
 * independently (testing.PeruData) and facts computed here by brute force.
 */
class PeruSampleTest {
  private static final Map<Integer, Integer> ANCHORS = Map.of(1999, 13); // unused: the real rollout counts apply
  private static final Map<String, Double> SIZES = new HashMap<>();
  private static final GeometryFactory GF = new GeometryFactory();

  static {
    for (String o : List.of("log_enrollment", "attendance_rate", "pass_rate", "dropout_rate", "test_score", "dv_physical",
        "dv_emotional", "femicide_rate", "assault_hosp_rate_women", "mental_health_rate_women", "mental_health_rate_men",
        "economic_crime_rate")) {
      SIZES.put(o, o.equals("mental_health_rate_men") ? 0.0 : 1.0 + o.length());
    }
  }

  @TempDir
  static Path dir;
  private static Map<String, Long> counts;

  @BeforeAll
  static void write() {
    Path data = Repo.sharedData("peru");
    SampleSpec spec = new SampleSpec(29, 240, 60, 1500, 150, 2, false, 2006, 2022, List.of(1.0, 2.0, 3.0), 7, 1,
        List.of(0.0, 1.0, 2.0, 3.0, 5.0, 10.0), 10.0);
    counts = new SampleGenerator(spec, ANCHORS, SIZES, data.toString()).write(dir);
  }

  private static List<String[]> csv(Path file) throws IOException {
    return SampleGeneratorTest.csv(file);
  }

  @Test
  void everyRealDistrictAndCenterIsWrittenWithTheDirectorysPoints() throws Exception {
    List<PeruData.District> districts = PeruData.districts();
    assertEquals((long) districts.size(), counts.get("districts"));
    List<PeruData.Cem> cems = PeruData.cems();
    List<String[]> centers = csv(dir.resolve("centers.csv"));
    assertEquals(cems.size(), centers.size(), "every directory row has a district (its own UBIGEO or its polygon's)");
    for (int i = 0; i < cems.size(); i++) {
      String[] c = centers.get(i);
      assertEquals(String.format("CEM-%03d", i + 1), c[0]);
      assertEquals(cems.get(i).lon(), Double.parseDouble(c[3]), 1e-6);
      assertEquals(cems.get(i).lat(), Double.parseDouble(c[4]), 1e-6);
      boolean police = cems.get(i).modality().toLowerCase().startsWith("comisar");
      assertEquals(police ? "Comisaria" : "Regular", c[7]);
      int year = LocalDate.parse(c[5]).getYear();
      assertTrue(!police || year >= 2017, "police-station centers open from 2017: " + String.join(",", c));
      assertTrue(LocalDate.parse(c[5]).isBefore(LocalDate.of(year, 7, 1)), "open by July 1 of its year");
    }
    // The ministry's cumulative counts (cem_rollout_counts.csv) at its anchor years.
    Map<Integer, Integer> byEnd = new TreeMap<>();
    for (String[] c : centers) {
      int y = LocalDate.parse(c[5]).getYear();
      for (int e = y; e <= 2026; e++) {
        byEnd.merge(e, 1, Integer::sum);
      }
    }
    assertEquals(13, byEnd.get(1999));
    assertEquals(40, byEnd.get(2004));
    assertEquals(110, byEnd.get(2010));
    assertEquals(255, byEnd.get(2017));
    assertEquals(342, byEnd.get(2018));
    assertEquals(436, byEnd.get(2026));
  }

  @Test
  void everySchoolAndClusterLiesInItsDistrictsPolygonAndInNoSmallerOne() throws Exception {
    List<PeruData.District> districts = PeruData.districts();
    Map<String, PeruData.District> byUbigeo = new HashMap<>();
    districts.forEach(d -> byUbigeo.put(d.ubigeo(), d));
    List<double[]> points = new ArrayList<>();
    List<String> ubigeos = new ArrayList<>();
    for (String[] s : csv(dir.resolve("schools.csv"))) {
      ubigeos.add(s[1]);
      points.add(new double[] {Double.parseDouble(s[2]), Double.parseDouble(s[3])});
    }
    assertEquals(1500, points.size());
    for (String[] r : csv(dir.resolve("survey.csv"))) {
      ubigeos.add(r[3]);
      points.add(new double[] {Double.parseDouble(r[4]), Double.parseDouble(r[5])});
    }
    assertEquals(1500 + 150 * 17 * 2, points.size());
    for (int i = 0; i < points.size(); i++) {
      Point p = GF.createPoint(new Coordinate(points.get(i)[0], points.get(i)[1]));
      PeruData.District own = byUbigeo.get(ubigeos.get(i));
      assertNotNull(own, ubigeos.get(i));
      assertTrue(own.geometry().covers(p), "point " + p + " outside its district " + own.ubigeo());
      for (PeruData.District d : districts) { // ties go to the smallest covering polygon, as the pipeline assigns them
        if (d != own && d.geometry().getEnvelopeInternal().covers(new Envelope(p.getCoordinate())) && d.geometry().covers(p)) {
          assertTrue(d.geometry().getArea() > own.geometry().getArea(),
              "point " + p + " of " + own.ubigeo() + " also in the smaller " + d.ubigeo());
        }
      }
    }
  }

  /** Nearest open center (metres) on July 1 of each year 2006..2022, over every center, exact geodesic. */
  private static Map<String, double[]> nearestByBruteForce() throws IOException {
    record Center(double lon, double lat, LocalDate open) {}
    List<Center> centers = new ArrayList<>();
    for (String[] c : csv(dir.resolve("centers.csv"))) {
      centers.add(new Center(Double.parseDouble(c[3]), Double.parseDouble(c[4]), LocalDate.parse(c[5])));
    }
    Map<String, double[]> out = new TreeMap<>();
    for (String[] s : csv(dir.resolve("schools.csv"))) {
      double lon = Double.parseDouble(s[2]);
      double lat = Double.parseDouble(s[3]);
      double[] dist = new double[centers.size()];
      for (int k = 0; k < dist.length; k++) {
        dist[k] = Geodesic.WGS84.Inverse(lat, lon, centers.get(k).lat(), centers.get(k).lon()).s12;
      }
      double[] d = new double[17];
      for (int year = 2006; year <= 2022; year++) {
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < dist.length; k++) {
          if (!centers.get(k).open().isAfter(LocalDate.of(year, 7, 1))) {
            best = Math.min(best, dist[k]);
          }
        }
        d[year - 2006] = best;
      }
      out.put(s[0], d);
    }
    return out;
  }

  @Test
  void schoolRingTermsInTheTruthAreTheBruteForceRingsWithTheirPlantedSizes() throws IOException {
    Map<String, Long> expected = new TreeMap<>();
    for (double[] d : nearestByBruteForce().values()) {
      for (int y = 0; y < d.length; y++) {
        String ring = d[y] <= 1000 ? "ring1" : d[y] <= 2000 ? "ring2" : d[y] <= 3000 ? "ring3" : null;
        if (ring != null) {
          expected.merge((2006 + y) + "/" + ring, 1L, Long::sum);
        }
      }
    }
    Map<String, Long> truth = new TreeMap<>();
    double[] share = {1.0, 0.5, 0.25};
    for (String[] t : csv(dir.resolve("truth.csv"))) {
      if (t[0].equals("school") && t[2].startsWith("ring")) {
        assertEquals(SIZES.get(t[1]) * share[Integer.parseInt(t[2].substring(4)) - 1], Double.parseDouble(t[5]), 1e-6,
            String.join(",", t));
        if (t[1].equals("test_score")) {
          truth.merge(t[4] + "/" + t[2], Long.parseLong(t[6]), Long::sum);
        }
      }
    }
    assertFalse(expected.isEmpty());
    assertEquals(expected, truth);
  }

  @Test
  void districtTermsInTheTruthAreTheDistrictsWhoseFirstCenterOpenedInTheWindow() throws IOException {
    Map<String, Integer> cohortOf = new HashMap<>(); // district -> first year (July 1) with an open center
    for (String[] c : csv(dir.resolve("centers.csv"))) {
      LocalDate on = LocalDate.parse(c[5]);
      int year = on.isAfter(LocalDate.of(on.getYear(), 7, 1)) ? on.getYear() + 1 : on.getYear();
      cohortOf.merge(c[2], Math.max(2006, year), Math::min);
    }
    Map<String, Long> expected = new TreeMap<>(); // cohort/year -> districts (no center closes, so all stay treated)
    for (int cohort : cohortOf.values()) {
      if (cohort > 2006 && cohort <= 2022) {
        for (int y = 2006; y <= 2022; y++) {
          expected.merge(cohort + "/" + y, 1L, Long::sum);
        }
      }
    }
    Map<String, Long> truth = new TreeMap<>();
    for (String[] t : csv(dir.resolve("truth.csv"))) {
      if (t[0].equals("district") && t[1].equals("femicide_rate") && t[2].equals("district")) {
        int cohort = Integer.parseInt(t[3]);
        int year = Integer.parseInt(t[4]);
        assertEquals(year >= cohort ? SIZES.get("femicide_rate") : 0, Double.parseDouble(t[5]), 1e-9, String.join(",", t));
        truth.put(cohort + "/" + year, Long.parseLong(t[6]));
      }
    }
    assertFalse(expected.isEmpty());
    assertEquals(expected, truth);
  }
}
