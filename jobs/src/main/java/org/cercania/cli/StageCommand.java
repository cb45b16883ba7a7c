package org.cercania.cli;

import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.SparkSessions;

/** A pipeline stage that reads and writes only its run's rows of the tables under --out: exposure, panel, estimate, publish. */
final class StageCommand implements Command {
  private final String name;
  private final String summary;
  private final Pipeline.Stage stage;

  StageCommand(String name, String summary, Pipeline.Stage stage) {
    this.name = name;
    this.summary = summary;
    this.stage = stage;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public Options options() {
    return RunContext.add(StudyOptions.add(new Options(name, "--out DIR [--run-id ID] [--study NAME] [--set KEY=VALUE ...]"), null));
  }

  @Override
  public int run(Options o) throws Exception {
    o.require("--out");
    run(o, name, stage);
    return 0;
  }

  /** Runs {@code stage} on the run the options name (--run-id, else the last ingested), holding the --out lock. */
  static void run(Options o, String name, Pipeline.Stage stage) throws Exception {
    Settings s = StudyOptions.settings(o);
    SparkSession spark = SparkSessions.get("cercania " + name);
    try (AutoCloseable lock = RunContext.lock(s, name)) {
      Run run = RunContext.of(o, s, spark.sparkContext().hadoopConfiguration());
      new Progress(name).info("run " + run.runId() + " (study " + run.study() + ", as of "
          + (run.asOf() == null ? "latest" : run.asOf()) + ")");
      stage.run(RunContext.limited(s, run.asOf()), spark, run);
    }
  }
}
