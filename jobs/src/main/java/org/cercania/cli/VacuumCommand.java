package org.cercania.cli;

import java.util.Set;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;
import org.cercania.io.SparkSessions;
import org.cercania.runs.Retention;

/** {@code cercania vacuum}: applies the retention setting (cercania.retention) to --out now. */
public final class VacuumCommand implements Command {
  @Override
  public String name() {
    return "vacuum";
  }

  @Override
  public String summary() {
    return "Delete runs older than cercania.retention from every table and published/, then vacuum the Delta files.";
  }

  @Override
  public Options options() {
    return StudyOptions.add(new Options(name(), "--out DIR --set cercania.retention=90d"), null);
  }

  @Override
  public int run(Options o) throws Exception {
    o.require("--out");
    Settings s = StudyOptions.settings(o);
    if (s.string("cercania.retention").isBlank()) {
      throw Errors.usage("cercania.retention is not set; e.g. --set cercania.retention=90d");
    }
    try (AutoCloseable lock = RunContext.lock(s, name())) {
      Retention.apply(SparkSessions.get("cercania vacuum"), s.string("cercania.out"), s.raw().getDuration("cercania.retention"),
          Set.of());
    }
    return 0;
  }
}
