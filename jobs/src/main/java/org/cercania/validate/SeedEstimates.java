package org.cercania.validate;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.distance.RingDesign;
import org.cercania.distance.RingEstimate;
import org.cercania.io.Pointer;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;

/**
 * A seed already estimated by an earlier (interrupted) validation: its run folder's last ingested
 * run and that run's {@code results/ring_effects} rows read back as ring estimates (overall ATT,
 * SE, the interval's critical value, p value, counts and planted truth; no event study), so
 * {@code validate --resume} summarises it without running it again.
 */
public final class SeedEstimates {
  private SeedEstimates() {}

  /**
   * The seed folder's last ingested run when its panel stage finished (the run {@code validate
   * --reestimate} estimates the effects by distance of again), else null.
   */
  public static Run withPanel(SparkSession spark, RunLayout seed, String study) {
    String runId = Pointer.read(spark.sparkContext().hadoopConfiguration(), seed.latest());
    if (runId == null) {
      return null;
    }
    Run run = new Run(seed, study, runId, null);
    Dataset<Row> panel = run.readIfPresent(spark, seed.panel());
    return panel == null || panel.isEmpty() ? null : run;
  }

  /** The seed's estimates, or null when the folder has no finished distance stage (then the seed is run). */
  public static List<RingEstimate> readIfDone(SparkSession spark, RunLayout seed, String study, RingDesign design) {
    String runId = Pointer.read(spark.sparkContext().hadoopConfiguration(), seed.latest());
    if (runId == null) {
      return null;
    }
    Run run = new Run(seed, study, runId, null);
    Dataset<Row> t = run.readIfPresent(spark, seed.result("ring_effects"));
    if (t == null) {
      return null;
    }
    List<RingEstimate> out = new ArrayList<>();
    for (Row r : t.collectAsList()) {
      Double e = r.getAs("estimate");
      double est = e == null ? Double.NaN : e;
      Double se = r.getAs("se");
      Double high = r.getAs("conf_high");
      Double p = r.getAs("p_value");
      double crit = se == null || high == null || se == 0 ? Double.NaN : (high - est) / se;
      Double truth = r.getAs("truth");
      // the table carries the interval, not its degrees of freedom or the treated units' clusters: the summary reads
      // estimate, se, the critical value and p only
      out.add(new RingEstimate(r.getAs("family"), r.getAs("outcome"), r.getAs("estimator"), band(design, r.getAs("ring_lower_m")),
          est, se == null ? Double.NaN : se, Double.NaN, crit, p == null ? Double.NaN : p, List.of(),
          new RingEstimate.Counts(r.<Long>getAs("n_units"), r.<Long>getAs("n_treated"), r.<Long>getAs("n_clusters"), 0), truth));
    }
    return out;
  }

  /** The band whose lower edge is {@code lowerM}; 0 for a district row (no edge). */
  private static int band(RingDesign design, Double lowerM) {
    if (lowerM == null) {
      return 0;
    }
    for (int b = 0; b < design.bands(); b++) {
      if (Math.abs(design.lowerM(b) - lowerM) < 1e-6) {
        return b;
      }
    }
    throw new IllegalArgumentException("no band of " + design.bands() + " starts at " + lowerM + " m");
  }
}
