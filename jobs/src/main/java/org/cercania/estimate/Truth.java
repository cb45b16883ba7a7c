package org.cercania.estimate;

import static org.apache.spark.sql.functions.col;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Inputs;
import org.cercania.io.TableSchema;

/**
 * The planted effects of a synthetic study (the sample's truth.csv), summarised the way each
 * estimate reads them: per outcome and ring, the average effect over the unit-years in that ring;
 * per outcome and event time, the average inner-ring effect at that many years from the cohort.
 * The table is small (outcome x ring x cohort x year), so it is read on the driver.
 */
public final class Truth {
  private final Map<String, double[]> byRing = new HashMap<>();
  private final Map<String, Map<Integer, double[]>> byEvent = new HashMap<>();
  /** outcome/term of a distance band (band_LO_HI or district): post-entry unit-years. */
  private final Map<String, double[]> byBand = new HashMap<>();
  /** outcome/term of a distance band: event time (year - entry year) to unit-years. */
  private final Map<String, Map<Integer, double[]>> byBandEvent = new HashMap<>();

  private Truth() {}

  public static Truth read(SparkSession spark, String file) {
    Dataset<Row> t = TableSchema.load("truth").conform(Inputs.readTable(spark, file, "csv"));
    Truth truth = new Truth();
    for (Row r : t.select(col("outcome"), col("term"), col("cohort"), col("year"), col("effect"), col("units")).collectAsList()) {
      String outcome = r.getString(0);
      double w = r.getLong(5);
      String term = r.getString(1);
      if (term.startsWith("band_") || term.startsWith("grid_") || term.equals("district")) {
        int e = r.getInt(3) - r.getInt(2);
        add(truth.byBandEvent.computeIfAbsent(outcome + "/" + term, k -> new HashMap<>()).computeIfAbsent(e, k -> new double[2]),
            w, r.getDouble(4));
        if (e >= 0) {
          add(truth.byBand.computeIfAbsent(outcome + "/" + term, k -> new double[2]), w, r.getDouble(4));
        }
        continue;
      }
      double[] a = truth.byRing.computeIfAbsent(outcome + "/" + r.getString(1), k -> new double[2]);
      a[0] += w * r.getDouble(4);
      a[1] += w;
      if (r.getString(1).equals("ring1") && r.getInt(2) > 0) {
        double[] e = truth.byEvent.computeIfAbsent(outcome, k -> new HashMap<>()).computeIfAbsent(r.getInt(3) - r.getInt(2),
            k -> new double[2]);
        e[0] += w * r.getDouble(4);
        e[1] += w;
      }
    }
    return truth;
  }

  private static void add(double[] a, double w, double effect) {
    a[0] += w * effect;
    a[1] += w;
  }

  /**
   * Average planted effect over the post-entry unit-years of the units that entered exposure in a
   * distance band (term band_LO_HI in metres, or district): the parameter of the band's overall
   * ATT (cs simple aggregation, Sun-Abraham's and imputation's ATT); null when no unit entered it.
   */
  public Double bandEffect(String outcome, String term) {
    double[] a = byBand.get(outcome + "/" + term);
    return a == null || a[1] == 0 ? null : a[0] / a[1];
  }

  /**
   * Average planted effect over the post-entry unit-years of the units that entered exposure between
   * {@code lowerM} and {@code upperM} metres (multiples of {@code cellM}: the sample's grid_LO_HI
   * cells); null when no unit did.
   */
  public Double binEffect(String outcome, long lowerM, long upperM, long cellM) {
    double s = 0;
    double w = 0;
    for (long lo = lowerM; lo < upperM; lo += cellM) {
      double[] a = byBand.get(outcome + "/grid_" + lo + "_" + (lo + cellM));
      if (a != null) {
        s += a[0];
        w += a[1];
      }
    }
    return w == 0 ? null : s / w;
  }

  /** Average planted effect of a band's units at event time e (0 before entry); null when none is there. */
  public Double bandEventEffect(String outcome, String term, int e) {
    double[] a = byBandEvent.getOrDefault(outcome + "/" + term, Map.of()).get(e);
    return a == null || a[1] == 0 ? null : a[0] / a[1];
  }

  /** Average planted effect of being in {@code ring} for {@code outcome}; 0 when no unit-year was there. */
  public Double ringEffect(String outcome, String ring) {
    double[] a = byRing.get(outcome + "/" + ring);
    return a == null || a[1] == 0 ? 0.0 : a[0] / a[1];
  }

  /** Average planted inner-ring effect at event time e (end points bin everything beyond); 0 before treatment. */
  public Double eventEffect(String outcome, int e, int min, int max) {
    Map<Integer, double[]> m = byEvent.getOrDefault(outcome, Map.of());
    double s = 0;
    double w = 0;
    for (Map.Entry<Integer, double[]> x : m.entrySet()) {
      int binned = Math.max(min, Math.min(max, x.getKey()));
      if (binned == e) {
        s += x.getValue()[0];
        w += x.getValue()[1];
      }
    }
    return w == 0 ? 0.0 : s / w;
  }
}
