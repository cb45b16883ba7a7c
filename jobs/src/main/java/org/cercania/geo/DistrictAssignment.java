package org.cercania.geo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cercania.errors.Errors;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/**
 * Which district a point belongs to, shared by ingest (checking a record's UBIGEO against its
 * coordinates) and exposure (placing centers and units): the given UBIGEO is kept, point-in-polygon
 * only fills a gap or raises a flag, and points in no polygon reach the nearest one within a
 * tolerance (coastline and border simplification).
 */
public final class DistrictAssignment {
  /** Reach, in metres, for points that fall in no polygon. */
  public static final double DEFAULT_TOLERANCE_M = 5_000;

  /** Flags: why a point's given UBIGEO and its location disagree (null = they agree). */
  public static final String FLAG_OTHER_DISTRICT = "point_in_other_district";
  public static final String FLAG_OUTSIDE = "point_outside_districts";
  public static final String FLAG_UNKNOWN_UBIGEO = "ubigeo_not_in_districts";
  public static final String FLAG_UNLOCATED = "no_ubigeo_and_no_district_nearby";

  private DistrictAssignment() {}

  /** One point's district: source 'given', 'point_in_polygon', 'nearest_polygon' or null; flag as above. */
  public record Assignment(String ubigeo, String source, String locatedUbigeo, Double distanceM, String flag) {
    /** The point lies in another district's polygon, or in none, than its given UBIGEO's. */
    public boolean elsewhere() {
      return FLAG_OTHER_DISTRICT.equals(flag) || FLAG_OUTSIDE.equals(flag);
    }
  }

  /**
   * A locator over district polygons given as UBIGEO to WKT (Polygon or MultiPolygon, lon/lat);
   * {@code table} names them in errors (a null UBIGEO, a repeated one, unreadable WKT).
   */
  public static DistrictLocator locator(String table, List<Map.Entry<String, String>> ubigeoWkt, double toleranceM) {
    List<DistrictLocator.District> ds = new ArrayList<>();
    WKTReader reader = new WKTReader();
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, String> r : ubigeoWkt) {
      DistrictLocator.District d = district(table, reader, r.getKey(), r.getValue());
      if (!seen.add(d.id())) {
        throw Errors.duplicateKey(table, "ubigeo", d.id());
      }
      ds.add(d);
    }
    return DistrictLocator.build(ds, toleranceM);
  }

  /** One district polygon from its WKT; an error naming the table, the UBIGEO and the field when unreadable. */
  public static DistrictLocator.District district(String table, WKTReader reader, String ubigeo, String wkt) {
    if (ubigeo == null) {
      throw Errors.badRecord(table, "ubigeo", "null", "ubigeo", "null", "a 6-character UBIGEO");
    }
    try {
      return new DistrictLocator.District(ubigeo, reader.read(wkt == null ? "" : wkt));
    } catch (ParseException | IllegalArgumentException e) {
      throw Errors.badRecord(table, "ubigeo", ubigeo, "geometry_wkt", abbreviate(wkt), "a Polygon or MultiPolygon in WKT");
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** Assigns one point: the given UBIGEO is kept; the location only fills a gap or raises a flag. */
  public static Assignment assign(DistrictLocator locator, String givenUbigeo, double lon, double lat) {
    DistrictLocator.Match m = locator.locate(lon, lat);
    String located = m.bestId();
    Double dist = located == null ? null : m.distanceM();
    if (givenUbigeo == null || givenUbigeo.isBlank()) {
      if (located == null) {
        return new Assignment(null, null, null, null, FLAG_UNLOCATED);
      }
      return new Assignment(located, m.inside() ? "point_in_polygon" : "nearest_polygon", located, dist, null);
    }
    String flag;
    if (locator.geometry(givenUbigeo) == null) {
      flag = FLAG_UNKNOWN_UBIGEO;
    } else if (m.inside()) {
      flag = locator.containing(lon, lat).contains(givenUbigeo) ? null : FLAG_OTHER_DISTRICT;
    } else {
      flag = FLAG_OUTSIDE;
    }
    return new Assignment(givenUbigeo, "given", located, dist, flag);
  }
}
