package org.cercania.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cercania.testing.PeruData;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTReader;

class DistrictLocatorTest {

  private static DistrictLocator.District d(String id, String wkt) throws Exception {
    return new DistrictLocator.District(id, new WKTReader().read(wkt));
  }

  @Test
  void smallestContainingPolygonWinsAndBoundaryCounts() throws Exception {
    DistrictLocator loc = DistrictLocator.build(List.of(
        d("BIG", "POLYGON((-76 -12, -75 -12, -75 -11, -76 -11, -76 -12))"),
        d("SMALL", "POLYGON((-75.6 -11.6, -75.4 -11.6, -75.4 -11.4, -75.6 -11.4, -75.6 -11.6))"),
        d("EAST", "MULTIPOLYGON(((-75 -12, -74 -12, -74 -11, -75 -11, -75 -12)))")), 2_000);
    assertEquals("SMALL", loc.locate(-75.5, -11.5).containingId());
    assertEquals(List.of("SMALL", "BIG"), loc.containing(-75.5, -11.5));
    assertEquals("BIG", loc.locate(-75.9, -11.9).containingId());
    // On the shared edge both cover the point: equal areas, the smaller id wins.
    assertEquals("BIG", loc.locate(-75.0, -11.5).containingId());
    assertEquals(List.of("BIG", "EAST"), loc.containing(-75.0, -11.5));
    assertEquals(0, loc.locate(-75.9, -11.9).distanceM());
  }

  @Test
  void pointsOutsideGetTheNearestPolygonWithinTheTolerance() throws Exception {
    DistrictLocator loc = DistrictLocator.build(List.of(
        d("A", "POLYGON((-76 -12, -75 -12, -75 -11, -76 -11, -76 -12))")), 2_000);
    // 0.01 degree of latitude south of the southern edge, near -12: Vincenty gives the reference.
    double expected = Vincenty.inverse(-12.01, -75.5, -12.0, -75.5);
    DistrictLocator.Match m = loc.locate(-75.5, -12.01);
    assertNull(m.containingId());
    assertEquals("A", m.nearestId());
    assertEquals("A", m.bestId());
    assertEquals(expected, m.distanceM(), 0.01);
    // 0.01 degree of longitude east of the eastern edge at latitude -11.5.
    assertEquals(Vincenty.inverse(-11.5, -74.99, -11.5, -75.0), loc.locate(-74.99, -11.5).distanceM(), 0.01);
    DistrictLocator.Match far = loc.locate(-74.9, -11.5); // about 10.9 km away
    assertNull(far.bestId());
    assertTrue(Double.isNaN(far.distanceM()));
    assertThrows(IllegalArgumentException.class, () -> DistrictLocator.build(List.of(
        new DistrictLocator.District("P", new GeometryFactory().createPoint(new Coordinate(0, 0)))), 0));
  }

  @Test
  void realCemPointsAgainstRealDistricts() throws Exception {
    List<PeruData.District> districts = PeruData.districts();
    List<PeruData.Cem> cems = PeruData.cems();
    assertEquals(1834, districts.size());
    assertEquals(436, cems.size());
    List<DistrictLocator.District> ds = new ArrayList<>();
    for (PeruData.District x : districts) {
      ds.add(new DistrictLocator.District(x.ubigeo(), x.geometry()));
    }
    DistrictLocator loc = DistrictLocator.build(ds, 5_000);
    int inOwn = 0;
    int inside = 0;
    int located = 0;
    List<String> outside = new ArrayList<>();
    for (PeruData.Cem c : cems) {
      DistrictLocator.Match m = loc.locate(c.lon(), c.lat());
      if (m.inside()) {
        inside++;
      }
      if (m.bestId() != null) {
        located++;
      }
      if (!m.inside()) {
        outside.add(c.ubigeo() + (m.nearestId() == null ? "" : "->" + m.nearestId()));
      }
      if (loc.containing(c.lon(), c.lat()).contains(c.ubigeo())) {
        inOwn++;
      }
    }
    assertEquals(383, inOwn, "the data README: 383 of 436 points fall inside their own UBIGEO polygon");
    // Checked independently with shapely (covers over the same file): 434 points fall inside some
    // polygon; Desaguadero (210402) lies just across its simplified border with Bolivia, and row
    // 171 (110206, lon -76.3972 lat -13.3972: the same decimals twice, likely a typing slip) lies
    // at sea, about 18 km off the coast.
    assertEquals(434, inside);
    assertEquals(List.of("110206", "210402->210402"), outside);
    assertEquals(435, located);
  }
}
