package org.cercania.cli;

import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.cercania.config.Settings;
import org.cercania.distance.RingEstimate;
import org.cercania.errors.Errors;
import org.cercania.estimate.Truth;
import org.cercania.io.Outputs;
import org.cercania.io.Run;
import org.cercania.io.Progress;
import org.cercania.io.RunLayout;
import org.cercania.io.SparkSessions;
import org.cercania.runs.RunIdentity;
import org.cercania.sample.EffectProfile;
import org.cercania.sample.SampleGenerator;
import org.cercania.sample.SampleSpec;
import org.cercania.validate.CurveSummary;
import org.cercania.validate.SeedCurve;
import org.cercania.validate.SeedEstimates;
import org.cercania.validate.ValidationSummary;

/**
 * {@code cercania validate}: the sample pipeline (sample, ingest, exposure, panel, effects by
 * distance) on N seeds in one Spark application, then per outcome, estimator and band the mean
 * bias, SE calibration, coverage and rejection rate ({@link ValidationSummary}); writes
 * OUT/validation (Parquet, schemas/validation.json) and prints the table. With the distance curve enabled
 * (cercania.distance.curve.enabled), also each seed's results/distance_curve summarised per bin and per curve
 * ({@link CurveSummary}): OUT/validation_curve and OUT/validation_curve_summary. Each seed's run folder is
 * OUT/seeds/seed-S. The sample is smaller than the default one unless the size flags say otherwise.
 */
public final class ValidateCommand implements Command {
  @Override
  public String name() {
    return "validate";
  }

  @Override
  public String summary() {
    return "Run the sample pipeline on N seeds: bias, SE calibration, coverage and rejection rate of the ring effects and the distance curve.";
  }

  @Override
  public Options options() {
    return StudyOptions.add(new Options(name(), "--seeds N --effects constant|dynamic|none --out DIR"), "sample")
        .value("--seeds", "N", "number of seeds", "2")
        .value("--first-seed", "S", "first seed (then S+1, ...)", "1")
        .value("--effects", "constant|dynamic|none", "planted effects: constant, dynamic (grow with exposure, differ by cohort) or none", "constant")
        .value("--districts", "N", "districts per sample", "900")
        .value("--centers", "N", "centers per sample", "125")
        .value("--schools", "N", "schools per sample", "2000")
        .value("--survey-clusters", "N", "survey clusters per sample (enough that most survey bands have 10+ treated clusters)", "1200")
        .value("--respondents", "N", "respondents per cluster and year", "4")
        .flag("--resume", "summarise the seeds an earlier (interrupted) validation in --out already estimated, run only the others")
        .flag("--reestimate", "for seeds whose panel an earlier validation in --out built, run only the effects by distance again"
            + " (after a change to the estimators or the distance settings); run the other seeds whole");
  }

  @Override
  public int run(Options o) {
    Progress progress = new Progress("validate");
    RunLayout layout = new RunLayout(o.require("--out"));
    int seeds = o.integer("--seeds", 2);
    long first = o.longValue("--first-seed", 1L);
    String effects = o.get("--effects");
    if (!List.of("constant", "dynamic", "none").contains(effects)) {
      throw Errors.badOptionValue("--effects", effects, "constant, dynamic or none");
    }
    if (seeds < 1) {
      throw Errors.badOptionValue("--seeds", String.valueOf(seeds), "at least 1");
    }
    SparkSession spark = SparkSessions.get("cercania validate");
    ValidationSummary summary = null;
    CurveSummary curve = null;
    for (int k = 0; k < seeds; k++) {
      long seed = first + k;
      Settings s = StudyOptions.settings(o, layout.table("seeds/seed-" + seed));
      StageSettings st = StageSettings.of(s);
      SampleSpec spec = SampleSpec.fromSettings(s).with(seed, o.integer("--districts", 900), o.integer("--centers", 125),
          o.integer("--schools", 2000), o.integer("--survey-clusters", 1200), o.integer("--respondents", 4), effects.equals("dynamic"));
      Map<String, Double> sizes = new LinkedHashMap<>(SampleCommand.effectSizes(s));
      if (effects.equals("none")) {
        sizes.replaceAll((kk, v) -> 0.0);
      }
      if (k == 0) {
        progress.info(String.format("%d seeds from %d, effects %s, %d districts, %d centers, %d schools, %d survey clusters x %d"
            + " respondents", seeds, first, effects, spec.districts(), spec.centers(), spec.schools(), spec.surveyClusters(),
            spec.respondentsPerCluster()));
        summary = new ValidationSummary(st.distance().rings(), st.minCellUnits());
        progress.info("coverage and rejection also over the published estimates only: bands identified by at least "
            + st.minCellUnits() + " treated units (cercania.publish.min_cell_units)");
        if (st.distance().curve() != null) {
          EffectProfile p = spec.profile();
          curve = new CurveSummary(p.exponential() ? p.reachKm() * 1000 : null, st.minCellUnits());
          progress.info("distance curve (" + st.distance().curve().estimator() + ") also validated, planted profile " + p.shape()
              + (p.exponential() ? String.format(Locale.ROOT, " (decay %s km, reach %s km)", p.decayKm(), p.reachKm()) : "")
              + "; to " + layout.table("validation_curve") + " and " + layout.table("validation_curve_summary"));
        }
      }
      Run earlier = o.flag("--reestimate") ? SeedEstimates.withPanel(spark, st.layout(), RunIdentity.study(s)) : null;
      List<RingEstimate> estimates = o.flag("--resume") && earlier == null
          ? SeedEstimates.readIfDone(spark, st.layout(), RunIdentity.study(s), st.distance().rings()) : null;
      List<SeedCurve.Bin> bins = estimates != null && curve != null ? SeedCurve.readIfDone(spark, st.layout(), RunIdentity.study(s)) : null;
      if (estimates != null && curve != null && bins == null) {
        progress.info("seed " + seed + ": ring effects in " + st.layout().root() + " but no distance curve (stopped during the curve,"
            + " or run without it): run again");
        estimates = null;
      }
      if (earlier != null) {
        progress.info("seed " + seed + ": panel of run " + earlier.runId() + " built by an earlier validation in " + st.layout().root()
            + "; effects by distance estimated again");
        estimates = Pipeline.distance(st, spark, earlier, Truth.read(spark, st.truthFile()));
        bins = curve != null ? SeedCurve.read(spark, earlier) : null;
      } else if (estimates != null) {
        progress.info("seed " + seed + ": estimated by an earlier validation in " + st.layout().root() + ", read back");
      } else {
        new SampleGenerator(spec, SampleCommand.anchors(s), sizes).write(Paths.get(st.layout().sample("")));
        Run run = RunContext.start(o, s, st.inputs(), spark.sparkContext().hadoopConfiguration());
        Pipeline.ingest(s, spark, run, st.inputs(), Set.of());
        Pipeline.exposure(s, spark, run);
        Pipeline.panel(s, spark, run);
        estimates = Pipeline.distance(st, spark, run, Truth.read(spark, st.truthFile()));
        if (curve != null) {
          // Read back from the run's table, as --resume does: its uniform band and truth are the table's.
          bins = SeedCurve.read(spark, run);
          if (bins == null) {
            progress.info("seed " + seed + ": no distance curve (fewer than 2 treated units in every point family)");
          }
        }
      }
      summary.add(estimates);
      // Rewritten after every seed, so a long validation can be read (and stopped) part way.
      Outputs.writeParquet(summary.table(spark).coalesce(1), layout.table("validation"));
      if (curve != null) {
        curve.add(bins == null ? List.of() : bins);
        Outputs.writeParquet(curve.binTable(spark).coalesce(1), layout.table("validation_curve"));
        Outputs.writeParquet(curve.curveTable(spark).coalesce(1), layout.table("validation_curve_summary"));
      }
      // Each seed writes some twenty new Delta tables of its own; the Delta log cache would keep every one's snapshot
      // (and its cached state) for the rest of the application, filling a 4 GB driver heap after about 35 seeds.
      DeltaLog.clearCache();
      spark.catalog().clearCache();
      progress.step("seed " + seed + " done (" + (k + 1) + " of " + seeds + "; " + layout.table("validation") + " holds them)",
          estimates.size());
    }
    long rows = summary.lines().size();
    progress.info(ValidationSummary.header());
    for (ValidationSummary.Line l : summary.lines()) {
      progress.info(ValidationSummary.describe(l));
    }
    progress.step("wrote " + layout.table("validation"), rows);
    if (curve != null) {
      progress.info("distance curve by bin (k = 1 nearest; edges are each seed's quantile bins, averaged; beyond = past the planted"
          + " reach in every seed)");
      progress.info(CurveSummary.binHeader());
      List<CurveSummary.BinLine> binLines = curve.bins();
      binLines.forEach(l -> progress.info(CurveSummary.describe(l)));
      progress.info("distance curve per outcome: seeds whose uniform band covers the planted curve in every bin, seeds with"
          + " |first bin| > |last bin|, rejections at 5% pooled over the bins beyond the planted reach");
      progress.info(CurveSummary.curveHeader());
      curve.curves().forEach(l -> progress.info(CurveSummary.describe(l)));
      progress.step("wrote " + layout.table("validation_curve") + " and " + layout.table("validation_curve_summary"), binLines.size());
    }
    progress.done();
    return 0;
  }

}
