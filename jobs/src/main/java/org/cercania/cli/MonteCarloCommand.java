package org.cercania.cli;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cercania.did.DidSpec;
import org.cercania.did.Estimator;
import org.cercania.did.Estimators;
import org.cercania.errors.Errors;
import org.cercania.io.Outputs;
import org.cercania.io.Progress;
import org.cercania.io.SparkSessions;
import org.cercania.io.TableSchema;
import org.cercania.sample.StaggeredSimulation;

/**
 * {@code cercania montecarlo}: simulates staggered panels with heterogeneous, growing effects
 * ({@link StaggeredSimulation}) and runs the library's estimators on each, through the same
 * {@link Estimator} entry as {@code cercania did}: cs (simple aggregation), sun-abraham and
 * imputation (their ATT row; skipped with a message when not registered) and twfe (treat_post).
 * Prints per estimator the bias of the overall ATT in outcome standard deviations, the mean SE
 * against the estimates' empirical SD, and the coverage of the true overall ATT by the 95% normal
 * interval; writes OUT/montecarlo (one row per replication and estimator) and
 * OUT/montecarlo_summary as Parquet (schemas/montecarlo*.json).
 */
public final class MonteCarloCommand implements Command {
  static final double Z = 1.959963984540054;

  /** Estimator name, and how its overall ATT is read from its tables. */
  private record Target(String estimator, String table, String description) {}

  private static final List<Target> TARGETS = List.of(
      new Target("cs", "aggregates", "simple aggregation of ATT(g,t)"),
      new Target("sun-abraham", "coefficients", "term ATT"),
      new Target("imputation", "coefficients", "term ATT"),
      new Target("twfe", "coefficients", "term treat_post"));

  @Override
  public String name() {
    return "montecarlo";
  }

  @Override
  public String summary() {
    return "Monte Carlo check of the estimators on simulated staggered panels: bias, SE calibration and CI coverage.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--out DIR [--replications N] [--units N] [--periods N] [--seed S]")
        .value("--out", "DIR", "output folder (montecarlo and montecarlo_summary, Parquet)")
        .value("--replications", "N", "number of simulated panels", "200")
        .value("--units", "N", "units per panel", "300")
        .value("--periods", "N", "periods per panel (cohorts first treated in periods 3 .. N-2)", "8")
        .value("--seed", "S", "seed of the simulation", "1")
        .value("--parallel", "N", "replications run side by side (concurrent Spark jobs)", "2");
  }

  @Override
  public int run(Options o) throws InterruptedException {
    String out = o.require("--out");
    int reps = o.integer("--replications", 200);
    if (reps < 1) {
      throw Errors.badOptionValue("--replications", Integer.toString(reps), "a positive number");
    }
    StaggeredSimulation sim = new StaggeredSimulation(o.integer("--units", 300), o.integer("--periods", 8), o.longValue("--seed", 1));
    SparkSession spark = SparkSessions.get("cercania montecarlo");
    Progress progress = new Progress("montecarlo");
    List<Target> targets = new ArrayList<>();
    for (Target t : TARGETS) {
      if (Estimators.names().contains(t.estimator())) {
        targets.add(t);
      } else {
        progress.info("estimator '" + t.estimator() + "' is not registered in this build; skipped");
      }
    }
    double truth = sim.overallAtt();
    DidSpec spec = DidSpec.builder("unit", "period", "cohort", "y").build();
    int threads = o.integer("--parallel", 2);
    if (threads < 1) {
      throw Errors.badOptionValue("--parallel", Integer.toString(threads), "a positive number");
    }
    // Replications are small: Spark's per-job latency dominates, so a few run side by side (concurrent
    // jobs on one SparkContext). The estimators' own progress lines are silenced meanwhile.
    java.io.PrintStream stdout = System.out;
    // a few thousand rows: one partition per shuffle instead of the cluster default saves most of the time
    String shufflePartitions = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", "1");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    List<java.util.concurrent.Future<List<Row>>> futures = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
    List<Row> rows = new ArrayList<>();
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      for (int r = 0; r < reps; r++) {
        final int rep = r;
        futures.add(pool.submit(() -> {
          List<Row> mine = replication(spark, sim, rep, targets, spec, truth);
          int f = finished.incrementAndGet();
          if (f % 10 == 0 || f == reps) {
            synchronized (stdout) {
              stdout.println(String.format(Locale.ROOT, "[montecarlo] %d of %d replications (%.1f s)", f, reps, progress.seconds()));
            }
          }
          return mine;
        }));
      }
      for (java.util.concurrent.Future<List<Row>> f : futures) {
        rows.addAll(f.get());
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      System.setOut(stdout);
      spark.conf().set("spark.sql.shuffle.partitions", shufflePartitions);
    }
    TableSchema perRep = TableSchema.load("montecarlo");
    Dataset<Row> table = perRep.conform(spark.createDataFrame(rows, perRep.structType()));
    List<Row> summary = summarise(rows, targets);
    TableSchema sumSchema = TableSchema.load("montecarlo_summary");
    Dataset<Row> sumTable = sumSchema.conform(spark.createDataFrame(summary, sumSchema.structType()));
    Outputs.writeParquet(table, out + "/montecarlo");
    Outputs.writeParquet(sumTable, out + "/montecarlo_summary");
    System.out.println(report(summary, sim, reps, truth));
    progress.done();
    return 0;
  }

  /** One simulated panel and every estimator on it: one row per estimator. */
  private static List<Row> replication(SparkSession spark, StaggeredSimulation sim, int r, List<Target> targets, DidSpec spec,
      double truth) {
    Dataset<Row> panel = sim.panel(spark, r).persist(StorageLevel.MEMORY_ONLY());
    try {
      Row s = panel.agg(stddev_samp(col("y")), avg(when(col("cohort").gt(0).and(col("period").geq(col("cohort"))), col("tau"))))
          .first();
      double sdY = s.getDouble(0);
      double sampleTruth = s.getDouble(1);
      List<Row> rows = new ArrayList<>();
      for (Target t : targets) {
        long start = System.nanoTime();
        Map<String, Dataset<Row>> tables = Estimators.byName(t.estimator()).estimate(panel, spec);
        double[] est = overall(t, tables.get(t.table()));
        double secs = (System.nanoTime() - start) / 1e9;
        Boolean covered = Double.isFinite(est[1]) ? Math.abs(est[0] - truth) <= Z * est[1] : null;
        Boolean coveredSample = Double.isFinite(est[1]) ? Math.abs(est[0] - sampleTruth) <= Z * est[1] : null;
        rows.add(RowFactory.create(r, t.estimator(), est[0], Double.isFinite(est[1]) ? est[1] : null, truth, sampleTruth, sdY,
            (est[0] - truth) / sdY, covered, coveredSample, secs));
      }
      return rows;
    } finally {
      panel.unpersist();
    }
  }

  /** {estimate, se} of the overall ATT from the estimator's table. */
  static double[] overall(Target t, Dataset<Row> table) {
    if (table == null) {
      throw Errors.estimation(t.estimator(), "no '" + t.table() + "' table in its output");
    }
    Dataset<Row> row = switch (t.estimator()) {
      case "cs" -> table.filter(col("aggregation").equalTo("simple").and(col("key").isNull())).select("estimate", "se");
      case "twfe" -> table.filter(col("term").equalTo("treat_post")).select("estimate", "se");
      default -> table.filter(col("term").equalTo("ATT")).select("estimate", "se");
    };
    List<Row> got = row.limit(1).collectAsList();
    if (got.isEmpty()) {
      throw Errors.estimation(t.estimator(), "its '" + t.table() + "' table has no overall ATT (" + t.description() + ")");
    }
    Row r = got.get(0);
    return new double[] {r.getDouble(0), r.isNullAt(1) ? Double.NaN : r.getDouble(1)};
  }

  static List<Row> summarise(List<Row> rows, List<Target> targets) {
    List<Row> out = new ArrayList<>();
    for (Target t : targets) {
      List<Row> mine = rows.stream().filter(r -> r.getString(1).equals(t.estimator())).toList();
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
      out.add(RowFactory.create(t.estimator(), n, truth, mean, mean - truth, (mean - truth) / meanSd, meanSe, empSd,
          meanSe / empSd, seN > 0 ? (double) cov / seN : Double.NaN, seN > 0 ? (double) covSample / seN : Double.NaN,
          Math.sqrt(mse) / meanSd, meanSd, meanSecs));
    }
    return out;
  }

  static String report(List<Row> summary, StaggeredSimulation sim, int reps, double truth) {
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
