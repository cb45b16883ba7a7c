package org.cercania.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.cercania.geo.DistrictAssignment;
import org.cercania.geo.DistrictLocator;

/**
 * A Peru-like country: a jittered grid of quadrilateral districts over Peru's bounding box, grouped
 * into 24 departments and their provinces with 6-digit UBIGEO codes, each with a town (where
 * centers open and around which schools and survey clusters lie) and a population.
 */
final class SyntheticCountry {
  static final double LON_MIN = -81.3;
  static final double LON_MAX = -68.7;
  static final double LAT_MIN = -18.3;
  static final double LAT_MAX = -0.1;

  /**
   * One district: code, names, polygon (WKT, lon/lat), town (NaN when no point of the polygon is the
   * district's own: no units are placed there), women in the first year, urban share, yearly population
   * growth factor and men per woman.
   */
  record District(String ubigeo, String name, String province, String department, String wkt, double townLon,
      double townLat, double women, double urban, double growth, double menPerWoman) {

    /** A synthetic district: growth 1% a year, 0.98 men per woman. */
    District(String ubigeo, String name, String province, String department, double[][] ring, double townLon,
        double townLat, double women, double urban) {
      this(ubigeo, name, province, department, wkt(ring), townLon, townLat, women, urban, 1.01, 0.98);
    }

    private static String wkt(double[][] ring) {
      StringBuilder b = new StringBuilder("POLYGON ((");
      for (int i = 0; i <= ring.length; i++) {
        double[] p = ring[i % ring.length];
        if (i > 0) {
          b.append(", ");
        }
        b.append(String.format(Locale.ROOT, "%.6f %.6f", p[0], p[1]));
      }
      return b.append("))").toString();
    }
  }

  private final List<District> districts;
  private final DistrictLocator locator;

  SyntheticCountry(List<District> districts, DistrictLocator locator) {
    this.districts = districts;
    this.locator = locator;
  }

  List<District> districts() {
    return districts;
  }

  /**
   * Whether a point belongs to the district as the pipeline assigns it (the smallest polygon covering
   * it, {@link DistrictAssignment}); always true on the synthetic grid, where units lie near their town.
   */
  boolean holds(District d, double lon, double lat) {
    if (locator == null) {
      return true;
    }
    DistrictLocator.Match m = locator.locate(lon, lat);
    return m.inside() && d.ubigeo().equals(m.containingId());
  }

  static SyntheticCountry generate(int n, SplittableRandom rnd) {
    // Grid with about the country's aspect ratio (cells roughly square on the ground).
    int cols = Math.max(6, (int) Math.round(Math.sqrt(n * 0.69)));
    int rows = (int) Math.ceil((double) n / cols);
    double dx = (LON_MAX - LON_MIN) / cols;
    double dy = (LAT_MAX - LAT_MIN) / rows;
    double[][][] corner = new double[rows + 1][cols + 1][];
    for (int r = 0; r <= rows; r++) {
      for (int c = 0; c <= cols; c++) {
        boolean edge = r == 0 || c == 0 || r == rows || c == cols;
        double jx = edge ? 0 : (rnd.nextDouble() - 0.5) * 0.5 * dx;
        double jy = edge ? 0 : (rnd.nextDouble() - 0.5) * 0.5 * dy;
        corner[r][c] = new double[] {LON_MIN + c * dx + jx, LAT_MIN + r * dy + jy};
      }
    }
    // Departments: a 6 x 4 block layout (24 departments); provinces: sub-blocks inside each.
    int depCols = 6;
    int depRows = 4;
    int[][] provinceCounter = new int[depCols * depRows][64];
    List<District> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int r = i / cols;
      int c = i % cols;
      int depC = Math.min(depCols - 1, c * depCols / cols);
      int depR = Math.min(depRows - 1, r * depRows / rows);
      int dep = depR * depCols + depC;
      int cellsPerDepC = (int) Math.ceil((double) cols / depCols);
      int cellsPerDepR = (int) Math.ceil((double) rows / depRows);
      int prov = ((c % cellsPerDepC) / 3) + 3 * ((r % cellsPerDepR) / 3);
      int seq = ++provinceCounter[dep][prov];
      String ubigeo = String.format(Locale.ROOT, "%02d%02d%02d", dep + 1, prov + 1, seq);
      double[][] ring = {corner[r][c], corner[r][c + 1], corner[r + 1][c + 1], corner[r + 1][c]};
      // Town: near the cell's center, well inside the jittered quadrilateral.
      double cx = (ring[0][0] + ring[1][0] + ring[2][0] + ring[3][0]) / 4;
      double cy = (ring[0][1] + ring[1][1] + ring[2][1] + ring[3][1]) / 4;
      double tx = cx + (rnd.nextDouble() - 0.5) * 0.2 * dx;
      double ty = cy + (rnd.nextDouble() - 0.5) * 0.2 * dy;
      // Population: log-normal, a few large cities.
      double women = Math.exp(Math.log(5000) + 1.0 * gaussian(rnd));
      if (rnd.nextDouble() < 0.02) {
        women *= 15;
      }
      women = Math.max(300, Math.min(women, 400_000));
      double urban = Math.min(1, women / 40_000);
      out.add(new District(ubigeo, "Distrito " + ubigeo, "Provincia " + ubigeo.substring(0, 4),
          "Departamento " + ubigeo.substring(0, 2), ring, tx, ty, Math.rint(women), urban));
    }
    return new SyntheticCountry(out, null);
  }

  static double gaussian(SplittableRandom rnd) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
