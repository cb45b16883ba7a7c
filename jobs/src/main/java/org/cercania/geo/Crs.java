package org.cercania.geo;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.geotools.api.referencing.FactoryException;
import org.geotools.api.referencing.crs.CoordinateReferenceSystem;
import org.geotools.api.referencing.operation.MathTransform;
import org.geotools.api.referencing.operation.TransformException;
import org.geotools.geometry.jts.JTS;
import org.geotools.referencing.CRS;
import org.geotools.referencing.crs.DefaultGeographicCRS;
import org.locationtech.jts.geom.Geometry;

/**
 * Reprojection to lon/lat WGS84 with GeoTools: a CRS given as {@code EPSG:<code>} (decoded with
 * longitude first) or as WKT (a Shapefile's .prj). Transforms are built once per JVM and CRS.
 */
public final class Crs {
  private static final Map<String, MathTransform> TO_LON_LAT = new ConcurrentHashMap<>();

  private Crs() {}

  /** The CRS {@code crs} names; IllegalArgumentException saying why when it cannot be decoded. */
  public static CoordinateReferenceSystem decode(String crs) {
    try {
      if (crs.trim().toUpperCase(Locale.ROOT).startsWith("EPSG:")) {
        return CRS.decode(crs.trim().toUpperCase(Locale.ROOT), true);
      }
      CoordinateReferenceSystem parsed = CRS.parseWKT(crs);
      Integer epsg = CRS.lookupEpsgCode(parsed, true);
      return epsg != null ? CRS.decode("EPSG:" + epsg, true) : parsed;
    } catch (FactoryException | RuntimeException e) {
      throw new IllegalArgumentException("not a known CRS (" + e.getMessage() + ")", e);
    }
  }

  /** The EPSG code of {@code crs} as {@code EPSG:<code>} when GeoTools finds one, else its name. */
  public static String name(String crs) {
    CoordinateReferenceSystem c = decode(crs);
    try {
      Integer epsg = CRS.lookupEpsgCode(c, true);
      return epsg != null ? "EPSG:" + epsg : c.getName().toString();
    } catch (FactoryException e) {
      return c.getName().toString();
    }
  }

  /** {@code g}, whose coordinates are in {@code crs}, in lon/lat WGS84 degrees. */
  public static Geometry toLonLat(Geometry g, String crs) throws TransformException {
    MathTransform t = TO_LON_LAT.computeIfAbsent(crs, c -> {
      try {
        return CRS.findMathTransform(decode(c), DefaultGeographicCRS.WGS84, true);
      } catch (FactoryException e) {
        throw new IllegalArgumentException("no transform from " + c + " to lon/lat WGS84: " + e.getMessage(), e);
      }
    });
    return JTS.transform(g, t);
  }
}
