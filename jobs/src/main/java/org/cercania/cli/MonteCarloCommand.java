package org.cercania.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.Estimators;
import org.cercania.errors.Errors;
import org.cercania.io.Outputs;
import org.cercania.io.Progress;
import org.cercania.io.RunLayout;
import org.cercania.io.SparkSessions;
import org.cercania.io.TableSchema;
import org.cercania.montecarlo.MonteCarloStudy;
import org.cercania.sample.StaggeredSimulation;

/**
 * {@code cercania montecarlo}: runs a {@link MonteCarloStudy} of cs, sun-abraham, imputation and
 * twfe (those registered) on simulated staggered panels, prints its summary and writes
 * OUT/montecarlo (one row per replication and estimator) and OUT/montecarlo_summary as Parquet
 * (schemas/montecarlo*.json).
 */
public final class MonteCarloCommand implements Command {
  private static final List<String> ESTIMATORS = List.of("cs", "sun-abraham", "imputation", "twfe");

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
    RunLayout out = new RunLayout(o.require("--out"));
    int reps = positive(o, "--replications", 200);
    int threads = positive(o, "--parallel", 2);
    StaggeredSimulation sim = new StaggeredSimulation(o.integer("--units", 300), o.integer("--periods", 8), o.longValue("--seed", 1));
    SparkSession spark = SparkSessions.get("cercania montecarlo");
    Progress progress = new Progress("montecarlo");
    List<String> estimators = new ArrayList<>();
    for (String e : ESTIMATORS) {
      if (Estimators.names().contains(e)) {
        estimators.add(e);
      } else {
        progress.info("estimator '" + e + "' is not registered in this build; skipped");
      }
    }
    MonteCarloStudy study = new MonteCarloStudy(sim, estimators);
    List<Row> rows = study.run(spark, reps, threads, done -> {
      if (done % 10 == 0 || done == reps) {
        progress.info(String.format(Locale.ROOT, "%d of %d replications (%.1f s)", done, reps, progress.seconds()));
      }
    });
    List<Row> summary = MonteCarloStudy.summarise(rows, estimators);
    Outputs.writeParquet(table(spark, "montecarlo", rows), out.table("montecarlo"));
    Outputs.writeParquet(table(spark, "montecarlo_summary", summary), out.table("montecarlo_summary"));
    for (String line : MonteCarloStudy.report(summary, reps, sim.overallAtt()).split("\n")) {
      if (!line.isBlank()) {
        progress.info(line);
      }
    }
    progress.done();
    return 0;
  }

  private static Dataset<Row> table(SparkSession spark, String schema, List<Row> rows) {
    TableSchema s = TableSchema.load(schema);
    return s.conform(spark.createDataFrame(rows, s.structType()));
  }

  private static int positive(Options o, String option, int fallback) {
    int n = o.integer(option, fallback);
    if (n < 1) {
      throw Errors.badOptionValue(option, Integer.toString(n), "a positive number");
    }
    return n;
  }
}
