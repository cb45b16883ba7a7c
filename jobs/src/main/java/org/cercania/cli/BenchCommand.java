package org.cercania.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.cercania.bench.BenchCase;
import org.cercania.bench.BenchReport;
import org.cercania.bench.BenchSettings;
import org.cercania.bench.DidBench;
import org.cercania.bench.ExposureBench;
import org.cercania.bench.Measurement;
import org.cercania.bench.SampleRunBench;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;
import org.cercania.io.SparkSessions;

/**
 * {@code cercania bench}: for each panel size, the floor, every estimator case inside this process
 * and as a whole {@code bin/cercania did} process, then exposure against its naive cross join;
 * writes OUT/bench.parquet and OUT/bench.md and prints the table.
 */
public final class BenchCommand implements Command {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "Time every estimator (in process and as a whole process) and exposure against a floor; write OUT/bench.parquet and bench.md.";
  }

  @Override
  public Options options() {
    return new Options(name(), "--rows N[,N...] --out DIR [options]")
        .value("--rows", "N[,N...]", "panel sizes in rows (units x 10 periods); each panel is written once under --out and reused",
            "1000000")
        .value("--out", "DIR", "output folder: panels, the runs' tables, logs, bench.parquet and bench.md")
        .value("--estimators", "A,B", "cases to time, of: " + String.join(", ", BenchCase.names()) + " (default all)")
        .flag("--skip-process", "time the estimators inside this process only (no bin/cercania did processes)")
        .flag("--skip-exposure", "do not time exposure against the cross join")
        .flag("--skip-run", "do not time the whole sample run (bin/cercania run --sample, about 2-3 minutes)")
        .flag("--peru", "also time the whole run at Peru scale on the real geography (row run-peru: bin/cercania run --sample"
            + " --study peru-sim on ../shared/data/peru beside the installation; several minutes)")
        .value("--exposure-units", "N", "units of the exposure run (x 17 years)", "100000")
        .value("--exposure-sample", "N", "units the cross join runs on (scaled linearly to --exposure-units)", "1000");
  }

  @Override
  public int run(Options o) throws Exception {
    Path dir = Paths.get(o.require("--out"));
    List<Long> sizes = sizes(o.get("--rows"));
    List<BenchCase> cases = cases(o.get("--estimators"));
    SparkSession spark = SparkSessions.get("cercania bench");
    BenchSettings settings = new BenchSettings(Files.createDirectories(dir), cases, o.flag("--skip-process") ? null : launcher(),
        spark.sparkContext().master(), o.flag("--skip-exposure") ? 0 : positive(o, "--exposure-units"),
        positive(o, "--exposure-sample"));
    Path peruData = o.flag("--peru") ? peruData(settings) : null;
    Progress progress = new Progress("bench");
    List<Measurement> ms = new ArrayList<>();
    DidBench did = new DidBench(spark, settings, progress::info);
    for (long rows : sizes) {
      ms.addAll(did.run(rows));
    }
    if (settings.runExposure()) {
      ms.addAll(new ExposureBench(spark, progress::info).run(settings.exposureUnits(),
          Math.min(settings.exposureSample(), settings.exposureUnits()), home()));
    }
    if (settings.runProcesses() && !o.flag("--skip-run")) {
      Measurement run = SampleRunBench.run(spark, settings);
      progress.info(BenchReport.line(run));
      ms.add(run);
    }
    if (peruData != null) {
      Measurement peru = SampleRunBench.peru(spark, settings, peruData);
      progress.info(BenchReport.line(peru));
      ms.add(peru);
    }
    String md = BenchReport.write(spark, dir, ms, commandLine(o, settings.master()), sparkSettings(spark));
    progress.step("wrote " + dir.resolve("bench.parquet") + " and bench.md", ms.size());
    System.out.println(md);
    progress.done();
    return 0;
  }

  /** The real data the --peru run needs, checked before anything is timed. */
  private static Path peruData(BenchSettings settings) {
    Path data = home() == null ? null : home().resolve("../shared/data/peru").normalize();
    if (!settings.runProcesses() || data == null || !Files.isDirectory(data)) {
      throw Errors.usage("--peru runs bin/cercania (not with --skip-process) on ../shared/data/peru beside the installation; "
          + (data == null ? "no installation found" : data + " is not there"));
    }
    return data;
  }

  private static List<Long> sizes(String rows) {
    List<Long> out = new ArrayList<>();
    for (String s : rows.split(",")) {
      try {
        long n = Long.parseLong(s.trim());
        if (n < 10 * 20) {
          throw Errors.badOptionValue("--rows", rows, "sizes of at least 200 rows (20 units x 10 periods)");
        }
        out.add(n);
      } catch (NumberFormatException e) {
        throw Errors.badOptionValue("--rows", rows, "comma-separated row counts, e.g. 1000000,10000000");
      }
    }
    return out;
  }

  private static List<BenchCase> cases(String names) {
    if (names == null) {
      return BenchCase.ALL;
    }
    List<BenchCase> out = new ArrayList<>();
    for (String n : names.split(",")) {
      out.add(BenchCase.ALL.stream().filter(c -> c.name().equals(n.trim())).findFirst().orElseThrow(() ->
          Errors.badOptionValue("--estimators", n.trim(), "one of " + String.join(", ", BenchCase.names()))));
    }
    return out;
  }

  private static int positive(Options o, String option) {
    int n = o.integer(option, 0);
    if (n < 1) {
      throw Errors.badOptionValue(option, Integer.toString(n), "a positive number");
    }
    return n;
  }

  /** The installation bin/cercania runs from (it sets cercania.home and CERCANIA_HOME), or null. */
  private static Path home() {
    String h = System.getProperty("cercania.home", System.getenv("CERCANIA_HOME"));
    return h == null ? null : Paths.get(h);
  }

  private static Path launcher() {
    Path home = home();
    Path launcher = home == null ? null : home.resolve("bin/cercania");
    if (launcher == null || !Files.isExecutable(launcher)) {
      throw Errors.usage("the whole-process runs need bin/cercania, found through the cercania.home property or CERCANIA_HOME"
          + " (bin/cercania sets both; it was " + (home == null ? "unset" : home) + "); run through bin/cercania or pass --skip-process");
    }
    return launcher;
  }

  private static String commandLine(Options o, String master) {
    StringBuilder b = new StringBuilder("bin/cercania --master " + master + " bench");
    for (String opt : List.of("--rows", "--out", "--estimators", "--exposure-units", "--exposure-sample")) {
      if (o.get(opt) != null && !(opt.startsWith("--exposure") && o.flag("--skip-exposure"))) {
        b.append(' ').append(opt).append(' ').append(o.get(opt));
      }
    }
    for (String flag : List.of("--skip-process", "--skip-exposure", "--skip-run", "--peru")) {
      if (o.flag(flag)) {
        b.append(' ').append(flag);
      }
    }
    return b.toString();
  }

  private static String sparkSettings(SparkSession spark) {
    SparkConf c = spark.sparkContext().getConf();
    return String.format(Locale.ROOT, "master %s, driver heap %.1f GiB, shuffle partitions %s, default parallelism %s, adaptive %s",
        c.get("spark.master"), Runtime.getRuntime().maxMemory() / 1024.0 / 1024 / 1024, spark.conf().get("spark.sql.shuffle.partitions"),
        c.get("spark.default.parallelism", "(unset)"), spark.conf().get("spark.sql.adaptive.enabled"));
  }
}
