package org.cercania.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Progress;
import org.cercania.io.SparkSessions;
import org.cercania.trial.AssignmentFile;
import org.cercania.trial.BalanceRule;
import org.cercania.trial.BalanceTable;
import org.cercania.trial.Station;
import org.cercania.trial.StationAssignment;
import org.cercania.trial.StationFile;

/** {@code cercania trial assign}: draws the stations of a trial and assigns them to arms. */
final class TrialAssignCommand implements Command {
  @Override
  public String name() {
    return "trial assign";
  }

  @Override
  public String summary() {
    return "Draw stations and assign them to equal arms within strata, reproducible from the seed; write the assignment and a"
        + " balance table.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--units FILE --arms A,B,... --draw N [--strata COL] --seed S --out DIR [re-randomisation]")
        .value("--units", "FILE", "units (stations) CSV with a header, one row per station")
        .value("--id", "COL", "id column of the units file", "station_id")
        .value("--arms", "A,B,...", "arms, control first", "control,training,risk_scale,both")
        .value("--draw", "N", "stations to draw (a multiple of the number of arms)")
        .value("--strata", "COL", "stratum column: arms are balanced within every stratum")
        .value("--seed", "S", "seed of the draw (recorded)")
        .value("--balance-on", "A,B", "station covariates of the balance table (default: every numeric column)")
        .value("--max-std-diff", "X", "re-randomise until every |standardised difference| on --balance-on is <= X")
        .value("--max-tries", "N", "re-randomisation draws allowed", "10000")
        .value("--balance-draws", "N", "re-assignments for the joint balance test's p-value", "2000")
        .value("--out", "DIR", "output folder (trial_assignment.csv, trial_assignment, trial_design, trial_balance)");
  }

  @Override
  public int run(Options o) {
    Progress progress = new Progress("trial assign");
    Path units = Paths.get(o.require("--units"));
    String out = o.require("--out");
    o.require("--seed");
    long seed = o.longValue("--seed", 0);
    List<String> arms = TrialArgs.list(o.get("--arms"));
    List<String> balanceOn = o.get("--balance-on") == null ? null : TrialArgs.list(o.get("--balance-on"));
    StationFile.Contents file = StationFile.read(units, o.get("--id"), o.get("--strata"), balanceOn);
    progress.step("read " + units, file.stations().size());
    BalanceRule rule = null;
    if (o.get("--max-std-diff") != null) {
      rule = new BalanceRule(file.covariates(), TrialArgs.number(o, "--max-std-diff"), TrialArgs.positive(o, "--max-tries", 10000));
    }
    o.require("--draw");
    StationAssignment design = new StationAssignment(arms, TrialArgs.positive(o, "--draw", 0), seed, rule);
    StationAssignment.Result a = design.assign(units, file.stations(), file.covariates());
    progress.step("drew " + a.drawn().size() + " stations, " + a.allocation() + " per stratum, arms in " + a.tries() + " draw(s)",
        a.drawn().size());
    List<Row> assignment = AssignmentFile.rows(file.stations(), a, arms);
    AssignmentFile.writeCsv(Paths.get(out, AssignmentFile.CSV), assignment);
    double[][] x = a.drawn().stream().map(Station::covariates).toArray(double[][]::new);
    List<BalanceTable.Line> balance = BalanceTable.of(x, file.covariates(), a.armOf(), arms, design.procedure(a.drawn(),
        file.covariates()), TrialArgs.positive(o, "--balance-draws", 2000), seed);
    SparkSession spark = SparkSessions.get("cercania trial assign");
    TrialArgs.write(spark, assignment, "trial_assignment", out);
    String allocation = a.allocation().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    String procedure = "within each stratum, " + arms.size() + " equal arms at random" + (rule == null ? "" : "; " + rule.describe());
    TrialArgs.write(spark, List.of(RowFactory.create(units.toAbsolutePath().toString(), o.get("--id"), o.get("--strata"),
        file.stations().size(), a.drawn().size(), String.join(",", arms), allocation, seed,
        rule == null ? null : String.join(",", rule.covariates()), rule == null ? null : rule.maxAbsStdDiff(),
        rule == null ? null : rule.maxTries(), a.tries(), procedure)), "trial_design", out);
    List<Row> rows = new ArrayList<>();
    for (BalanceTable.Line l : balance) {
      rows.add(RowFactory.create(l.covariate(), l.arm(), l.stations(), l.mean(), l.sd(), l.diff(), l.stdDiff(), l.fStat(), l.pValue()));
    }
    TrialArgs.write(spark, rows, "trial_balance", out);
    progress.step("wrote " + out + "/" + AssignmentFile.CSV + ", trial_assignment, trial_design, trial_balance", assignment.size());
    System.out.println();
    System.out.println(describe(a, arms));
    System.out.println(balanceReport(balance));
    progress.done();
    return 0;
  }

  static String describe(StationAssignment.Result a, List<String> arms) {
    StringBuilder b = new StringBuilder("Drawn stations by arm:\n");
    for (int k = 0; k < arms.size(); k++) {
      final int arm = k;
      List<String> ids = new ArrayList<>();
      for (int g = 0; g < a.drawn().size(); g++) {
        if (a.armOf()[g] == arm) {
          ids.add(a.drawn().get(g).id() + " (" + a.drawn().get(g).stratum() + ")");
        }
      }
      b.append(String.format(Locale.ROOT, "  %-12s %s%n", arms.get(arm), String.join(", ", ids)));
    }
    return b.toString();
  }

  static String balanceReport(List<BalanceTable.Line> lines) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-22s %-12s %10s %10s %9s %8s %8s%n", "covariate", "arm", "mean",
        "diff", "std diff", "F", "p"));
    for (BalanceTable.Line l : lines) {
      b.append(String.format(Locale.ROOT, "%-22s %-12s %10.3f %10s %9s %8.3f %8.3f%n", l.covariate(), l.arm(), l.mean(),
          l.diff() == null ? "" : String.format(Locale.ROOT, "%.3f", l.diff()),
          l.stdDiff() == null ? "" : String.format(Locale.ROOT, "%.3f", l.stdDiff()), l.fStat(), l.pValue()));
    }
    return b.append("joint: sum of the F statistics; p-value from re-running the assignment procedure").toString();
  }
}
