package org.cercania.cli;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.SparkSessions;
import org.cercania.publish.Snapshot;

/** {@code cercania run}: every stage in order in one Spark application (optionally on the embedded sample). */
public final class RunCommand implements Command {
  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "Run all stages (sample with --sample, ingest, exposure, panel, estimate, publish; the report with --report) and print estimates next to the planted truth.";
  }

  @Override
  public Options options() {
    Options o = RunContext.add(SampleCommand.sampleFlags(StudyOptions.add(new Options(name(),
        "[--sample [sample flags]] --out DIR [--study NAME] [--as-of DATE] [--run-id ID]"), "sample"))
        .flag("--sample", "generate the embedded synthetic sample first (study 'sample')")
        .flag("--report", "then execute the notebooks and render the HTML report under OUT/published/report (see 'report')"));
    return IngestCommand.acceptVolumeDrop(o);
  }

  @Override
  public int run(Options o) throws Exception {
    Progress progress = new Progress("run");
    o.require("--out");
    Settings s = StudyOptions.settings(o);
    StageSettings.of(s).requireOutcomeInputs();
    if (o.flag("--sample") && !s.has("cercania.sample.seed")) {
      throw Errors.usage("--sample runs a study with a cercania.sample section ('sample', 'peru-sim'); study '"
          + o.get("--study") + "' has none");
    }
    try (AutoCloseable lock = RunContext.lock(s, "run")) {
      if (o.flag("--sample")) {
        SampleCommand.generate(o, s);
      }
      SparkSession spark = SparkSessions.get("cercania run");
      Map<String, String> files = Pipeline.requireInputs(Pipeline.studyInputs(s));
      Run run = RunContext.start(o, s, files, spark.sparkContext().hadoopConfiguration());
      Settings limited = RunContext.limited(s, run.asOf());
      Pipeline.ingest(limited, spark, run, files, IngestCommand.acceptedDrops(o));
      for (Pipeline.Stage stage : new Pipeline.Stage[] {Pipeline::exposure, Pipeline::panel, Pipeline::estimate, Pipeline::publish}) {
        stage.run(limited, spark, run);
      }
      progress.info("published run " + run.runId() + " under " + Snapshot.dir(run.out(), run.runId()) + "; CURRENT -> "
          + Snapshot.current(spark.sparkContext().hadoopConfiguration(), run.out()));
      Pipeline.retention(limited, spark);
    }
    if (o.flag("--report")) {
      ReportCommand.render(StageSettings.of(s).layout().root(), null, "python3", 600);
    }
    progress.done();
    return 0;
  }
}
