package org.cercania.geo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.index.strtree.AbstractNode;
import org.locationtech.jts.index.strtree.Boundable;
import org.locationtech.jts.index.strtree.ItemBoundable;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * The centers of a study, indexed for "what does a unit at (lon, lat) see in each year".
 *
 * <p>Built on the driver from a JTS {@link STRtree} (its sort-tile-recursive packing), then flattened
 * into arrays in which every node also carries the bit mask of years in which some center below it
 * is open. A query walks the tree best-first (Hjaltason and Samet's incremental nearest neighbour)
 * ordered by a provable lower bound of the geodesic distance ({@link Geodesic#lowerBoundToBoxM}),
 * computes the exact geodesic distance of a center only when it reaches the front of the queue, and
 * so meets centers in increasing exact distance. A center that can no longer be any year's nearest
 * (every year it is open in is already resolved) only counts in rings: a tight bracket
 * ({@link Geodesic#boundsM}) places it, and the exact distance is computed only when a ring
 * radius falls inside the bracket. It stops once it is past the largest ring and every
 * year that has an open center somewhere has found its nearest one; subtrees beyond the largest ring
 * whose centers are open in no still-unresolved year are never opened. One walk per unit gives every
 * year's answer. Ties in distance go to the smaller center id.
 *
 * <p>Serializable (plain arrays) for a Spark broadcast; a query allocates only its small result and
 * queue, so one instance serves many threads.
 */
public final class CenterIndex implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int NODE_CAPACITY = 8;

  /** One center: id, location (degrees) and dates as epoch days ({@code closedOn} null while open). */
  public record Center(String id, double lon, double lat, long openedOn, Long closedOn) implements Serializable {
    public Center {
      if (id == null) {
        throw new IllegalArgumentException("center id is null");
      }
      if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
        throw new IllegalArgumentException("center " + id + ": lon/lat out of range: " + lon + ", " + lat);
      }
    }
  }

  private final YearWindow window;
  private final int totalCenters;
  // Items: centers open in at least one year of the window, sorted by id (index order = tie order).
  private final String[] ids;
  private final double[] lon;
  private final double[] lat;
  private final double[] phi;
  private final double[] cosPhi;
  private final long[] mask;
  // Nodes: children[first[n] .. first[n]+count[n]) holds node indices (>= 0) or items as -(i + 1).
  private final double[] minLon;
  private final double[] minLat;
  private final double[] maxLon;
  private final double[] maxLat;
  private final long[] nodeMask;
  private final int[] first;
  private final int[] count;
  private final int[] children;
  private final int root;

  private CenterIndex(YearWindow window, int totalCenters, List<Center> items, long[] itemMask) {
    this.window = window;
    this.totalCenters = totalCenters;
    int n = items.size();
    ids = new String[n];
    lon = new double[n];
    lat = new double[n];
    phi = new double[n];
    cosPhi = new double[n];
    mask = itemMask;
    STRtree tree = new STRtree(NODE_CAPACITY);
    for (int i = 0; i < n; i++) {
      Center c = items.get(i);
      ids[i] = c.id();
      lon[i] = c.lon();
      lat[i] = c.lat();
      phi[i] = Math.toRadians(c.lat());
      cosPhi[i] = Math.cos(phi[i]);
      tree.insert(new Envelope(c.lon(), c.lon(), c.lat(), c.lat()), i);
    }
    tree.build();
    Flattener f = new Flattener();
    root = n == 0 ? -1 : f.add(tree.getRoot());
    int m = f.nodes.size();
    minLon = new double[m];
    minLat = new double[m];
    maxLon = new double[m];
    maxLat = new double[m];
    nodeMask = new long[m];
    first = new int[m];
    count = new int[m];
    children = f.children.stream().mapToInt(Integer::intValue).toArray();
    for (int k = 0; k < m; k++) {
      Envelope e = (Envelope) f.nodes.get(k).getBounds();
      minLon[k] = e.getMinX();
      maxLon[k] = e.getMaxX();
      minLat[k] = e.getMinY();
      maxLat[k] = e.getMaxY();
      first[k] = f.first.get(k);
      count[k] = f.count.get(k);
    }
    // Children are added after their parent, so a reverse sweep sees children first.
    for (int k = m - 1; k >= 0; k--) {
      long mk = 0;
      for (int j = first[k]; j < first[k] + count[k]; j++) {
        int c = children[j];
        mk |= c >= 0 ? nodeMask[c] : mask[-c - 1];
      }
      nodeMask[k] = mk;
    }
  }

  private static final class Flattener {
    final List<AbstractNode> nodes = new ArrayList<>();
    final List<Integer> first = new ArrayList<>();
    final List<Integer> count = new ArrayList<>();
    final List<Integer> children = new ArrayList<>();

    int add(AbstractNode node) {
      int k = nodes.size();
      nodes.add(node);
      first.add(0);
      count.add(0);
      List<?> kids = node.getChildBoundables();
      int[] refs = new int[kids.size()];
      for (int j = 0; j < refs.length; j++) {
        Boundable b = (Boundable) kids.get(j);
        refs[j] = b instanceof AbstractNode an ? add(an) : -((Integer) ((ItemBoundable) b).getItem()) - 1;
      }
      first.set(k, children.size());
      count.set(k, refs.length);
      for (int r : refs) {
        children.add(r);
      }
      return k;
    }
  }

  /**
   * Indexes the centers for the window. Centers open in no year of the window are left out (they
   * can be nobody's nearest open center nor count in a ring). Duplicate ids are an error.
   */
  public static CenterIndex build(Collection<Center> centers, YearWindow window) {
    List<Center> sorted = new ArrayList<>(centers);
    sorted.sort(Comparator.comparing(Center::id));
    Set<String> seen = new HashSet<>();
    List<Center> items = new ArrayList<>();
    List<Long> masks = new ArrayList<>();
    for (Center c : sorted) {
      if (!seen.add(c.id())) {
        throw new IllegalArgumentException("duplicate center id '" + c.id() + "'");
      }
      long m = window.openMask(c.openedOn(), c.closedOn());
      if (m != 0) {
        items.add(c);
        masks.add(m);
      }
    }
    return new CenterIndex(window, sorted.size(), items, masks.stream().mapToLong(Long::longValue).toArray());
  }

  public YearWindow window() {
    return window;
  }

  /** Centers given to {@link #build}. */
  public int totalCenters() {
    return totalCenters;
  }

  /** Centers open in at least one year of the window (the ones indexed). */
  public int indexedCenters() {
    return ids.length;
  }

  /** Bit mask of years in which at least one center is open. */
  public long yearsWithOpenCenter() {
    return root < 0 ? 0 : nodeMask[root];
  }

  /**
   * Nearest open center per year and open-center counts per ring and year for a unit at
   * (lon, lat). {@code radiiM} must be ascending and positive (metres).
   */
  public UnitExposure query(double unitLon, double unitLat, double[] radiiM) {
    checkRadii(radiiM);
    if (!(unitLat >= -90 && unitLat <= 90 && unitLon >= -180 && unitLon <= 180)) {
      throw new IllegalArgumentException("lon/lat out of range: " + unitLon + ", " + unitLat);
    }
    UnitExposure out = new UnitExposure(window, radiiM.length);
    if (root < 0) {
      return out;
    }
    double maxR = radiiM.length == 0 ? -1 : radiiM[radiiM.length - 1];
    double uPhi = Math.toRadians(unitLat);
    double uCos = Math.cos(uPhi);
    long unresolved = nodeMask[root];
    Queue q = new Queue();
    double[] bracket = new double[2];
    q.push(lowerBoundNode(root, unitLon, unitLat), Queue.NODE, root);
    while (q.size > 0) {
      double key = q.topKey();
      if (key > maxR && unresolved == 0) {
        break;
      }
      byte kind = q.topKind();
      int ref = q.topRef();
      q.pop();
      if (kind == Queue.NODE) {
        if (key > maxR && (nodeMask[ref] & unresolved) == 0) {
          continue;
        }
        for (int j = first[ref], end = first[ref] + count[ref]; j < end; j++) {
          int c = children[j];
          if (c >= 0) {
            if ((nodeMask[c] & unresolved) == 0 && minLowerBoundExceeds(c, unitLon, unitLat, maxR)) {
              continue;
            }
            q.push(lowerBoundNode(c, unitLon, unitLat), Queue.NODE, c);
          } else {
            int i = -c - 1;
            double lb = Geodesic.lowerBoundFromAngleM(
                Geodesic.centralAngleRad(uPhi, uCos, phi[i], cosPhi[i], Math.toRadians(lon[i] - unitLon)));
            if (lb > maxR && (mask[i] & unresolved) == 0) {
              continue;
            }
            q.push(lb, Queue.ITEM_BOUND, i);
          }
        }
      } else if (kind == Queue.ITEM_BOUND) {
        boolean candidate = (mask[ref] & unresolved) != 0;
        if (key > maxR && !candidate) {
          continue;
        }
        if (candidate) {
          // It may be some year's nearest: its exact distance decides the order.
          q.push(Geodesic.distanceM(unitLon, unitLat, lon[ref], lat[ref]), Queue.ITEM_EXACT, ref);
        } else {
          // Only the rings care about it, and order does not matter for counts: the tight bracket
          // settles every ring it is not within a few metres of; the exact distance settles the rest.
          Geodesic.boundsM(unitLon, unitLat, lon[ref], lat[ref], bracket);
          double lo = Math.max(key, bracket[0]);
          double hi = bracket[1];
          double exact = Double.NaN;
          for (int r = 0; r < radiiM.length; r++) {
            boolean in;
            if (radiiM[r] >= hi) {
              in = true;
            } else if (radiiM[r] < lo) {
              in = false;
            } else {
              if (Double.isNaN(exact)) {
                exact = Geodesic.distanceM(unitLon, unitLat, lon[ref], lat[ref]);
              }
              in = exact <= radiiM[r];
            }
            if (in) {
              addToRing(out, r, mask[ref]);
            }
          }
        }
      } else {
        // Every key left in the queue is a lower bound of a distance not yet seen, so this is the
        // next center in exact distance order.
        long m = mask[ref];
        for (int r = 0; r < radiiM.length; r++) {
          if (key <= radiiM[r]) {
            addToRing(out, r, m);
          }
        }
        for (long bits = m & unresolved; bits != 0; bits &= bits - 1) {
          int y = Long.numberOfTrailingZeros(bits);
          out.nearestId[y] = ids[ref];
          out.nearestDistanceM[y] = key;
        }
        unresolved &= ~m;
      }
    }
    return out;
  }

  private static void addToRing(UnitExposure out, int r, long m) {
    out.everWithinMask[r] |= m;
    int[] w = out.within[r];
    for (long bits = m; bits != 0; bits &= bits - 1) {
      w[Long.numberOfTrailingZeros(bits)]++;
    }
  }

  private boolean minLowerBoundExceeds(int node, double unitLon, double unitLat, double maxR) {
    return lowerBoundNode(node, unitLon, unitLat) > maxR;
  }

  private double lowerBoundNode(int k, double unitLon, double unitLat) {
    return Geodesic.lowerBoundToBoxM(unitLon, unitLat, minLon[k], minLat[k], maxLon[k], maxLat[k]);
  }

  /**
   * Ids of the centers open in year {@code year} within {@code radiusM} metres (geodesic,
   * inclusive), nearest first. A plain reference path used by tests and small callers.
   */
  public List<String> openWithin(double unitLon, double unitLat, double radiusM, int year) {
    int y = year - window.fromYear();
    long bit = y >= 0 && y < window.years() ? 1L << y : 0;
    List<double[]> hits = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      if ((mask[i] & bit) != 0 && Geodesic.lowerBoundM(unitLon, unitLat, lon[i], lat[i]) <= radiusM) {
        double d = Geodesic.distanceM(unitLon, unitLat, lon[i], lat[i]);
        if (d <= radiusM) {
          hits.add(new double[] {d, i});
        }
      }
    }
    hits.sort(Comparator.<double[]>comparingDouble(h -> h[0]).thenComparingDouble(h -> h[1]));
    List<String> out = new ArrayList<>();
    for (double[] h : hits) {
      out.add(ids[(int) h[1]]);
    }
    return out;
  }

  static void checkRadii(double[] radiiM) {
    for (int r = 0; r < radiiM.length; r++) {
      if (!(radiiM[r] > 0) || (r > 0 && !(radiiM[r] > radiiM[r - 1]))) {
        throw new IllegalArgumentException("radii must be positive and strictly ascending: " + Arrays.toString(radiiM));
      }
    }
  }

  /** A binary min-heap of (key, kind, ref); at equal keys nodes and bounds come before exact items, then smaller refs. */
  private static final class Queue {
    static final byte NODE = 0;
    static final byte ITEM_BOUND = 1;
    static final byte ITEM_EXACT = 2;
    double[] keys = new double[32];
    byte[] kinds = new byte[32];
    int[] refs = new int[32];
    int size;

    void push(double key, byte kind, int ref) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        kinds = Arrays.copyOf(kinds, size * 2);
        refs = Arrays.copyOf(refs, size * 2);
      }
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (!less(key, kind, ref, keys[p], kinds[p], refs[p])) {
          break;
        }
        keys[i] = keys[p];
        kinds[i] = kinds[p];
        refs[i] = refs[p];
        i = p;
      }
      keys[i] = key;
      kinds[i] = kind;
      refs[i] = ref;
    }

    double topKey() {
      return keys[0];
    }

    byte topKind() {
      return kinds[0];
    }

    int topRef() {
      return refs[0];
    }

    void pop() {
      size--;
      if (size == 0) {
        return;
      }
      double key = keys[size];
      byte kind = kinds[size];
      int ref = refs[size];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= size) {
          break;
        }
        if (c + 1 < size && less(keys[c + 1], kinds[c + 1], refs[c + 1], keys[c], kinds[c], refs[c])) {
          c++;
        }
        if (!less(keys[c], kinds[c], refs[c], key, kind, ref)) {
          break;
        }
        keys[i] = keys[c];
        kinds[i] = kinds[c];
        refs[i] = refs[c];
        i = c;
      }
      keys[i] = key;
      kinds[i] = kind;
      refs[i] = ref;
    }

    private static boolean less(double k1, byte t1, int r1, double k2, byte t2, int r2) {
      if (k1 != k2) {
        return k1 < k2;
      }
      if (t1 != t2) {
        return t1 < t2;
      }
      return r1 < r2;
    }
  }
}
