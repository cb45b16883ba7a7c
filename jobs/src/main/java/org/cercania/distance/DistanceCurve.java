package org.cercania.distance;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.errors.Errors;

/**
 * The distance curve of Butts (2023): the effect as a step function of the distance at which a unit
 * entered exposure, over data-driven bins, combined with staggered entry through the imputation
 * estimator (by default): within each bin the overall ATT is the least-squares projection of the
 * imputed unit-year effects on the bin's indicator, i.e. a partition-based least-squares fit of
 * effect on distance. Bins: J = ceil(n^(1/3)) quantile-spaced bins of the treated units' entry
 * distances (n treated units of the family; the IMSE-optimal rate of partition-based estimators,
 * Cattaneo, Crump, Farrell and Feng 2024), at least 2 and at most {@code maxBins}, edges rounded to
 * {@code gridM} metres (so the sample's truth, recorded in grid_LO_HI cells, is exact per bin), the
 * first bin from 0 and the last to the cutoff. Pointwise intervals, and Bonferroni bands uniform
 * over the bins.
 */
public final class DistanceCurve {
  private final String estimator;
  private final int maxBins;
  private final double gridM;

  public DistanceCurve(String estimator, int maxBins, double gridM) {
    if (!RingEffects.ROBUST.contains(estimator)) {
      throw Errors.badSetting("cercania.distance.curve.estimator", estimator, "one of " + RingEffects.ROBUST);
    }
    if (maxBins < 2) {
      throw Errors.badSetting("cercania.distance.curve.max_bins", String.valueOf(maxBins), "at least 2");
    }
    this.estimator = estimator;
    this.maxBins = maxBins;
    this.gridM = gridM;
  }

  public String estimator() {
    return estimator;
  }

  public double gridM() {
    return gridM;
  }

  /** The rule's number of bins for n treated units. */
  public int binCount(long n) {
    return (int) Math.max(2, Math.min(maxBins, Math.ceil(Math.cbrt(n))));
  }

  /** Edges (metres) from the entry distances' quantiles at 1/J, ..., (J-1)/J: rounded to the grid, deduplicated, 0 and cutoff added. */
  public double[] edges(double[] quantiles, double cutoffM) {
    TreeSet<Double> e = new TreeSet<>();
    e.add(0.0);
    for (double q : quantiles) {
      double r = Math.round(q / gridM) * gridM;
      if (r > 0 && r < cutoffM) {
        e.add(r);
      }
    }
    e.add(cutoffM);
    return e.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The bins of one family's units (RingDesign.units rows), or null when fewer than 2 units are treated. */
  public RingDesign bins(Dataset<Row> units, double cutoffM) {
    Dataset<Row> treated = units.filter(col("status").equalTo(RingDesign.TREATED));
    long n = treated.count();
    if (n < 2) {
      return null;
    }
    int j = binCount(n);
    double[] probs = new double[j - 1];
    for (int k = 1; k < j; k++) {
      probs[k - 1] = (double) k / j;
    }
    double[] q = treated.stat().approxQuantile("entry_m", probs, 0.0);
    List<Double> km = new ArrayList<>();
    for (double m : edges(q, cutoffM)) {
      km.add(m / 1000);
    }
    return new RingDesign(km, cutoffM / 1000);
  }

  public String describe(RingDesign bins) {
    StringBuilder b = new StringBuilder("(km):");
    for (int i = 0; i < bins.bands(); i++) {
      b.append(String.format(Locale.ROOT, " %.2f-%.2f", bins.lowerM(i) / 1000, bins.upperM(i) / 1000));
    }
    return b.toString();
  }
}
