package org.cercania.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidResult;
import org.cercania.did.Estimators;
import org.cercania.io.Outputs;

/**
 * Times, on one panel size: the floor (a bare scan plus one groupBy(unit), in this warm JVM), then
 * each estimator case inside this process (the library on the warm session, its tables written as
 * Parquet, as {@code did} writes them) and as a whole process ({@code bin/cercania did}, JVM start
 * included), and checks that both runs wrote the same tables.
 */
public final class DidBench {
  private final SparkSession spark;
  private final BenchSettings settings;
  private final Consumer<String> progress;

  public DidBench(SparkSession spark, BenchSettings settings, Consumer<String> progress) {
    this.spark = spark;
    this.settings = settings;
    this.progress = progress;
  }

  public List<Measurement> run(long rows) throws IOException, InterruptedException {
    Path panel = BenchPanel.path(settings.dir(), rows);
    Reading made = InProcessMeter.measure(() -> BenchPanel.ensure(spark, panel, rows));
    progress.accept(String.format("panel %s: %,d rows (%,d units x %d periods), ready in %.1f s", panel, rows,
        rows / BenchPanel.PERIODS, BenchPanel.PERIODS, made.seconds()));
    List<Measurement> out = new ArrayList<>();
    Measurement floor = floor(panel, rows);
    out.add(floor);
    report(floor);
    for (BenchCase c : settings.cases()) {
      Measurement inside = inProcess(c, panel, rows, floor.reading().seconds());
      out.add(inside);
      report(inside);
      if (settings.runProcesses()) {
        Measurement whole = process(c, panel, rows, floor.reading().seconds(), inside.estimate());
        out.add(whole);
        report(whole);
      }
    }
    return out;
  }

  /** One scan and one shuffle by unit, twice; the second (warm) run is the floor. */
  private Measurement floor(Path panel, long rows) {
    Runnable scan = () -> spark.read().parquet(panel.toString()).groupBy(BenchPanel.UNIT)
        .agg(count(lit(1)), sum(col(BenchPanel.OUTCOME))).write().format("noop").mode("overwrite").save();
    scan.run();
    Reading r = InProcessMeter.measure(scan);
    return new Measurement("floor", Measurement.IN_PROCESS, rows, r, r.seconds(), Double.NaN, null,
        "spark.read.parquet(panel).groupBy(unit).agg(count, sum(y)) -> noop");
  }

  private Measurement inProcess(BenchCase c, Path panel, long rows, double floor) {
    String dir = runDir("in-process", rows, c).toString();
    DidResult[] result = new DidResult[1];
    Reading r = InProcessMeter.measure(() -> {
      result[0] = Estimators.byName(c.estimator()).estimate(spark.read().parquet(panel.toString()), c.spec());
      for (Map.Entry<String, Dataset<Row>> t : result[0].tables().entrySet()) {
        Outputs.writeParquet(t.getValue(), dir + "/" + t.getKey());
      }
    });
    double estimate = result[0].overall() == null ? Double.NaN : result[0].overall().estimate();
    return new Measurement(c.name(), Measurement.IN_PROCESS, rows, r, floor, estimate, null,
        "Estimators.byName(\"" + c.estimator() + "\").estimate(panel, spec) + tables written as Parquet");
  }

  private Measurement process(BenchCase c, Path panel, long rows, double floor, double estimate)
      throws IOException, InterruptedException {
    Path dir = runDir("process", rows, c);
    List<String> cmd = new ArrayList<>(List.of(settings.launcher().toString(), "--master", settings.master()));
    cmd.addAll(c.didArguments(panel.toString(), dir.toString()));
    Path log = Files.createDirectories(settings.dir().resolve("logs")).resolve(rows + "-" + c.name() + ".log");
    // the jar as it is: a stale-source rebuild must not be timed
    Reading r = ProcessMeter.run(cmd, Map.of("CERCANIA_NO_BUILD", "1"), log);
    List<String> tables = tableNames(runDir("in-process", rows, c));
    Optional<String> diff = TableComparison.firstDifference(spark, runDir("in-process", rows, c).toString(), dir.toString(), tables);
    diff.ifPresent(d -> progress.accept(c.name() + ": the whole-process tables differ from the in-process ones: " + d));
    return new Measurement(c.name(), Measurement.PROCESS, rows, r, floor, estimate, diff.isEmpty(), String.join(" ", cmd));
  }

  private Path runDir(String mode, long rows, BenchCase c) {
    return settings.dir().resolve(mode).resolve(Long.toString(rows)).resolve(c.name());
  }

  private static List<String> tableNames(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  private void report(Measurement m) {
    progress.accept(BenchReport.line(m));
  }
}
