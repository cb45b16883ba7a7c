package org.cercania.geo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.geom.util.AffineTransformation;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.operation.distance.DistanceOp;

/**
 * Point-in-polygon over district polygons (lon/lat WGS84): an STRtree of the polygons' envelopes,
 * then a prepared-geometry {@code covers} test (a point on a boundary belongs to the district).
 * When several polygons contain the point the smallest one wins (simplified layers leave small
 * districts inside their neighbours), ties broken by the smaller id. A point outside every
 * polygon gets, separately, the nearest polygon within a tolerance in metres.
 *
 * <p>Serializable for a Spark broadcast: the prepared geometries are rebuilt lazily on each JVM.
 */
public final class DistrictLocator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One district: its id (UBIGEO) and its Polygon or MultiPolygon in lon/lat degrees. */
  public record District(String id, Geometry geometry) implements Serializable {
    public District {
      if (id == null) {
        throw new IllegalArgumentException("district id is null");
      }
      if (!(geometry instanceof Polygonal) || geometry.isEmpty()) {
        throw new IllegalArgumentException("district " + id + ": geometry must be a non-empty Polygon or MultiPolygon, got "
            + (geometry == null ? "null" : geometry.getGeometryType()));
      }
    }
  }

  /**
   * Where a point fell: {@code containingId} is the district that contains it (null when none);
   * when none does, {@code nearestId} is the nearest district within the tolerance (null when none)
   * and {@code distanceM} its distance in metres (0 when contained, NaN when nothing is near).
   */
  public record Match(String containingId, String nearestId, double distanceM) implements Serializable {
    public boolean inside() {
      return containingId != null;
    }

    /** The containing district, else the nearby one, else null. */
    public String bestId() {
      return containingId != null ? containingId : nearestId;
    }
  }

  private static final GeometryFactory GF = new GeometryFactory();

  private final String[] ids;
  private final HashMap<String, Integer> byId = new HashMap<>();
  private final Geometry[] geometries;
  private final double[] areas;
  private final STRtree tree;
  private final double toleranceM;
  private transient volatile PreparedGeometry[] prepared;

  private DistrictLocator(List<District> districts, double toleranceM) {
    int n = districts.size();
    ids = new String[n];
    geometries = new Geometry[n];
    areas = new double[n];
    tree = new STRtree();
    for (int i = 0; i < n; i++) {
      District d = districts.get(i);
      ids[i] = d.id();
      byId.put(d.id(), i);
      geometries[i] = d.geometry();
      areas[i] = d.geometry().getArea(); // degrees²: only compared between overlapping neighbours
      tree.insert(d.geometry().getEnvelopeInternal(), i);
    }
    tree.build();
    this.toleranceM = toleranceM;
  }

  /** Builds the locator; ids must be unique; {@code toleranceM} >= 0 is the reach for points outside. */
  public static DistrictLocator build(Collection<District> districts, double toleranceM) {
    if (!(toleranceM >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0 metres, got " + toleranceM);
    }
    Set<String> seen = new HashSet<>();
    for (District d : districts) {
      if (!seen.add(d.id())) {
        throw new IllegalArgumentException("duplicate district id '" + d.id() + "'");
      }
    }
    return new DistrictLocator(new ArrayList<>(districts), toleranceM);
  }

  public int size() {
    return ids.length;
  }

  public double toleranceM() {
    return toleranceM;
  }

  /** The geometry of a district, or null when the id is unknown. */
  public Geometry geometry(String id) {
    Integer i = byId.get(id);
    return i == null ? null : geometries[i];
  }

  private PreparedGeometry[] prepared() {
    PreparedGeometry[] p = prepared;
    if (p == null) {
      synchronized (this) {
        p = prepared;
        if (p == null) {
          p = new PreparedGeometry[geometries.length];
          for (int i = 0; i < p.length; i++) {
            p[i] = PreparedGeometryFactory.prepare(geometries[i]);
          }
          prepared = p;
        }
      }
    }
    return p;
  }

  /** Ids of every district whose polygon covers the point, smallest first. */
  public List<String> containing(double lon, double lat) {
    List<Integer> hits = containingIndices(lon, lat);
    hits.sort((a, b) -> areas[a] != areas[b] ? Double.compare(areas[a], areas[b]) : ids[a].compareTo(ids[b]));
    List<String> out = new ArrayList<>();
    for (int i : hits) {
      out.add(ids[i]);
    }
    return out;
  }

  private List<Integer> containingIndices(double lon, double lat) {
    PreparedGeometry[] p = prepared();
    Point pt = GF.createPoint(new Coordinate(lon, lat));
    List<Integer> hits = new ArrayList<>();
    for (Object o : tree.query(new Envelope(lon, lon, lat, lat))) {
      int i = (Integer) o;
      if (p[i].covers(pt)) {
        hits.add(i);
      }
    }
    return hits;
  }

  /** Locates a point given as lon, lat degrees. */
  public Match locate(double lon, double lat) {
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
      throw new IllegalArgumentException("lon/lat out of range: " + lon + ", " + lat);
    }
    int best = -1;
    for (int i : containingIndices(lon, lat)) {
      if (best < 0 || areas[i] < areas[best] || (areas[i] == areas[best] && ids[i].compareTo(ids[best]) < 0)) {
        best = i;
      }
    }
    if (best >= 0) {
      return new Match(ids[best], null, 0);
    }
    if (toleranceM == 0) {
      return new Match(null, null, Double.NaN);
    }
    int near = -1;
    double nearD = Double.POSITIVE_INFINITY;
    for (Object o : tree.query(Geodesic.envelopeWithin(lon, lat, toleranceM))) {
      int i = (Integer) o;
      double d = distanceM(lon, lat, geometries[i]);
      if (d <= toleranceM && (d < nearD || (d == nearD && ids[i].compareTo(ids[near]) < 0))) {
        near = i;
        nearD = d;
      }
    }
    return near < 0 ? new Match(null, null, Double.NaN) : new Match(null, ids[near], nearD);
  }

  /**
   * Distance in metres from a point outside a polygon to it: the polygon's nearest point is found
   * in a local frame where a degree of longitude is shrunk by cos(latitude) (locally conformal to
   * first order), and the distance is the exact geodesic to that point. It is an upper bound of
   * the true distance and within a small fraction of a percent of it at the few-kilometre reach
   * this is meant for.
   */
  static double distanceM(double lon, double lat, Geometry polygon) {
    double k = Math.cos(Math.toRadians(lat));
    AffineTransformation toLocal = new AffineTransformation().translate(-lon, -lat).scale(k, 1);
    Geometry local = toLocal.transform(polygon);
    Coordinate[] nearest = DistanceOp.nearestPoints(local, GF.createPoint(new Coordinate(0, 0)));
    Coordinate c = nearest[0];
    return Geodesic.distanceM(lon, lat, lon + c.x / k, lat + c.y);
  }
}
