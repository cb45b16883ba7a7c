package org.cercania.cli;

import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;
import org.cercania.io.SparkSessions;

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
    Options o = SampleCommand.sampleFlags(StudyOptions.add(new Options(name(), "[--sample [sample flags]] --out DIR [--study NAME]"), "sample"))
        .flag("--sample", "generate the embedded synthetic sample first (study 'sample')")
        .value("--run-id", "ID", "run id recorded with rejects (default: UTC time)")
        .flag("--report", "then execute the notebooks and render the HTML report under OUT/published/report (see 'report')");
    return IngestCommand.acceptVolumeDrop(o);
  }

  @Override
  public int run(Options o) {
    Progress progress = new Progress("run");
    o.require("--out");
    Settings s = StudyOptions.settings(o);
    if (o.flag("--sample")) {
      if (!"sample".equals(o.get("--study"))) {
        throw Errors.usage("--sample runs the 'sample' study; drop --study " + o.get("--study"));
      }
      SampleCommand.generate(o, s);
    }
    SparkSession spark = SparkSessions.get("cercania run");
    Pipeline.ingest(s, spark, IngestCommand.runId(o), Pipeline.studyInputs(s), IngestCommand.acceptedDrops(o));
    Pipeline.exposure(s, spark);
    Pipeline.panel(s, spark);
    Pipeline.estimate(s, spark);
    Pipeline.publish(s, spark);
    progress.info("published tables under " + StageSettings.of(s).layout().published());
    if (o.flag("--report")) {
      ReportCommand.render(StageSettings.of(s).layout().root(), null, "python3", 600);
    }
    progress.done();
    return 0;
  }
}
