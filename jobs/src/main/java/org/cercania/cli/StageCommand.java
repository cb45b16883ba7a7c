package org.cercania.cli;

import java.util.function.BiConsumer;
import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.io.SparkSessions;

/** A pipeline stage that reads and writes only tables under --out: panel, estimate, publish. */
final class StageCommand implements Command {
  private final String name;
  private final String summary;
  private final BiConsumer<Settings, SparkSession> stage;

  StageCommand(String name, String summary, BiConsumer<Settings, SparkSession> stage) {
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
    return StudyOptions.add(new Options(name, "--out DIR [--study NAME] [--set KEY=VALUE ...]"), null);
  }

  @Override
  public int run(Options o) {
    o.require("--out");
    Settings s = StudyOptions.settings(o);
    stage.accept(s, SparkSessions.get("cercania " + name));
    return 0;
  }
}
