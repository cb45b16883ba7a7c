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
 * Times the whole pipeline on a generated sample as one process, JVM start, sample generation and
 * every stage included: the embedded sample ({@code bin/cercania run --sample}, row {@code run-sample})
 * or the Peru-scale one on the real geography ({@code run --sample --study peru-sim}, row
 * {@code run-peru}). Its rows are the panel rows the run built; it has no floor (its ratio is left empty).
 */
public final class SampleRunBench {
  private SampleRunBench() {}

  public static Measurement run(SparkSession spark, BenchSettings settings) throws IOException, InterruptedException {
    return run(spark, settings, "run-sample", "sample-run", List.of());
  }

  /** The Peru-scale run on the real geography in {@code peruData} (../shared/data/peru beside the installation). */
  public static Measurement peru(SparkSession spark, BenchSettings settings, Path peruData) throws IOException, InterruptedException {
    return run(spark, settings, "run-peru", "peru-run", List.of("--study", "peru-sim", "--set", "cercania.peru.data=" + peruData));
  }

  private static Measurement run(SparkSession spark, BenchSettings settings, String name, String folder, List<String> study)
      throws IOException, InterruptedException {
    Path out = settings.dir().resolve(folder);
    List<String> cmd = new ArrayList<>(List.of(settings.launcher().toString(), "--master", settings.master(), "run", "--sample"));
    cmd.addAll(study);
    cmd.addAll(List.of("--out", out.toString()));
    Path log = Files.createDirectories(settings.dir().resolve("logs")).resolve(folder + ".log");
    Reading r = ProcessMeter.run(cmd, Map.of("CERCANIA_NO_BUILD", "1"), log);
    long rows = spark.read().format("delta").load(new RunLayout(out.toString()).panel()).count();
    return new Measurement(name, Measurement.PROCESS, rows, r, Double.NaN, Double.NaN, null, String.join(" ", cmd));
  }
}
