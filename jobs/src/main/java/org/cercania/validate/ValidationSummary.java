package org.cercania.validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.distance.RingDesign;
import org.cercania.distance.RingEstimate;
import org.cercania.io.TableSchema;

/**
 * The validation study's summary: per outcome, estimator and band, over the seeds, the mean bias
 * against the planted band effect, the mean SE against the standard deviation of the estimates
 * (SE calibration), the coverage of the planted effect by the 95% interval and the share of seeds
 * with p &lt; 0.05 (the rejection rate; the size of the test when nothing is planted). Coverage and
 * rejection are also given over the published estimates only: those identified by at least
 * {@code minTreated} treated units (the small-cell rule's k; fewer are published suppressed).
 */
public final class ValidationSummary {
  private final RingDesign design;
  private final long minTreated;
  private final Map<String, List<RingEstimate>> byKey = new LinkedHashMap<>();

  public ValidationSummary(RingDesign design, long minTreated) {
    this.design = design;
    this.minTreated = minTreated;
  }

  /** One seed's estimates (each with its truth). */
  public void add(List<RingEstimate> estimates) {
    for (RingEstimate r : estimates) {
      byKey.computeIfAbsent(r.outcome() + "\u0000" + r.estimator() + "\u0000" + r.band(), k -> new ArrayList<>()).add(r);
    }
  }

  /** One summary line's numbers. */
  public record Line(String family, String outcome, String estimator, Double lowerM, Double upperM, int seeds, double truth,
      double bias, double meanSe, double sdEstimate, double coverage, double rejection, int seedsPublished,
      double coveragePublished, double rejectionPublished) {}

  public List<Line> lines() {
    List<Line> out = new ArrayList<>();
    for (List<RingEstimate> rs : byKey.values()) {
      RingEstimate f = rs.get(0);
      int n = rs.size();
      double truth = 0;
      double bias = 0;
      double se = 0;
      double mean = 0;
      double cover = 0;
      double reject = 0;
      for (RingEstimate r : rs) {
        double t = r.truth() == null ? 0 : r.truth();
        truth += t / n;
        bias += (r.estimate() - t) / n;
        se += r.se() / n;
        mean += r.estimate() / n;
        cover += (r.confLow() <= t && t <= r.confHigh() ? 1.0 : 0.0) / n;
        reject += (r.pValue() < 0.05 ? 1.0 : 0.0) / n;
      }
      double ss = 0;
      int published = 0;
      double coverPublished = 0;
      double rejectPublished = 0;
      for (RingEstimate r : rs) {
        ss += (r.estimate() - mean) * (r.estimate() - mean);
        if (r.treated() >= minTreated) {
          double t = r.truth() == null ? 0 : r.truth();
          published++;
          coverPublished += r.confLow() <= t && t <= r.confHigh() ? 1 : 0;
          rejectPublished += r.pValue() < 0.05 ? 1 : 0;
        }
      }
      boolean district = f.family().equals("district");
      out.add(new Line(f.family(), f.outcome(), f.estimator(), district ? null : design.lowerM(f.band()),
          district ? null : design.upperM(f.band()), n, truth, bias, se, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, cover, reject,
          published, published > 0 ? coverPublished / published : Double.NaN, published > 0 ? rejectPublished / published : Double.NaN));
    }
    return out;
  }

  public Dataset<Row> table(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (Line l : lines()) {
      rows.add(RowFactory.create(l.family(), l.outcome(), l.estimator(), l.lowerM(), l.upperM(), l.seeds(), l.truth(), l.bias(),
          l.meanSe(), Double.isFinite(l.sdEstimate()) ? l.sdEstimate() : null, l.coverage(), l.rejection(), l.seedsPublished(),
          l.seedsPublished() > 0 ? l.coveragePublished() : null, l.seedsPublished() > 0 ? l.rejectionPublished() : null));
    }
    return spark.createDataFrame(rows, TableSchema.load("validation").structType());
  }

  public static String header() {
    return String.format(Locale.ROOT, "%-8s %-25s %-11s %-11s %5s %9s %9s %9s %9s %8s %8s %9s %8s %8s", "family", "outcome", "estimator",
        "band km", "seeds", "planted", "bias", "mean se", "sd est", "coverage", "reject", "published", "coverage", "reject");
  }

  public static String describe(Line l) {
    String band = l.lowerM() == null ? "district" : String.format(Locale.ROOT, "%4.1f-%4.1f", l.lowerM() / 1000, l.upperM() / 1000);
    return String.format(Locale.ROOT, "%-8s %-25s %-11s %-11s %5d %9.4f %9.4f %9.4f %9.4f %7.0f%% %7.0f%% %9d %7.0f%% %7.0f%%", l.family(),
        l.outcome(), l.estimator(), band, l.seeds(), l.truth(), l.bias(), l.meanSe(), l.sdEstimate(), 100 * l.coverage(),
        100 * l.rejection(), l.seedsPublished(), 100 * l.coveragePublished(), 100 * l.rejectionPublished());
  }
}
