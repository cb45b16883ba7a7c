package org.cercania.sample;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.Errors;

/**
 * A staggered-adoption panel for Monte Carlo checks of the estimators (columns unit, period,
 * cohort, y, tau): periods 1..T; each unit never treated with probability
 * {@link #P_NEVER}, else first treated in one of the cohorts 3, 4, ..., T - 2 with equal probability;
 *
 * <pre>y_it = alpha_i + lambda_t + tau(g_i, t - g_i) 1{t >= g_i} + eps_it</pre>
 *
 * with unit effects alpha_i ~ N(0, 1) shifted by the cohort (selection on levels, which DiD allows),
 * period effects lambda_t = 0.2 t + N(0, 0.5^2), eps_it ~ N(0, 1), and effects that differ by cohort
 * and grow with time since treatment: tau(g, e) = theta_g (1 + 0.5 e), theta_g from 1.25 for the
 * first cohort down to 0.5 for the last. Parallel trends hold, so cs, Sun-Abraham and imputation
 * are unbiased for the overall ATT; a TWFE regression is not (dynamic, heterogeneous effects).
 *
 * <p>A replication's panel is drawn on the driver from a generator seeded by (seed, replication) and
 * handed to Spark as a local relation: Monte Carlo panels are small, and the estimators under test
 * are the library's Spark ones.
 */
public final class StaggeredSimulation implements Serializable {
  public static final double P_NEVER = 0.4;

  private final int units;
  private final int periods;
  private final long seed;
  private final int[] cohorts;

  public StaggeredSimulation(int units, int periods, long seed) {
    if (periods < 5) {
      throw Errors.usage("the Monte Carlo panel needs at least 5 periods (cohorts start from period 3 and need a"
          + " post-treatment period and a never-treated comparison); --periods is " + periods);
    }
    if (units < 20) {
      throw Errors.usage("the Monte Carlo panel needs at least 20 units; --units is " + units);
    }
    this.units = units;
    this.periods = periods;
    this.seed = seed;
    this.cohorts = new int[Math.max(1, periods - 4)];
    for (int k = 0; k < cohorts.length; k++) {
      cohorts[k] = 3 + k;
    }
  }

  public int[] cohorts() {
    return cohorts.clone();
  }

  /** theta_g: 1.25 for the first cohort, decreasing linearly to 0.5 for the last. */
  double theta(int k) {
    return cohorts.length == 1 ? 1.0 : 1.25 - 0.75 * k / (cohorts.length - 1);
  }

  /** The planted effect of cohort index k at e periods after its first treated period. */
  public double tau(int k, int e) {
    return e < 0 ? 0.0 : theta(k) * (1 + 0.5 * e);
  }

  /**
   * The population overall ATT: the mean of tau over treated unit-periods in expectation (cohorts
   * equally likely), the parameter of cs's simple aggregation, Sun-Abraham's and imputation's ATT.
   */
  public double overallAtt() {
    double num = 0;
    double den = 0;
    for (int k = 0; k < cohorts.length; k++) {
      for (int t = cohorts[k]; t <= periods; t++) {
        num += tau(k, t - cohorts[k]);
        den += 1;
      }
    }
    return num / den;
  }

  static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("unit", DataTypes.LongType, false),
      DataTypes.createStructField("period", DataTypes.IntegerType, false),
      DataTypes.createStructField("cohort", DataTypes.IntegerType, false),
      DataTypes.createStructField("y", DataTypes.DoubleType, false),
      DataTypes.createStructField("tau", DataTypes.DoubleType, false)));

  /**
   * Replication {@code rep} as rows: unit, period, cohort (0 = never), y, tau (the planted effect).
   * Drawn from one generator seeded by (seed, rep), unit by unit, so a replication is reproducible.
   */
  public List<Row> rows(long rep) {
    SplittableRandom rnd = new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + rep));
    double[] lambda = new double[periods + 1];
    for (int t = 1; t <= periods; t++) {
      lambda[t] = 0.2 * t + 0.5 * normal(rnd);
    }
    int kN = cohorts.length;
    List<Row> rows = new ArrayList<>(units * periods);
    for (long i = 0; i < units; i++) {
      double u = rnd.nextDouble();
      int k = u < P_NEVER ? -1 : Math.min((int) ((u - P_NEVER) / (1 - P_NEVER) * kN), kN - 1);
      int g = k < 0 ? 0 : cohorts[k];
      double alpha = normal(rnd) + (k < 0 ? 0.0 : (k + 1) * 0.5 / kN);
      for (int t = 1; t <= periods; t++) {
        double tau = k < 0 ? 0.0 : tau(k, t - g);
        rows.add(RowFactory.create(i, t, g, alpha + lambda[t] + tau + normal(rnd), tau));
      }
    }
    return rows;
  }

  /** Replication {@code rep} as a DataFrame (a local relation: the panels are small). */
  public Dataset<Row> panel(SparkSession spark, long rep) {
    return spark.createDataFrame(rows(rep), SCHEMA);
  }

  private static double normal(SplittableRandom rnd) {
    // Box-Muller, one value per pair of uniforms (simple and reproducible)
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
