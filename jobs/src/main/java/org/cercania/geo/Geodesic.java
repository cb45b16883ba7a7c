package org.cercania.geo;

import net.sf.geographiclib.GeodesicMask;
import org.locationtech.jts.geom.Envelope;

/**
 * Distances on the WGS84 ellipsoid. Every method takes longitude first, then latitude (the JTS
 * x/y order); GeographicLib itself takes latitude first, and this class is the only place that
 * swaps them.
 *
 * <p>Besides the exact distance (Karney's algorithm, accurate to about 15 nm) there are cheap
 * bounds for pruning. On the ellipsoid ds² = M(φ)²dφ² + N(φ)²cos²φ dλ², where the meridional
 * radius M lies in [a(1-e²), a/√(1-e²)] and the normal radius N in [a, a/√(1-e²)]. On a unit
 * sphere with the same (φ, λ), ds² = dφ² + cos²φ dλ². Every path is therefore at least
 * a(1-e²) times and at most a/√(1-e²) times longer on the ellipsoid than on the sphere, so with σ
 * the central angle between two points, {@code M_MIN·σ <= geodesic <= N_MAX·σ}: a relative
 * bracket of about 1%. Envelopes use the same radii: along a path of length r latitude moves
 * at most r/M_MIN radians and longitude at most r/(a·cos φmax) radians.
 */
public final class Geodesic {
  /** WGS84 semi-major axis, metres. */
  public static final double A = 6378137.0;
  /** WGS84 flattening. */
  public static final double F = 1 / 298.257223563;
  static final double E2 = F * (2 - F);
  /** Smallest meridional radius of curvature (at the equator), metres. */
  public static final double M_MIN = A * (1 - E2);
  /** Largest radius of curvature (at the poles), metres. */
  public static final double N_MAX = A / Math.sqrt(1 - E2);
  /** Floating-point slack that keeps the bounds on the safe side (haversine rounding is ~1e-16). */
  private static final double LOWER_SLACK = 1 - 1e-9;
  private static final double UPPER_SLACK = 1 + 1e-9;

  private static final net.sf.geographiclib.Geodesic WGS84 = net.sf.geographiclib.Geodesic.WGS84;

  private Geodesic() {}

  /** Geodesic distance in metres on WGS84 between (lon1, lat1) and (lon2, lat2), degrees. */
  public static double distanceM(double lon1, double lat1, double lon2, double lat2) {
    return WGS84.Inverse(lat1, lon1, lat2, lon2, GeodesicMask.DISTANCE).s12;
  }

  /** Central angle in radians between two points on the unit sphere, geodetic latitude as latitude. */
  public static double centralAngle(double lon1, double lat1, double lon2, double lat2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    return centralAngleRad(p1, Math.cos(p1), p2, Math.cos(p2), Math.toRadians(lon2 - lon1));
  }

  /** Haversine with the cosines supplied (callers cache them). */
  static double centralAngleRad(double phi1, double cosPhi1, double phi2, double cosPhi2, double dLambda) {
    double sp = Math.sin((phi2 - phi1) / 2);
    double sl = Math.sin(dLambda / 2);
    double h = sp * sp + cosPhi1 * cosPhi2 * sl * sl;
    return 2 * Math.asin(Math.sqrt(Math.min(1, h)));
  }

  /** A lower bound, in metres, of the geodesic distance between two points. */
  public static double lowerBoundM(double lon1, double lat1, double lon2, double lat2) {
    return lowerBoundFromAngleM(centralAngle(lon1, lat1, lon2, lat2));
  }

  /**
   * M_MIN·σ, shaded down by 1e-9 relative and 1 µm absolute so that rounding in the haversine and
   * GeographicLib's own ~15 nm error cannot lift the bound above the exact value.
   */
  static double lowerBoundFromAngleM(double sigma) {
    return Math.max(0, M_MIN * LOWER_SLACK * sigma - 1e-6);
  }

  /** An upper bound, in metres, of the geodesic distance between two points. */
  public static double upperBoundM(double lon1, double lat1, double lon2, double lat2) {
    return N_MAX * UPPER_SLACK * centralAngle(lon1, lat1, lon2, lat2);
  }

  /** Meridional radius of curvature at latitude phi (radians). */
  static double meridionalRadius(double phi) {
    double s = Math.sin(phi);
    double w = 1 - E2 * s * s;
    return A * (1 - E2) / (w * Math.sqrt(w));
  }

  /** Radius of the parallel, N(φ)·cos φ, at latitude phi (radians); 0 at the poles. */
  static double parallelRadius(double phi) {
    if (Math.abs(phi) >= Math.PI / 2) {
      return 0;
    }
    double s = Math.sin(phi);
    return A * Math.cos(phi) / Math.sqrt(1 - E2 * s * s);
  }

  /**
   * A tight bracket of the geodesic distance, written to {@code out[0]} (lower) and {@code out[1]}
   * (upper), metres; about 1e-4 relative wide at ring scale (kilometres) in Peru, against 1e-2 for
   * the spherical bounds. Proof, with Δφ the latitude span and Δλ the longitude gap (≤ π):
   * upper: the path straight in (φ, λ) is at most sqrt((M_max Δφ)² + (p_max Δλ)²) long, M and
   * p = N cos φ taken at their largest over the span. Lower: every point X of the geodesic obeys
   * d(P,X) + d(X,Q) ≤ upper, and d ≥ M_MIN·|Δφ| along any path, so the geodesic stays within
   * δ = (upper/M_MIN − Δφ)/2 of the span; in that band ds² ≥ M_b²dφ² + p_b²dλ² with M_b, p_b the
   * band's smallest values, a flat metric whose shortest path is the straight line, so
   * d ≥ sqrt((M_b Δφ)² + (p_b Δλ)²). Both are shaded by 1e-9 relative for rounding.
   */
  public static void boundsM(double lon1, double lat1, double lon2, double lat2, double[] out) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double lo = Math.min(p1, p2);
    double hi = Math.max(p1, p2);
    double dPhi = hi - lo;
    double dLam = Math.abs(lon2 - lon1) % 360;
    dLam = Math.toRadians(dLam > 180 ? 360 - dLam : dLam);
    double minAbs = lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi));
    double maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
    double mMax = meridionalRadius(maxAbs);
    double pMax = parallelRadius(minAbs);
    double upper = Math.hypot(mMax * dPhi, pMax * dLam) * UPPER_SLACK + 1e-6;
    double delta = Math.max(0, (upper / M_MIN - dPhi) / 2);
    double bandLo = Math.max(-Math.PI / 2, lo - delta);
    double bandHi = Math.min(Math.PI / 2, hi + delta);
    double bandMinAbs = bandLo <= 0 && bandHi >= 0 ? 0 : Math.min(Math.abs(bandLo), Math.abs(bandHi));
    double bandMaxAbs = Math.max(Math.abs(bandLo), Math.abs(bandHi));
    double lower = Math.hypot(meridionalRadius(bandMinAbs) * dPhi, parallelRadius(bandMaxAbs) * dLam) * LOWER_SLACK - 1e-6;
    out[0] = Math.max(0, lower);
    out[1] = upper;
  }

  /**
   * A lower bound, in metres, of the geodesic distance from a point to any point of the lon/lat
   * box (box longitudes within [-180, 180], not wrapping). Zero when the point is inside.
   */
  public static double lowerBoundToBoxM(double lon, double lat, double minLon, double minLat, double maxLon, double maxLat) {
    return lowerBoundFromAngleM(minCentralAngleToBox(lon, lat, minLon, minLat, maxLon, maxLat));
  }

  /** Smallest central angle (radians, unit sphere) from a point to a lon/lat box; see {@link #lowerBoundToBoxM}. */
  static double minCentralAngleToBox(double lon, double lat, double minLon, double minLat, double maxLon, double maxLat) {
    double latGap = Math.max(0, Math.max(minLat - lat, lat - maxLat));
    double dLon;
    if (lon >= minLon && lon <= maxLon) {
      dLon = 0;
    } else {
      // Angular gap to the interval on the circle of longitudes (either way round).
      dLon = Math.min(mod360(minLon - lon), mod360(lon - maxLon));
    }
    if (dLon == 0) {
      return Math.toRadians(latGap); // straight north or south
    }
    if (dLon >= 90) {
      return Math.toRadians(latGap); // the latitude difference always bounds the angle from below
    }
    // Outside the box's longitudes the nearest point lies on the nearer meridian edge; along a
    // meridian the distance grows monotonically away from the foot of the perpendicular.
    double phi = Math.toRadians(lat);
    double cosDl = Math.cos(Math.toRadians(dLon));
    double foot = Math.atan2(Math.tan(phi), cosDl);
    double edge = Math.max(Math.toRadians(minLat), Math.min(Math.toRadians(maxLat), foot));
    return centralAngleRad(phi, Math.cos(phi), edge, Math.cos(edge), Math.toRadians(dLon));
  }

  private static double mod360(double x) {
    double m = x % 360;
    return m < 0 ? m + 360 : m;
  }

  /**
   * A lon/lat envelope that contains every point within {@code radiusM} metres (geodesic) of the
   * point: a superset, never a subset. Near a pole, or when it would cross the antimeridian, the
   * envelope spans all longitudes.
   */
  public static Envelope envelopeWithin(double lon, double lat, double radiusM) {
    if (radiusM < 0 || Double.isNaN(radiusM)) {
      throw new IllegalArgumentException("radius must be >= 0, got " + radiusM);
    }
    double dLat = Math.toDegrees(radiusM / M_MIN) * UPPER_SLACK;
    double minLat = Math.max(-90, lat - dLat);
    double maxLat = Math.min(90, lat + dLat);
    double maxAbsLat = Math.abs(lat) + dLat;
    if (maxAbsLat >= 90) {
      return new Envelope(-180, 180, minLat, maxLat);
    }
    double dLon = Math.toDegrees(radiusM / (A * Math.cos(Math.toRadians(maxAbsLat)))) * UPPER_SLACK;
    if (lon - dLon < -180 || lon + dLon > 180) {
      return new Envelope(-180, 180, minLat, maxLat);
    }
    return new Envelope(lon - dLon, lon + dLon, minLat, maxLat);
  }
}
