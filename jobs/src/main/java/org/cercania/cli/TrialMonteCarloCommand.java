package org.cercania.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;
import org.cercania.io.SparkSessions;
import org.cercania.trial.MonteCarloSummary;
import org.cercania.trial.TrialMonteCarlo;
import org.cercania.trial.TrialSimulation;

/** {@code cercania trial montecarlo}: size and coverage of CR1, the wild cluster bootstrap and RI on simulated trials. */
final class TrialMonteCarloCommand implements Command {
  @Override
  public String name() {
    return "trial montecarlo";
  }

  @Override
  public String summary() {
    return "Simulate the 16-station trial under no effect and under the planted effects: rejection rates and coverage.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--out DIR [--replications N] [--bootstrap B] [--ri-draws R] [--seed S]")
        .value("--out", "DIR", "output folder (trial_montecarlo, trial_montecarlo_summary as Parquet)")
        .value("--replications", "N", "simulated trials per scenario", "1000")
        .value("--bootstrap", "B", "wild bootstrap draws per test", "999")
        .value("--ri-draws", "R", "re-assignments per randomisation-inference test", "999")
        .value("--women", "N", "women per station", "100")
        .value("--outcome", "NAME", "outcome analysed: " + String.join(", ", TrialSimulation.OUTCOMES), "psychological_aggression")
        .value("--scenarios", "LIST", "null, planted or both (comma-separated)", "null,planted")
        .value("--threads", "N", "replications run side by side", "2")
        .value("--seed", "S", "seed of the simulation", "1");
  }

  @Override
  public int run(Options o) {
    String out = o.require("--out");
    int reps = TrialArgs.positive(o, "--replications", 1000);
    String outcome = o.get("--outcome");
    if (!TrialSimulation.OUTCOMES.contains(outcome)) {
      throw Errors.badOptionValue("--outcome", outcome, "one of " + String.join(", ", TrialSimulation.OUTCOMES));
    }
    TrialMonteCarlo mc = new TrialMonteCarlo(TrialArgs.positive(o, "--women", 100), TrialArgs.positive(o, "--bootstrap", 999),
        TrialArgs.positive(o, "--ri-draws", 999), outcome, o.longValue("--seed", 1));
    Progress progress = new Progress("trial montecarlo");
    List<TrialMonteCarlo.Rep> replications = new ArrayList<>();
    for (String scenario : o.get("--scenarios").split(",")) {
      if (!scenario.equals("null") && !scenario.equals("planted")) {
        throw Errors.badOptionValue("--scenarios", o.get("--scenarios"), "null, planted or null,planted");
      }
      AtomicInteger finished = new AtomicInteger();
      progress.info(String.format(Locale.ROOT, "scenario %s: %d trials of %d stations x %s women, %s", scenario, reps,
          TrialSimulation.DRAW, o.get("--women"), outcome));
      replications.addAll(mc.run(scenario.equals("planted"), reps, TrialArgs.positive(o, "--threads", 2), r -> {
        int f = finished.incrementAndGet();
        if (f % 100 == 0 || f == reps) {
          progress.info(String.format(Locale.ROOT, "%s: %d of %d trials (%.1f s)", scenario, f, reps, progress.seconds()));
        }
      }));
    }
    double crit = new TDistribution(null, TrialSimulation.DRAW - 1).inverseCumulativeProbability(0.975);
    List<MonteCarloSummary.Line> summary = MonteCarloSummary.of(replications, crit);
    SparkSession spark = SparkSessions.get("cercania trial montecarlo");
    List<Row> rows = new ArrayList<>();
    for (TrialMonteCarlo.Rep r : replications) {
      rows.add(RowFactory.create(r.scenario(), r.replication(), r.contrast(), r.truth(), r.estimate(), r.crveSe(), r.pCrve(),
          r.pWild(), r.pRi(), r.coveredCrve(), r.coveredWild(), r.wildLower(), r.wildUpper()));
    }
    TrialArgs.write(spark, rows, "trial_montecarlo", out);
    List<Row> sum = new ArrayList<>();
    for (MonteCarloSummary.Line l : summary) {
      sum.add(RowFactory.create(l.scenario(), l.contrast(), l.replications(), Double.isNaN(l.truth()) ? null : l.truth(),
          l.meanEstimate(), l.rejectCrve(), l.rejectWild(), l.rejectRi(), l.coverageCrve(), l.coverageWild(), l.meanWidthCrve(),
          l.meanWidthWild()));
    }
    TrialArgs.write(spark, sum, "trial_montecarlo_summary", out);
    progress.step("wrote " + out + "/trial_montecarlo and trial_montecarlo_summary", rows.size());
    System.out.println();
    System.out.println(MonteCarloSummary.report(summary));
    System.out.println(String.format(Locale.ROOT, "Monte Carlo SE of a 5%% rate over %d trials: %.2f points; CR1 uses t(%d)",
        reps, 100 * Math.sqrt(0.05 * 0.95 / reps), TrialSimulation.DRAW - 1));
    progress.done();
    return 0;
  }
}
