package org.cercania.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.TableSchema;

/**
 * The validation of the distance curve over seeds (issue 10's planted decay). Each seed's curve has its own
 * data-driven bins, so bins are matched by their index k in order of distance (1 = nearest). Per family, outcome,
 * estimator and k: mean edges, mean planted effect, mean bias, mean SE, SD of the estimates, pointwise and uniform
 * coverage, rejection rate, and whether the bin lies beyond the planted reach in every seed; coverage and
 * rejection also over the published bin estimates only, those identified by at least {@code minTreated} treated
 * units (the small-cell rule's k, as in {@link ValidationSummary}) (schemas/validation_curve.json). Per curve
 * (schemas/validation_curve_summary.json), over every seed: the share of seeds whose uniform band covers the planted
 * effect in every bin, the share whose first bin is larger in magnitude than its last, and the rejection rate
 * pooled over the bin estimates lying beyond the reach in their own seed. A planted
 * truth that is null counts as 0 (as in {@link ValidationSummary}); a missing interval, band or p value covers
 * nothing and rejects nothing.
 */
public final class CurveSummary {
  /** Half-width of the tolerance comparing a bin's lower edge with the reach (edges are multiples of 250 m). */
  private static final double EDGE_TOLERANCE_M = 1e-6;

  private final Double reachM;
  private final long minTreated;
  private final Map<String, List<List<SeedCurve.Bin>>> byKey = new LinkedHashMap<>();

  /**
   * reachM: the planted reach in metres (exponential profile), or null when the profile has none; minTreated: the
   * treated units a published bin estimate needs.
   */
  public CurveSummary(Double reachM, long minTreated) {
    this.reachM = reachM;
    this.minTreated = minTreated;
  }

  /** One seed's curve rows (any order; each outcome's bins are ordered by distance here). */
  public void add(List<SeedCurve.Bin> rows) {
    Map<String, List<SeedCurve.Bin>> seed = new LinkedHashMap<>();
    for (SeedCurve.Bin b : rows) {
      seed.computeIfAbsent(b.family() + "\u0000" + b.outcome() + "\u0000" + b.estimator(), k -> new ArrayList<>()).add(b);
    }
    seed.forEach((k, bins) -> {
      List<SeedCurve.Bin> sorted = new ArrayList<>(bins);
      sorted.sort(Comparator.comparingDouble(SeedCurve.Bin::lowerM));
      byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(List.copyOf(sorted));
    });
  }

  /** One bin index's numbers over the seeds; beyondReach null without a planted reach. */
  public record BinLine(String family, String outcome, String estimator, int bin, int seeds, double lowerM, double upperM,
      double truth, double bias, double meanSe, double sdEstimate, double coverage, double uniformCoverage, double rejection,
      Boolean beyondReach, int seedsPublished, double coveragePublished, double rejectionPublished) {}

  /** One curve's checks over the seeds; nearExceedsFar and beyondReachRejection NaN when nothing to count. */
  public record CurveLine(String family, String outcome, String estimator, int seeds, int minBins, int maxBins,
      double uniformCoverage, double nearExceedsFar, Boolean meanNearExceedsFar, int beyondReachBins, double beyondReachRejection) {}

  public List<BinLine> bins() {
    List<BinLine> out = new ArrayList<>();
    for (List<List<SeedCurve.Bin>> curves : byKey.values()) {
      int most = curves.stream().mapToInt(List::size).max().orElse(0);
      for (int k = 0; k < most; k++) {
        List<SeedCurve.Bin> at = new ArrayList<>();
        for (List<SeedCurve.Bin> c : curves) {
          if (k < c.size()) {
            at.add(c.get(k));
          }
        }
        out.add(binLine(at, k + 1));
      }
    }
    return out;
  }

  private BinLine binLine(List<SeedCurve.Bin> at, int k) {
    SeedCurve.Bin f = at.get(0);
    int n = at.size();
    double lower = 0;
    double upper = 0;
    double truth = 0;
    double bias = 0;
    double mean = 0;
    double cover = 0;
    double uniform = 0;
    double reject = 0;
    double se = 0;
    int withSe = 0;
    boolean beyond = true;
    for (SeedCurve.Bin b : at) {
      double t = truth(b);
      lower += b.lowerM() / n;
      upper += b.upperM() / n;
      truth += t / n;
      bias += (b.estimate() - t) / n;
      mean += b.estimate() / n;
      cover += (covers(b.confLow(), b.confHigh(), t) ? 1.0 : 0.0) / n;
      uniform += (covers(b.uniformLow(), b.uniformHigh(), t) ? 1.0 : 0.0) / n;
      reject += (rejects(b) ? 1.0 : 0.0) / n;
      if (b.se() != null && Double.isFinite(b.se())) {
        se += b.se();
        withSe++;
      }
      beyond &= beyondReach(b);
    }
    double ss = 0;
    int published = 0;
    int coverPublished = 0;
    int rejectPublished = 0;
    for (SeedCurve.Bin b : at) {
      ss += (b.estimate() - mean) * (b.estimate() - mean);
      if (b.treated() >= minTreated) {
        published++;
        coverPublished += covers(b.confLow(), b.confHigh(), truth(b)) ? 1 : 0;
        rejectPublished += rejects(b) ? 1 : 0;
      }
    }
    return new BinLine(f.family(), f.outcome(), f.estimator(), k, n, lower, upper, truth, bias, withSe > 0 ? se / withSe : Double.NaN,
        n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, cover, uniform, reject, reachM == null ? null : beyond, published,
        published > 0 ? (double) coverPublished / published : Double.NaN, published > 0 ? (double) rejectPublished / published : Double.NaN);
  }

  public List<CurveLine> curves() {
    List<CurveLine> out = new ArrayList<>();
    for (List<List<SeedCurve.Bin>> curves : byKey.values()) {
      SeedCurve.Bin f = curves.get(0).get(0);
      int n = curves.size();
      int minBins = Integer.MAX_VALUE;
      int maxBins = 0;
      int uniform = 0;
      int withTwo = 0;
      int nearFar = 0;
      double firstSum = 0;
      double lastSum = 0;
      int beyond = 0;
      int beyondRejected = 0;
      for (List<SeedCurve.Bin> c : curves) {
        minBins = Math.min(minBins, c.size());
        maxBins = Math.max(maxBins, c.size());
        boolean all = true;
        for (SeedCurve.Bin b : c) {
          all &= covers(b.uniformLow(), b.uniformHigh(), truth(b));
          if (reachM != null && beyondReach(b)) {
            beyond++;
            beyondRejected += rejects(b) ? 1 : 0;
          }
        }
        uniform += all ? 1 : 0;
        if (c.size() >= 2) {
          withTwo++;
          nearFar += Math.abs(c.get(0).estimate()) > Math.abs(c.get(c.size() - 1).estimate()) ? 1 : 0;
          firstSum += c.get(0).estimate();
          lastSum += c.get(c.size() - 1).estimate();
        }
      }
      out.add(new CurveLine(f.family(), f.outcome(), f.estimator(), n, minBins, maxBins, (double) uniform / n,
          withTwo > 0 ? (double) nearFar / withTwo : Double.NaN, withTwo > 0 ? Math.abs(firstSum) > Math.abs(lastSum) : null, beyond,
          beyond > 0 ? (double) beyondRejected / beyond : Double.NaN));
    }
    return out;
  }

  private static double truth(SeedCurve.Bin b) {
    return b.truth() == null ? 0 : b.truth();
  }

  private static boolean covers(Double low, Double high, double t) {
    return low != null && high != null && low <= t && t <= high;
  }

  private static boolean rejects(SeedCurve.Bin b) {
    return b.pValue() != null && b.pValue() < 0.05;
  }

  /** The bin (lower, upper] lies entirely beyond the reach: its lower edge is at or past it. */
  private boolean beyondReach(SeedCurve.Bin b) {
    return reachM != null && b.lowerM() >= reachM - EDGE_TOLERANCE_M;
  }

  public Dataset<Row> binTable(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (BinLine l : bins()) {
      rows.add(RowFactory.create(l.family(), l.outcome(), l.estimator(), l.bin(), l.seeds(), l.lowerM(), l.upperM(), l.truth(), l.bias(),
          orNull(l.meanSe()), orNull(l.sdEstimate()), l.coverage(), l.uniformCoverage(), l.rejection(), l.beyondReach(),
          l.seedsPublished(), orNull(l.coveragePublished()), orNull(l.rejectionPublished())));
    }
    return spark.createDataFrame(rows, TableSchema.load("validation_curve").structType());
  }

  public Dataset<Row> curveTable(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (CurveLine l : curves()) {
      rows.add(RowFactory.create(l.family(), l.outcome(), l.estimator(), l.seeds(), l.minBins(), l.maxBins(), l.uniformCoverage(),
          orNull(l.nearExceedsFar()), l.meanNearExceedsFar(), l.beyondReachBins(), orNull(l.beyondReachRejection())));
    }
    return spark.createDataFrame(rows, TableSchema.load("validation_curve_summary").structType());
  }

  private static Double orNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  public static String binHeader() {
    return String.format(Locale.ROOT, "%-6s %-25s %-10s %3s %-10s %5s %9s %9s %9s %9s %8s %8s %8s %6s %9s %8s %8s", "family",
        "outcome", "estimator", "bin", "mean km", "seeds", "planted", "bias", "mean se", "sd est", "coverage", "uniform", "reject",
        "beyond", "published", "coverage", "reject");
  }

  public static String describe(BinLine l) {
    return String.format(Locale.ROOT,
        "%-6s %-25s %-10s %3d %4.2f-%5.2f %5d %9.4f %9.4f %9.4f %9.4f %7.0f%% %7.0f%% %7.0f%% %6s %9d %8s %8s", l.family(), l.outcome(), l.estimator(), l.bin(), l.lowerM() / 1000, l.upperM() / 1000, l.seeds(), l.truth(), l.bias(),
        l.meanSe(), l.sdEstimate(), 100 * l.coverage(), 100 * l.uniformCoverage(), 100 * l.rejection(),
        l.beyondReach() == null ? "-" : l.beyondReach() ? "yes" : "no", l.seedsPublished(), percent(l.coveragePublished()),
        percent(l.rejectionPublished()));
  }

  public static String curveHeader() {
    return String.format(Locale.ROOT, "%-6s %-25s %-10s %5s %5s %15s %15s %15s %12s %13s", "family", "outcome", "estimator", "seeds",
        "bins", "uniform covers", "near > far", "mean near > far", "beyond bins", "beyond reject");
  }

  public static String describe(CurveLine l) {
    String bins = l.minBins() == l.maxBins() ? String.valueOf(l.minBins()) : l.minBins() + "-" + l.maxBins();
    return String.format(Locale.ROOT, "%-6s %-25s %-10s %5d %5s %14.0f%% %14s %15s %12d %13s", l.family(), l.outcome(), l.estimator(),
        l.seeds(), bins, 100 * l.uniformCoverage(), percent(l.nearExceedsFar()),
        l.meanNearExceedsFar() == null ? "-" : l.meanNearExceedsFar() ? "yes" : "no", l.beyondReachBins(), percent(l.beyondReachRejection()));
  }

  private static String percent(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "-";
  }
}
