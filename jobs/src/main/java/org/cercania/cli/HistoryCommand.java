package org.cercania.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cercania.io.SparkSessions;
import org.cercania.runs.RunHistory;

/** {@code cercania history}: the runs under --out with their Delta versions, input checksums and row counts. */
public final class HistoryCommand implements Command {
  @Override
  public String name() {
    return "history";
  }

  @Override
  public String summary() {
    return "List the runs under OUT: study, as-of date, git revision, inputs (SHA-256, rows), Delta versions and rows per table.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--out DIR").value("--out", "DIR", "the run folder");
  }

  @Override
  public int run(Options o) {
    String out = o.require("--out").replaceAll("/+$", "");
    List<RunHistory.Entry> runs = RunHistory.of(SparkSessions.get("cercania history"), out);
    if (runs.isEmpty()) {
      System.out.println("no runs under " + out);
    }
    for (RunHistory.Entry r : runs) {
      System.out.println(String.format(Locale.ROOT, "run %s  study %s  as of %s  finished %s%s%s", r.runId(), r.study(),
          r.asOf().isEmpty() ? "latest" : r.asOf(), r.finishedAt(), r.published() ? "  published" : "", r.current() ? "  CURRENT" : ""));
      System.out.println("  git " + r.gitRevision() + "  settings sha256 " + r.configHash());
      for (Map.Entry<String, RunHistory.Input> i : r.inputs().entrySet()) {
        System.out.println(String.format(Locale.ROOT, "  input %-16s sha256 %s  rows %,d  %s", i.getKey(), i.getValue().sha256(),
            i.getValue().rowsRead(), i.getValue().file()));
      }
      for (Map.Entry<String, List<Long>> v : r.versions().entrySet()) {
        Long rows = r.rows().get(v.getKey());
        System.out.println(String.format(Locale.ROOT, "  table %-26s versions %-14s rows %s", v.getKey(), v.getValue(),
            rows == null ? "0 (removed; time travel: cercania show TABLE --version N)" : String.format(Locale.ROOT, "%,d", rows)));
      }
    }
    return 0;
  }
}
