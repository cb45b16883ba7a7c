package org.cercania.distance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.Inference;
import org.cercania.estimate.Truth;
import org.cercania.io.TableSchema;

/**
 * The distance results as tables (ring_effects, ring_event_study; schemas/) and as printed lines.
 * Simultaneous bands are Bonferroni bands (critical value at 1 - 0.025 / k over the k estimates they
 * cover, the outcome's bands for one estimator or one band's event times, of the distribution the
 * estimate's pointwise interval uses: normal, or Student t with its degrees of freedom), valid
 * without the estimates' joint covariance and conservative; the distance curve's bins estimated
 * jointly carry sup-t bands from their covariance instead.
 */
final class RingTables {
  private final SparkSession spark;
  private final RingDesign design;
  private final Truth truth;
  /** Data-driven bins: the width (metres) of the truth's grid cells the bins are read from; 0 for band terms. */
  private final long gridM;

  RingTables(SparkSession spark, RingDesign design, Truth truth, long gridM) {
    this.spark = spark;
    this.design = design;
    this.truth = truth;
    this.gridM = gridM;
  }

  private boolean district(RingEstimate r) {
    return r.family().equals("district");
  }

  private String term(RingEstimate r) {
    return district(r) ? "district" : design.term(r.band());
  }

  Double truth(RingEstimate r) {
    if (truth == null) {
      return null;
    }
    return gridM > 0 ? truth.binEffect(r.outcome(), Math.round(design.lowerM(r.band())), Math.round(design.upperM(r.band())), gridM)
        : truth.bandEffect(r.outcome(), term(r));
  }

  private static double bonferroni(int k, double df) {
    return Inference.studentQuantile(df, 1 - 0.025 / Math.max(1, k));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** The ring_effects (or, same columns, distance_curve) table, with Bonferroni uniform bands. */
  Dataset<Row> effects(List<RingEstimate> results, String schema) {
    return effects(results, schema, Map.of());
  }

  /**
   * The table with the uniform bands' critical values of {@code uniformCrit} (key outcome/estimator:
   * a sup-t value from the estimates' joint covariance) where given, Bonferroni's elsewhere.
   */
  Dataset<Row> effects(List<RingEstimate> results, String schema, Map<String, Double> uniformCrit) {
    Map<String, Integer> k = new HashMap<>();
    for (RingEstimate r : results) {
      k.merge(r.outcome() + "/" + r.estimator(), 1, Integer::sum);
    }
    List<Row> rows = new ArrayList<>();
    for (RingEstimate r : results) {
      String key = r.outcome() + "/" + r.estimator();
      Double c = uniformCrit.get(key);
      double u = (c != null && Double.isFinite(c) ? c : bonferroni(k.get(key), r.df())) * r.se();
      rows.add(RowFactory.create(r.family(), r.outcome(), r.estimator(), district(r) ? null : design.lowerM(r.band()),
          district(r) ? null : design.upperM(r.band()), r.estimate(), finite(r.se()), finite(r.confLow()), finite(r.confHigh()),
          finite(r.estimate() - u), finite(r.estimate() + u), finite(r.pValue()), r.units(), r.treated(), r.clusters(), r.truth()));
    }
    return spark.createDataFrame(rows, TableSchema.load(schema).structType());
  }

  Dataset<Row> events(List<RingEstimate> results) {
    List<Row> rows = new ArrayList<>();
    for (RingEstimate r : results) {
      double cu = bonferroni(r.events().size(), r.df());
      for (RingEstimate.EventTerm e : r.events()) {
        double z = r.crit();
        rows.add(RowFactory.create(r.family(), r.outcome(), r.estimator(), district(r) ? null : design.lowerM(r.band()),
            district(r) ? null : design.upperM(r.band()), e.e(), e.estimate(), finite(e.se()), finite(e.estimate() - z * e.se()),
            finite(e.estimate() + z * e.se()), finite(e.estimate() - cu * e.se()), finite(e.estimate() + cu * e.se()),
            truth == null ? null : truth.bandEventEffect(r.outcome(), term(r), e.e())));
      }
    }
    return spark.createDataFrame(rows, TableSchema.load("ring_event_study").structType());
  }

  /** The HonestDiD inputs (schemas/ring_honest_did.json) of the estimates that carry an event-study covariance. */
  Dataset<Row> honest(List<RingEstimate> results) {
    List<Row> rows = new ArrayList<>();
    for (RingEstimate r : results) {
      EventCovariance c = r.eventCovariance();
      if (c == null) {
        continue;
      }
      int pre = c.preTimes();
      int post = c.eventTimes().length - pre;
      for (int i = 0; i < c.eventTimes().length; i++) {
        for (int j = 0; j < c.eventTimes().length; j++) {
          rows.add(RowFactory.create(r.family(), r.outcome(), r.estimator(), district(r) ? null : design.lowerM(r.band()),
              district(r) ? null : design.upperM(r.band()), c.eventTimes()[i], c.eventTimes()[j], c.estimate()[i], c.vcov()[i][j],
              pre, post));
        }
      }
    }
    return spark.createDataFrame(rows, TableSchema.load("ring_honest_did").structType());
  }

  /** One line per estimate: the band, the number, its interval, the planted truth and whether it is covered. */
  List<String> describe(List<RingEstimate> results) {
    List<String> lines = new ArrayList<>();
    for (RingEstimate r : results) {
      String band = district(r) ? "district" : String.format(Locale.ROOT, "%4.1f-%4.1f km", design.lowerM(r.band()) / 1000,
          design.upperM(r.band()) / 1000);
      String s = String.format(Locale.ROOT,
          "%-8s %-25s %-11s %-12s %9.4f [%9.4f, %9.4f] p=%.3f n=%d treated=%d clusters=%d treated_clusters=%d", r.family(),
          r.outcome(), r.estimator(), band, r.estimate(), r.confLow(), r.confHigh(), r.pValue(), r.units(), r.treated(),
          r.clusters(), r.counts().treatedClusters());
      Double t = r.truth();
      if (t != null) {
        s += String.format(Locale.ROOT, "  planted %9.4f %s", t, r.confLow() <= t && t <= r.confHigh() ? "inside" : "OUTSIDE");
      }
      lines.add(s);
    }
    return lines;
  }
}
