package org.cercania.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.geotools.referencing.GeodeticCalculator;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Envelope;

class GeodesicTest {

  private static double dms(int d, int m, double s) {
    double v = Math.abs(d) + m / 60.0 + s / 3600.0;
    return d < 0 ? -v : v;
  }

  @Test
  void publishedVincentyExampleFlindersPeakToBuninyong() {
    // Vincenty (1975) / Geoscience Australia worked example: 54,972.271 m (GRS80; WGS84 differs by < 0.1 mm here).
    double lat1 = dms(-37, 57, 3.72030), lon1 = dms(144, 25, 29.52440);
    double lat2 = dms(-37, 39, 10.15610), lon2 = dms(143, 55, 35.38390);
    assertEquals(54972.271, Geodesic.distanceM(lon1, lat1, lon2, lat2), 0.001);
  }

  @Test
  void limaToCuscoMatchesVincentyAndGeoTools() {
    double limaLon = -77.0428, limaLat = -12.0464, cuscoLon = -71.9675, cuscoLat = -13.5319;
    double reference = Vincenty.inverse(limaLat, limaLon, cuscoLat, cuscoLon);
    assertEquals(reference, Geodesic.distanceM(limaLon, limaLat, cuscoLon, cuscoLat), 0.001);
    assertTrue(reference > 570_000 && reference < 580_000, "Lima-Cusco is about 575 km: " + reference);
    // Axis order: the same numbers read as (lat, lon) are other points (-77 degrees latitude, Antarctica).
    double swapped = Geodesic.distanceM(limaLat, limaLon, cuscoLat, cuscoLon);
    assertEquals(Vincenty.inverse(limaLon, limaLat, cuscoLon, cuscoLat), swapped, 0.001);
    assertTrue(Math.abs(swapped - reference) > 5_000, "swapped " + swapped);
    GeodeticCalculator gc = new GeodeticCalculator(); // GeoTools: takes (x = lon, y = lat)
    gc.setStartingGeographicPoint(limaLon, limaLat);
    gc.setDestinationGeographicPoint(cuscoLon, cuscoLat);
    assertEquals(gc.getOrthodromicDistance(), Geodesic.distanceM(limaLon, limaLat, cuscoLon, cuscoLat), 0.001);
  }

  @Test
  void randomPairsMatchVincentyToACentimetre() {
    Random rnd = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      double lon1 = -82 + 15 * rnd.nextDouble(), lat1 = -19 + 19.5 * rnd.nextDouble();
      double scale = i % 3 == 0 ? 0.01 : i % 3 == 1 ? 0.2 : 12;
      double lon2 = Math.max(-180, Math.min(180, lon1 + scale * (rnd.nextDouble() - 0.5)));
      double lat2 = Math.max(-90, Math.min(90, lat1 + scale * (rnd.nextDouble() - 0.5)));
      assertEquals(Vincenty.inverse(lat1, lon1, lat2, lon2), Geodesic.distanceM(lon1, lat1, lon2, lat2), 0.01);
    }
  }

  @Test
  void sphericalBoundsBracketTheGeodesicEverywhere() {
    Random rnd = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      double lon1 = -180 + 360 * rnd.nextDouble(), lat1 = -89 + 178 * rnd.nextDouble();
      double spread = i % 2 == 0 ? 0.05 : 60;
      double lon2 = Math.max(-180, Math.min(180, lon1 + spread * (rnd.nextDouble() - 0.5)));
      double lat2 = Math.max(-89, Math.min(89, lat1 + spread * (rnd.nextDouble() - 0.5)));
      double d = Geodesic.distanceM(lon1, lat1, lon2, lat2);
      assertTrue(Geodesic.lowerBoundM(lon1, lat1, lon2, lat2) <= d, "lower bound");
      assertTrue(Geodesic.upperBoundM(lon1, lat1, lon2, lat2) >= d, "upper bound");
      // The bracket is about 1 % wide: useful for pruning.
      assertTrue(Geodesic.lowerBoundM(lon1, lat1, lon2, lat2) >= 0.985 * d - 1e-6);
    }
    // Meridian arc at the equator is where the lower bound is tight (M = a(1-e²)).
    double d = Geodesic.distanceM(-75, -0.0005, -75, 0.0005);
    assertEquals(d, Geodesic.lowerBoundM(-75, -0.0005, -75, 0.0005), 1e-4);
  }

  @Test
  void tightBracketHoldsEverywhereAndIsNarrowAtRingScale() {
    Random rnd = new Random(13);
    double[] b = new double[2];
    double worstPeru = 0;
    double worst10km = 0;
    for (int i = 0; i < 100_000; i++) {
      boolean peru = i % 2 == 0;
      double lon1 = peru ? -81.3 + 12.6 * rnd.nextDouble() : -180 + 360 * rnd.nextDouble();
      double lat1 = peru ? -18.3 + 18.5 * rnd.nextDouble() : -89.9 + 179.8 * rnd.nextDouble();
      double spread = peru ? 0.4 : (i % 4 == 1 ? 2 : 170);
      double lon2 = lon1 + spread * (rnd.nextDouble() - 0.5);
      lon2 = lon2 > 180 ? lon2 - 360 : lon2 < -180 ? lon2 + 360 : lon2; // crosses the antimeridian sometimes
      double lat2 = Math.max(-89.9, Math.min(89.9, lat1 + spread * (rnd.nextDouble() - 0.5)));
      double d = Vincenty.inverse(lat1, lon1, lat2, lon2);
      double g = Geodesic.distanceM(lon1, lat1, lon2, lat2);
      Geodesic.boundsM(lon1, lat1, lon2, lat2, b);
      // Against both the code's distance and the independent one (which agree to 0.1 mm).
      assertTrue(b[0] <= g && g <= b[1], "bracket " + b[0] + ".." + b[1] + " misses " + g);
      assertTrue(b[0] <= d + 1e-4 && d - 1e-4 <= b[1], "bracket misses Vincenty " + d);
      if (peru && d > 100 && d < 25_000) {
        worstPeru = Math.max(worstPeru, (b[1] - b[0]) / d);
      }
      if (peru && d <= 10_000) {
        worst10km = Math.max(worst10km, b[1] - b[0]);
      }
    }
    // The band the geodesic can wander in grows with the distance, so the width grows like d².
    assertTrue(worstPeru < 1e-3, "bracket relative width in Peru up to 25 km: " + worstPeru);
    assertTrue(worst10km < 4, "bracket width in Peru up to 10 km, metres: " + worst10km);
    Geodesic.boundsM(-75, -10, -75, -10, b);
    assertEquals(0, b[0]);
    assertTrue(b[1] <= 1e-5);
  }

  @Test
  void boxLowerBoundNeverExceedsDistanceToAnyPointOfTheBox() {
    Random rnd = new Random(3);
    for (int i = 0; i < 3_000; i++) {
      double lon = -180 + 360 * rnd.nextDouble(), lat = -80 + 160 * rnd.nextDouble();
      double size = i % 2 == 0 ? 0.5 : 20;
      double bx = Math.max(-180, Math.min(180 - size, lon + 40 * (rnd.nextDouble() - 0.5)));
      double by = Math.max(-85, Math.min(85 - size, lat + 40 * (rnd.nextDouble() - 0.5)));
      double lb = Geodesic.lowerBoundToBoxM(lon, lat, bx, by, bx + size, by + size);
      double min = Double.POSITIVE_INFINITY;
      for (int a = 0; a <= 40; a++) {
        for (int b = 0; b <= 40; b++) {
          min = Math.min(min, Geodesic.distanceM(lon, lat, bx + size * a / 40, by + size * b / 40));
        }
      }
      assertTrue(lb <= min, "box bound " + lb + " > sampled min " + min);
      // Not uselessly loose: within 2 % of the sampled minimum (sampling overshoots a little).
      assertTrue(lb >= 0.98 * min - size * 111_000 / 40.0, "box bound too loose: " + lb + " vs " + min);
    }
    assertEquals(0, Geodesic.lowerBoundToBoxM(-77, -12, -78, -13, -76, -11));
  }

  @Test
  void envelopeWithinContainsEveryPointAtThatDistance() {
    Random rnd = new Random(5);
    double[] lats = {-18.3, -12, 0, 45, 80, 89.95};
    for (double lat : lats) {
      for (double r : new double[] {1_000, 10_000, 250_000}) {
        Envelope e = Geodesic.envelopeWithin(-75, lat, r);
        for (int k = 0; k < 720; k++) {
          double azi = k * 0.5;
          net.sf.geographiclib.GeodesicData g = net.sf.geographiclib.Geodesic.WGS84.Direct(lat, -75, azi, r);
          assertTrue(e.contains(g.lon2, g.lat2), "lat " + lat + " r " + r + " azi " + azi + ": " + g.lon2 + ", " + g.lat2 + " not in " + e);
        }
        // Tight: at most a few percent wider than needed away from the poles.
        if (Math.abs(lat) < 50) {
          assertTrue(e.getHeight() < 2 * r / 110_000 * 1.02, "height " + e.getHeight());
        }
      }
    }
    assertEquals(360, Geodesic.envelopeWithin(179.99, 0, 5_000).getWidth(), 0, "antimeridian: whole band");
    assertTrue(rnd.nextInt() != 0 || true);
  }
}
