package org.cercania.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class CenterIndexTest {
  private static final double[] RADII_M = {1_000, 2_000, 3_000, 5_000, 10_000};

  private static long day(String iso) {
    return LocalDate.parse(iso).toEpochDay();
  }

  /** Centers clustered like a city plus scattered ones, with awkward dates. */
  public static List<CenterIndex.Center> randomCenters(Random rnd, int n) {
    List<CenterIndex.Center> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double lon, lat;
      if (i % 3 != 0) { // Lima-sized cluster: many centers within 10 km of each other
        lon = -77.15 + 0.3 * rnd.nextDouble();
        lat = -12.25 + 0.4 * rnd.nextDouble();
      } else { // anywhere in Peru's bounding box
        lon = -81.3 + 12.6 * rnd.nextDouble();
        lat = -18.3 + 18.3 * rnd.nextDouble();
      }
      int openYear = 1996 + rnd.nextInt(32);
      long opened = switch (i % 4) {
        case 0 -> day(openYear + "-07-01"); // exactly on the reference date: open that year
        case 1 -> day(openYear + "-07-02"); // a day late: open from the next year
        default -> day(openYear + "-01-01") + rnd.nextInt(365);
      };
      Long closed = null;
      if (i % 5 == 0) {
        closed = i % 10 == 0 ? day((openYear + 1 + rnd.nextInt(6)) + "-07-01") // closed on the reference date: not open that year
            : opened + 1 + rnd.nextInt(3000);
      }
      out.add(new CenterIndex.Center(String.format("C%04d", i), lon, lat, opened, closed));
    }
    // Two centers at the same spot: equal distances, the smaller id wins.
    CenterIndex.Center twin = out.get(1);
    out.add(new CenterIndex.Center("C0001b", twin.lon(), twin.lat(), twin.openedOn(), twin.closedOn()));
    out.add(new CenterIndex.Center("C0000a", twin.lon(), twin.lat(), twin.openedOn(), twin.closedOn()));
    return out;
  }

  private record Brute(String id, double d) {}

  /** The independent answer: every center, Vincenty distance, the open rule written out again. */
  private static Brute bruteNearest(List<CenterIndex.Center> cs, double lon, double lat, int year) {
    long ref = LocalDate.of(year, 7, 1).toEpochDay();
    Brute best = null;
    for (CenterIndex.Center c : cs) {
      boolean open = c.openedOn() <= ref && (c.closedOn() == null || c.closedOn() > ref);
      if (!open) {
        continue;
      }
      double d = Vincenty.inverse(lat, lon, c.lat(), c.lon());
      if (best == null || d < best.d() || (d == best.d() && c.id().compareTo(best.id()) < 0)) {
        best = new Brute(c.id(), d);
      }
    }
    return best;
  }

  @Test
  void everyYearAndRingMatchesBruteForce() {
    Random rnd = new Random(20240601);
    List<CenterIndex.Center> centers = randomCenters(rnd, 240);
    YearWindow w = new YearWindow(2000, 2026, 7, 1);
    CenterIndex index = CenterIndex.build(centers, w);
    List<double[]> units = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      units.add(i % 2 == 0 ? new double[] {-77.2 + 0.4 * rnd.nextDouble(), -12.3 + 0.5 * rnd.nextDouble()}
          : new double[] {-81.3 + 12.6 * rnd.nextDouble(), -18.3 + 18.3 * rnd.nextDouble()});
    }
    for (CenterIndex.Center c : centers) {
      units.add(new double[] {c.lon(), c.lat()}); // exactly on a center
    }
    units.add(new double[] {-60.0, -10.0}); // Brazil: farther than every ring
    units.add(new double[] {-77.0, 89.9}); // near the pole
    int checked = 0;
    for (double[] u : units) {
      UnitExposure e = index.query(u[0], u[1], RADII_M);
      double[] dist = new double[centers.size()];
      for (int k = 0; k < centers.size(); k++) {
        dist[k] = Vincenty.inverse(u[1], u[0], centers.get(k).lat(), centers.get(k).lon());
      }
      for (int r = 0; r < RADII_M.length; r++) {
        int cohort = 0;
        for (int year = w.fromYear(); year <= w.toYear(); year++) {
          long ref = LocalDate.of(year, 7, 1).toEpochDay();
          int n = 0;
          for (int k = 0; k < centers.size(); k++) {
            CenterIndex.Center c = centers.get(k);
            if (c.openedOn() <= ref && (c.closedOn() == null || c.closedOn() > ref) && dist[k] <= RADII_M[r]) {
              n++;
            }
          }
          assertEquals(n, e.within(r, year - w.fromYear()), "count r=" + RADII_M[r] + " year " + year);
          if (n > 0 && cohort == 0) {
            cohort = year;
          }
        }
        assertEquals(cohort, e.cohortYear(r), "cohort r=" + RADII_M[r]);
      }
      for (int year = w.fromYear(); year <= w.toYear(); year++) {
        Brute b = bruteNearest(centers, u[0], u[1], year);
        int y = year - w.fromYear();
        if (b == null) {
          assertNull(e.nearestId(y));
          assertTrue(Double.isNaN(e.nearestDistanceM(y)));
        } else {
          assertEquals(b.id(), e.nearestId(y), "nearest in " + year + " for " + u[0] + "," + u[1]);
          assertEquals(b.d(), e.nearestDistanceM(y), 0.01);
          checked++;
        }
      }
    }
    assertTrue(checked > 30_000, "checked " + checked);
  }

  @Test
  void handWorkedOpeningAndClosingDates() {
    // Unit at the origin of a small grid; centers due north, distances checked with Vincenty.
    double lon = -75.0, lat = -10.0;
    double north1500 = lat + 1500 / 110_574.0; // about 1.5 km north (one degree of latitude ~110.57 km here)
    double north4000 = lat + 4000 / 110_574.0;
    List<CenterIndex.Center> cs = List.of(
        new CenterIndex.Center("A", lon, lat, day("2012-07-01"), null), // on the unit, opens on the reference date 2012
        new CenterIndex.Center("B", lon, north1500, day("2010-03-01"), day("2014-07-01")), // open 2010-2013
        new CenterIndex.Center("C", lon, north4000, day("2009-07-02"), null), // opens a day late: open from 2010
        new CenterIndex.Center("D", lon, north4000, day("2020-01-01"), null)); // opens after the window
    CenterIndex index = CenterIndex.build(cs, YearWindow.of(2008, 2016));
    assertEquals(3, index.indexedCenters(), "D is never open in the window");
    UnitExposure e = index.query(lon, lat, new double[] {1_000, 2_000, 5_000});
    double dB = Vincenty.inverse(lat, lon, north1500, lon);
    double dC = Vincenty.inverse(lat, lon, north4000, lon);
    assertTrue(dB > 1_400 && dB < 1_600 && dC > 3_900 && dC < 4_100);
    String[] nearest = {null, null, "B", "B", "A", "A", "A", "A", "A"}; // 2008..2016
    for (int y = 0; y < 9; y++) {
      assertEquals(nearest[y], e.nearestId(y), "year " + (2008 + y));
    }
    assertEquals(dB, e.nearestDistanceM(2), 0.01);
    assertEquals(0, e.nearestDistanceM(4), 0);
    assertEquals(2012, e.cohortYear(0)); // 1 km ring: only A
    assertEquals(2010, e.cohortYear(1)); // 2 km: B from 2010
    assertEquals(2010, e.cohortYear(2));
    int[] within5 = {0, 0, 2, 2, 3, 3, 2, 2, 2}; // B+C 2010-11, +A 2012-13, B closed 2014
    for (int y = 0; y < 9; y++) {
      assertEquals(within5[y], e.within(2, y), "5 km, year " + (2008 + y));
    }
  }

  @Test
  void centersWithinCentimetresOfARingEdge() {
    // Centers placed 3 cm inside and outside each ring (GeographicLib Direct), in every direction;
    // the expected side is read from the independent Vincenty distance, not from the placement.
    double lon = -77.03, lat = -12.05;
    List<CenterIndex.Center> cs = new ArrayList<>();
    int k = 0;
    for (double r : RADII_M) {
      for (int azi = 0; azi < 360; azi += 15) {
        for (double eps : new double[] {-0.03, 0.03}) {
          net.sf.geographiclib.GeodesicData g = net.sf.geographiclib.Geodesic.WGS84.Direct(lat, lon, azi + 0.37, r + eps);
          cs.add(new CenterIndex.Center(String.format("E%04d", k++), g.lon2, g.lat2, day("2005-01-01"), null));
        }
      }
    }
    // A center open from 2003 far away resolves the nearest for every year, so the ring centers
    // (open from 2005) are ring-only for years from 2005; a 2004 center next door is the nearest.
    cs.add(new CenterIndex.Center("NEAR", lon + 0.0001, lat, day("2004-01-01"), null));
    UnitExposure e = CenterIndex.build(cs, YearWindow.of(2004, 2006)).query(lon, lat, RADII_M);
    for (int r = 0; r < RADII_M.length; r++) {
      int n = 0;
      for (CenterIndex.Center c : cs) {
        n += Vincenty.inverse(lat, lon, c.lat(), c.lon()) <= RADII_M[r] ? 1 : 0;
      }
      assertEquals(n, e.within(r, 2), "ring " + RADII_M[r]);
      // 24 directions: the inner edge centers of this ring and of the smaller ones, the outer edge
      // centers of the smaller rings, and NEAR.
      assertEquals(24 * (r + 1) + 24 * r + 1, n);
    }
    assertEquals("NEAR", e.nearestId(2));
  }

  @Test
  void emptyIndexAndBadInput() {
    CenterIndex empty = CenterIndex.build(List.of(), YearWindow.of(2010, 2012));
    UnitExposure e = empty.query(-75, -10, RADII_M);
    assertNull(e.nearestId(0));
    assertEquals(0, e.cohortYear(4));
    assertThrows(IllegalArgumentException.class, () -> CenterIndex.build(List.of(
        new CenterIndex.Center("X", 0, 0, 0, null), new CenterIndex.Center("X", 1, 1, 0, null)), YearWindow.of(2010, 2012)));
    assertThrows(IllegalArgumentException.class, () -> empty.query(-75, -10, new double[] {2_000, 1_000}));
    assertThrows(IllegalArgumentException.class, () -> new CenterIndex.Center("Y", -77, 95, 0, null));
    assertThrows(IllegalArgumentException.class, () -> new CenterIndex.Center("Y", 200, 0, 0, null));
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    Random rnd = new Random(1);
    List<CenterIndex.Center> centers = randomCenters(rnd, 100);
    CenterIndex index = CenterIndex.build(centers, YearWindow.of(2005, 2021));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(index);
    }
    CenterIndex copy;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (CenterIndex) in.readObject();
    }
    UnitExposure a = index.query(-77, -12.1, RADII_M);
    UnitExposure b = copy.query(-77, -12.1, RADII_M);
    for (int y = 0; y < 17; y++) {
      assertEquals(a.nearestId(y), b.nearestId(y));
      assertEquals(a.within(4, y), b.within(4, y));
    }
  }
}
