package org.cercania.sample;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.Serializable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;

/**
 * A staggered-adoption panel for Monte Carlo checks of the estimators, built as a Spark DataFrame
 * (columns unit, period, cohort, y, tau): periods 1..T; each unit never treated with probability
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
 * <p>Every random number is a hash of (seed, replication, unit, period, purpose) mapped to a
 * uniform, so a replication's data do not depend on partitioning.
 */
public final class StaggeredSimulation implements Serializable {
  public static final double P_NEVER = 0.4;
  private static final double TWO53 = 9007199254740992.0;

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

  private Column uniform(long rep, Column id, Column t, int purpose) {
    return xxhash64(lit(seed), lit(rep), id, t, lit(purpose)).bitwiseAND(lit((1L << 53) - 1)).cast("double").plus(0.5)
        .divide(TWO53);
  }

  private Column normal(long rep, Column id, Column t, int purpose) {
    Column u1 = uniform(rep, id, t, purpose);
    Column u2 = uniform(rep, id, t, purpose + 1000);
    return sqrt(log(u1).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI))); // Box-Muller
  }

  /** Replication {@code rep}: columns unit (long), period (int), cohort (int, 0 = never), y, tau (the planted effect). */
  public Dataset<Row> panel(SparkSession spark, long rep) {
    Column id = col("unit");
    Column none = lit(-1L);
    Dataset<Row> u = spark.range(units).toDF("unit");
    Column uc = uniform(rep, id, none, 1);
    int kN = cohorts.length;
    Column kIdx = floor(uc.minus(P_NEVER).divide(1 - P_NEVER).multiply(kN)).cast("int");
    u = u.withColumn("k", when(uc.lt(P_NEVER), lit(-1)).otherwise(least(kIdx, lit(kN - 1))))
        .withColumn("cohort", when(col("k").lt(0), lit(0)).otherwise(col("k").plus(3)))
        .withColumn("alpha", normal(rep, id, none, 2).plus(when(col("k").lt(0), lit(0.0)).otherwise(col("k").plus(1).multiply(0.5 / kN))))
        .withColumn("period", explode(sequence(lit(1), lit(periods))));
    Column t = col("period");
    Column lambda = t.multiply(0.2).plus(normal(rep, lit(-1L), t.cast("long"), 3).multiply(0.5));
    // theta_k (1 + 0.5 e) for treated periods
    Column theta = kN == 1 ? lit(1.0) : lit(1.25).minus(col("k").multiply(0.75 / (kN - 1)));
    Column e = t.minus(col("cohort"));
    Column tau = when(col("k").geq(0).and(e.geq(0)), theta.multiply(e.multiply(0.5).plus(1.0))).otherwise(lit(0.0));
    Column eps = normal(rep, id, t.cast("long"), 4);
    return u.withColumn("tau", tau)
        .withColumn("y", col("alpha").plus(lambda).plus(col("tau")).plus(eps))
        .select(col("unit"), col("period"), col("cohort"), col("y"), col("tau"));
  }
}
