package org.cercania.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.RunLayout;

/**
 * Times the whole pipeline on the embedded sample ({@code bin/cercania run --sample}) as one process,
 * JVM start, sample generation and every stage included. Its rows are the panel rows the run built;
 * it has no floor (its ratio is left empty).
 */
public final class SampleRunBench {
  private SampleRunBench() {}

  public static Measurement run(SparkSession spark, BenchSettings settings) throws IOException, InterruptedException {
    Path out = settings.dir().resolve("sample-run");
    List<String> cmd = new ArrayList<>(List.of(settings.launcher().toString(), "--master", settings.master(), "run", "--sample",
        "--out", out.toString()));
    Path log = Files.createDirectories(settings.dir().resolve("logs")).resolve("sample-run.log");
    Reading r = ProcessMeter.run(cmd, Map.of("CERCANIA_NO_BUILD", "1"), log);
    long rows = spark.read().format("delta").load(new RunLayout(out.toString()).panel()).count();
    return new Measurement("run-sample", Measurement.PROCESS, rows, r, Double.NaN, Double.NaN, null, String.join(" ", cmd));
  }
}
