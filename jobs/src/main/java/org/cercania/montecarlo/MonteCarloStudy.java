package org.cercania.montecarlo;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cercania.did.DidSpec;
import org.cercania.did.Estimators;
import org.cercania.did.OverallAtt;
import org.cercania.errors.Errors;
import org.cercania.sample.StaggeredSimulation;

/**
 * A Monte Carlo study of the library's estimators: simulated staggered panels with heterogeneous,
 * growing effects ({@link StaggeredSimulation}), every estimator run on each through the registry
 * ({@link Estimators}), its overall ATT read from its result. Per estimator: the bias of the overall
 * ATT in outcome standard deviations, the mean SE against the estimates' empirical SD, and the
 * coverage of the true overall ATT by the 95% normal interval. Rows follow schemas/montecarlo.json
 * (one per replication and estimator) and schemas/montecarlo_summary.json.
 */
public final class MonteCarloStudy {
  static final double Z = 1.959963984540054;

  private final StaggeredSimulation sim;
  private final List<String> estimators;
  private final DidSpec spec = DidSpec.builder("unit", "period", "cohort", "y").build();

  /** {@code estimators}: registered names, each giving an overall ATT. */
  public MonteCarloStudy(StaggeredSimulation sim, List<String> estimators) {
    this.sim = sim;
    this.estimators = List.copyOf(estimators);
  }

  public List<String> estimators() {
    return estimators;
  }

  /**
   * Runs {@code reps} replications, {@code threads} side by side (concurrent Spark jobs on one
   * SparkContext: replications are small and Spark's per-job latency dominates), calling
   * {@code finished} with the number done after each; one row per replication and estimator.
   */
  public List<Row> run(SparkSession spark, int reps, int threads, IntConsumer finished) throws InterruptedException {
    // a few thousand rows: one partition per shuffle instead of the cluster default saves most of the time
    String shufflePartitions = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", "1");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<List<Row>>> futures = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        final int rep = r;
        futures.add(pool.submit(() -> {
          List<Row> mine = replication(spark, rep);
          finished.accept(done.incrementAndGet());
          return mine;
        }));
      }
      List<Row> rows = new ArrayList<>();
      for (Future<List<Row>> f : futures) {
        rows.addAll(f.get());
      }
      return rows;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      spark.conf().set("spark.sql.shuffle.partitions", shufflePartitions);
    }
  }

  /** One simulated panel and every estimator on it: one row per estimator. */
  private List<Row> replication(SparkSession spark, int r) {
    double truth = sim.overallAtt();
    Dataset<Row> panel = sim.panel(spark, r).persist(StorageLevel.MEMORY_ONLY());
    try {
      Row s = panel.agg(stddev_samp(col("y")), avg(when(col("cohort").gt(0).and(col("period").geq(col("cohort"))), col("tau"))))
          .first();
      double sdY = s.getDouble(0);
      double sampleTruth = s.getDouble(1);
      List<Row> rows = new ArrayList<>();
      for (String estimator : estimators) {
        long start = System.nanoTime();
        OverallAtt att = Estimators.byName(estimator).estimate(panel, spec).overall();
        if (att == null) {
          throw Errors.estimation(estimator, "its result has no overall ATT");
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double est = att.estimate();
        boolean hasSe = Double.isFinite(att.se());
        Boolean covered = hasSe ? Math.abs(est - truth) <= Z * att.se() : null;
        Boolean coveredSample = hasSe ? Math.abs(est - sampleTruth) <= Z * att.se() : null;
        rows.add(RowFactory.create(r, estimator, est, hasSe ? att.se() : null, truth, sampleTruth, sdY, (est - truth) / sdY,
            covered, coveredSample, secs));
      }
      return rows;
    } finally {
      panel.unpersist();
    }
  }

  public static List<Row> summarise(List<Row> rows, List<String> estimators) {
    List<Row> out = new ArrayList<>();
    for (String estimator : estimators) {
      List<Row> mine = rows.stream().filter(r -> r.getString(1).equals(estimator)).toList();
      int n = mine.size();
      double truth = mine.get(0).getDouble(4);
      double mean = 0;
      double meanSd = 0;
      double meanSecs = 0;
      for (Row r : mine) {
        mean += r.getDouble(2) / n;
        meanSd += r.getDouble(6) / n;
        meanSecs += r.getDouble(10) / n;
      }
      double ss = 0;
      double mse = 0;
      double seSum = 0;
      int seN = 0;
      int cov = 0;
      int covSample = 0;
      for (Row r : mine) {
        ss += (r.getDouble(2) - mean) * (r.getDouble(2) - mean);
        mse += (r.getDouble(2) - truth) * (r.getDouble(2) - truth) / n;
        if (!r.isNullAt(3)) {
          seSum += r.getDouble(3);
          seN++;
          cov += r.getBoolean(8) ? 1 : 0;
          covSample += r.getBoolean(9) ? 1 : 0;
        }
      }
      double empSd = n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN;
      double meanSe = seN > 0 ? seSum / seN : Double.NaN;
      out.add(RowFactory.create(estimator, n, truth, mean, mean - truth, (mean - truth) / meanSd, meanSe, empSd,
          meanSe / empSd, seN > 0 ? (double) cov / seN : Double.NaN, seN > 0 ? (double) covSample / seN : Double.NaN,
          Math.sqrt(mse) / meanSd, meanSd, meanSecs));
    }
    return out;
  }

  public static String report(List<Row> summary, int reps, double truth) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%nMonte Carlo: %d replications; true overall ATT %.4f; outcome SD %.3f%n", reps, truth,
        summary.isEmpty() ? Double.NaN : summary.get(0).getDouble(12)));
    b.append(String.format(Locale.ROOT, "%-12s %10s %12s %10s %10s %8s %9s %10s %8s%n", "estimator", "mean est", "bias (SD y)",
        "mean SE", "emp. SD", "SE/SD", "coverage", "cov.sample", "s/rep"));
    for (Row r : summary) {
      b.append(String.format(Locale.ROOT, "%-12s %10.4f %12.4f %10.4f %10.4f %8.3f %8.1f%% %9.1f%% %8.2f%n", r.getString(0),
          r.getDouble(3), r.getDouble(5), r.getDouble(6), r.getDouble(7), r.getDouble(8), 100 * r.getDouble(9),
          100 * r.getDouble(10), r.getDouble(13)));
    }
    b.append("coverage: of the population ATT (cohort shares estimated: cs's se includes that term); cov.sample: of this"
        + " panel's own mean effect over its treated unit-periods (what SEs conditional on the cohort sizes cover)\n");
    return b.toString();
  }
}
