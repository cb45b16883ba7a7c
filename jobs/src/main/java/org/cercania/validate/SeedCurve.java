package org.cercania.validate;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Pointer;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;

/**
 * One seed's distance curve as the validation reads it: the rows of the run's {@code results/distance_curve}
 * (bins' edges, estimate, SE, pointwise interval, uniform band, p value, treated units, planted truth). A seed
 * just run and a seed read back by {@code validate --resume} are both read from that table, so the two
 * summarise the same numbers.
 */
public final class SeedCurve {
  private SeedCurve() {}

  /** One bin of one outcome's curve. Nullable columns stay null. */
  public record Bin(String family, String outcome, String estimator, double lowerM, double upperM, double estimate, Double se,
      Double confLow, Double confHigh, Double uniformLow, Double uniformHigh, Double pValue, long treated, Double truth) {}

  /** The run's curve rows; null when the run wrote no distance curve. */
  public static List<Bin> read(SparkSession spark, Run run) {
    Dataset<Row> t = run.readIfPresent(spark, run.layout().result("distance_curve"));
    return t == null ? null : bins(t.collectAsList());
  }

  /** The curve of the seed's last ingested run (its run folder {@code seed}); null when there is none. */
  public static List<Bin> readIfDone(SparkSession spark, RunLayout seed, String study) {
    String runId = Pointer.read(spark.sparkContext().hadoopConfiguration(), seed.latest());
    return runId == null ? null : read(spark, new Run(seed, study, runId, null));
  }

  /** distance_curve rows (schemas/distance_curve.json) as bins. */
  public static List<Bin> bins(List<Row> rows) {
    List<Bin> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new Bin(r.getAs("family"), r.getAs("outcome"), r.getAs("estimator"), r.<Double>getAs("ring_lower_m"),
          r.<Double>getAs("ring_upper_m"), r.<Double>getAs("estimate"), r.getAs("se"), r.getAs("conf_low"), r.getAs("conf_high"),
          r.getAs("uniform_low"), r.getAs("uniform_high"), r.getAs("p_value"), r.<Long>getAs("n_treated"), r.getAs("truth")));
    }
    return out;
  }
}
