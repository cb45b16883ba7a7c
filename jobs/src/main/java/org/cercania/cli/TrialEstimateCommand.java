package org.cercania.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cercania.errors.Errors;
import org.cercania.io.Inputs;
import org.cercania.io.Progress;
import org.cercania.io.SparkSessions;
import org.cercania.trial.ArmAssignment;
import org.cercania.trial.Attrition;
import org.cercania.trial.BootstrapWeights;
import org.cercania.trial.ClusterCrossProducts;
import org.cercania.trial.RecordedDesign;
import org.cercania.trial.TrialDesignMatrix;
import org.cercania.trial.TrialEffects;
import org.cercania.trial.TrialPanel;
import org.cercania.trial.TrialReport;
import org.cercania.trial.TrialSpec;
import static org.apache.spark.sql.functions.col;


/** {@code cercania trial estimate}: intention-to-treat effects with few-cluster inference. */
final class TrialEstimateCommand implements Command {
  @Override
  public String name() {
    return "trial estimate";
  }

  @Override
  public String summary() {
    return "Effects of each arm (and each pair) on each outcome: CR1 for comparison, wild cluster bootstrap, randomisation"
        + " inference, Romano-Wolf and sharpened q-values; attrition by arm.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--panel FILE --unit COL --cluster COL --time COL --arm COL --outcomes A,B,... --out DIR [options]")
        .value("--panel", "FILE", "panel file: .csv (header) or .parquet; one row per woman and month")
        .value("--format", "csv|parquet", "panel format when the extension does not tell")
        .value("--unit", "COL", "woman (unit) id column", "woman_id")
        .value("--cluster", "COL", "cluster (station) column: the unit of randomisation", "station_id")
        .value("--time", "COL", "month column (integer)", "month")
        .value("--arm", "COL", "arm column", "arm")
        .value("--outcomes", "A,B,...", "outcome columns (one family for the multiple-testing adjustments)")
        .value("--covariates", "A,B", "covariates (time-invariant ones are absorbed by the woman effects in --spec fe)")
        .value("--spec", "fe|ancova", "woman and month fixed effects, or ANCOVA on the baseline outcome", "fe")
        .value("--baseline", "T", "the baseline (pre-assignment) month", "0")
        .value("--assignment", "DIR", "output of trial assign: randomisation inference re-runs that procedure (strata, rule)")
        .value("--arms", "A,B,...", "arms, control first (default: from --assignment)")
        .value("--bootstrap", "B", "wild bootstrap draws (Rademacher with B >= 2^G enumerates all sign vectors)", "9999")
        .value("--weights", "auto|rademacher|webb", "bootstrap weights; auto = Webb below " + BootstrapWeights.WEBB_BELOW
            + " clusters, else Rademacher", "auto")
        .value("--ri-draws", "R", "randomisation-inference re-assignments", "2000")
        .value("--level", "L", "confidence level", "0.95")
        .value("--seed", "S", "seed of the bootstrap and randomisation draws", "1")
        .value("--out", "DIR", "output folder (trial_effects, trial_attrition as Parquet)");
  }

  @Override
  public int run(Options o) {
    Progress progress = new Progress("trial estimate");
    String file = o.require("--panel");
    String out = o.require("--out");
    TrialSpec spec = new TrialSpec(o.get("--unit"), o.get("--cluster"), o.get("--time"), o.get("--arm"),
        TrialArgs.list(o.require("--outcomes")),
        o.get("--covariates") == null ? List.of() : TrialArgs.list(o.get("--covariates")), o.integer("--baseline", 0),
        ancova(o.get("--spec")));
    SparkSession spark = SparkSessions.get("cercania trial estimate");
    Dataset<Row> panel = Inputs.readTable(spark, file, o.get("--format"));
    List<String> needed = new ArrayList<>(List.of(spec.unit(), spec.cluster(), spec.time(), spec.arm()));
    needed.addAll(spec.outcomes());
    needed.addAll(spec.covariates());
    TrialPanel.requireColumns(panel, file, needed);
    panel = panel.select(needed.stream().distinct().map(c -> col(c)).toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    progress.step("read " + file, panel.count());
    RecordedDesign design = o.get("--assignment") == null ? null : RecordedDesign.read(spark, o.get("--assignment"));
    List<String> arms = o.get("--arms") != null ? TrialArgs.list(o.get("--arms")) : design != null ? design.arms() : null;
    if (arms == null) {
      throw Errors.usage("cercania trial estimate: give --arms (control first) or --assignment DIR from trial assign");
    }
    Map<String, Integer> armOfCluster = TrialPanel.clusterArms(panel, file, spec, arms);
    progress.step(armOfCluster.size() + " clusters in " + arms.size() + " arms", armOfCluster.size());
    TrialEffects.Settings settings = new TrialEffects.Settings(o.get("--weights"), TrialArgs.positive(o, "--bootstrap", 9999),
        TrialArgs.positive(o, "--ri-draws", 2000), o.longValue("--seed", 1), level(o));
    List<ClusterCrossProducts> sums = new ArrayList<>();
    List<int[]> armOf = new ArrayList<>();
    Map<String, String> notes = new HashMap<>();
    for (String outcome : spec.outcomes()) {
      TrialDesignMatrix.Pass pass = TrialDesignMatrix.crossProducts(panel, spec, outcome);
      sums.add(pass.sums());
      armOf.add(pass.sums().clusters().stream().mapToInt(armOfCluster::get).toArray());
      notes.put(outcome, pass.notes().isEmpty() ? null : String.join("; ", pass.notes()));
      pass.notes().forEach(progress::info);
      progress.step(outcome + ": per-cluster sums (" + spec.label() + ", " + pass.sums().controls().size() + " controls)", pass.rowsUsed());
    }
    ClusterCrossProducts first = sums.get(0);
    ArmAssignment procedure = design != null ? design.procedure(first.clusters(), arms, armOfCluster)
        : new ArmAssignment(first.clusters().stream().map(c -> "all").toList(), arms.size(), null, null);
    if (design != null) {
      progress.info("randomisation inference re-runs the recorded procedure: " + design.describe());
    } else {
      progress.info("no --assignment: randomisation inference permutes the arms across all clusters (one stratum, no re-randomisation)");
    }
    List<TrialEffects.Effect> effects = TrialEffects.estimate(spec.outcomes(), sums, armOf, arms, procedure, settings);
    progress.step("wild bootstrap (" + settings.draws() + " draws) and randomisation inference (" + settings.riDraws() + ")",
        effects.size());
    List<Row> rows = new ArrayList<>();
    for (TrialEffects.Effect e : effects) {
      rows.add(RowFactory.create(e.outcome(), e.contrast(), e.estimate(), e.crveSe(), e.crveP(), e.crveLower(), e.crveUpper(), e.wildP(),
          e.wildLower(), e.wildUpper(), Double.isNaN(e.riP()) ? null : e.riP(), Double.isNaN(e.romanoWolfP()) ? null : e.romanoWolfP(),
          e.sharpenedQ(), e.weights(), e.draws(), settings.riDraws(), e.clusters(), e.observations(), spec.label(), settings.seed(),
          notes.get(e.outcome())));
    }
    TrialArgs.write(spark, rows, "trial_effects", out);
    List<Attrition.Line> attrition = Attrition.of(panel, spec, arms, armOfCluster, settings);
    List<Row> att = new ArrayList<>();
    for (Attrition.Line l : attrition) {
      att.add(RowFactory.create(l.arm(), l.women(), l.baselineWomen(), l.expectedMonths(), l.observedMonths(), l.missingShare(),
          l.diffVsControl(), l.wildP(), l.completers()));
    }
    TrialArgs.write(spark, att, "trial_attrition", out);
    progress.step("wrote " + out + "/trial_effects and trial_attrition", rows.size() + att.size());
    panel.unpersist();
    System.out.println();
    System.out.println(TrialReport.effects(effects, settings));
    System.out.println(TrialReport.attrition(attrition));
    progress.done();
    return 0;
  }

  private static boolean ancova(String spec) {
    return switch (spec) {
      case "fe" -> false;
      case "ancova" -> true;
      default -> throw Errors.badOptionValue("--spec", spec, "fe or ancova");
    };
  }

  private static double level(Options o) {
    try {
      double l = Double.parseDouble(o.get("--level"));
      if (l > 0 && l < 1) {
        return l;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Errors.badOptionValue("--level", o.get("--level"), "a number between 0 and 1, e.g. 0.95");
  }
}
