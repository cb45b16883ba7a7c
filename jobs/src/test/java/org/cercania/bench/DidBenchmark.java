package org.cercania.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Not a test: times {@code bin/cercania did --estimator E} end to end for each estimator asked for
 * (JVM start included; for cs all four aggregations, the Wald pre-test, analytic SEs) on a balanced
 * panel shaped like ANCHORS.md's
 * (10 periods, cohorts first treated in periods 4-9 plus about 40% never treated, one covariate),
 * written once as Parquet; and, for scale, the floor: a bare Spark scan + groupBy(unit) of the same
 * file in this JVM.
 *
 * <p>Run from the repository root:
 * {@code bin/bench DidBenchmark [rows] [estimators] [dir] [extra did options...]} (defaults
 * 10000000, cs, /tmp/cercania-cs-bench; estimators comma-separated, e.g. {@code twfe,sun-abraham};
 * extra options e.g. {@code --covariates x}, {@code --bootstrap 1000}). BENCH_REPS runs (default 1)
 * of each.
 */
public final class DidBenchmark {
  private DidBenchmark() {}

  static final int PERIODS = 10;

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    String[] estimators = (args.length > 1 ? args[1] : "cs").split(",");
    Path dir = Paths.get(args.length > 2 ? args[2] : "/tmp/cercania-cs-bench");
    int reps = Integer.parseInt(System.getenv().getOrDefault("BENCH_REPS", "1"));
    List<String> extra = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      extra.add(args[i]);
    }
    long units = rows / PERIODS;
    Path panel = dir.resolve("panel-" + rows + "-double.parquet");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("cs-benchmark")
        .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "2")
        .config("spark.sql.adaptive.enabled", "false").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    if (!Files.exists(panel)) {
      long t0 = System.nanoTime();
      // unit-level draws from hashes of the unit id, so the file does not depend on partitioning
      Dataset<Row> u = spark.range(units).toDF("unit")
          .withColumn("uc", expr("(pmod(xxhash64(unit, 1), 1000000) + 0.5) / 1000000"))
          .withColumn("cohort", expr("case when uc < 0.4 then 0 else 4 + cast(floor((uc - 0.4) / 0.6 * 6) as int) end"))
          .withColumn("alpha", expr("(pmod(xxhash64(unit, 2), 1000000) / 1000000.0 - 0.5) * 3"))
          .withColumn("x", expr("(pmod(xxhash64(unit, 3), 1000000) / 1000000.0) + 0.1 * cohort"))
          .withColumn("period", explode(sequence(lit(1), lit(PERIODS))))
          .withColumn("y", expr("alpha + 0.3 * period + 0.5 * x * period / 10"
              + " + case when cohort > 0 and period >= cohort then 1 + 0.2 * (period - cohort) else 0 end"
              + " + (pmod(xxhash64(unit, period, 4), 1000000) / 1000000.0 - 0.5) * 2"))
          // doubles, as a real panel stores them (the literals above would otherwise make decimals)
          .select(col("unit"), col("period"), col("cohort"), col("y").cast("double").as("y"), col("x").cast("double").as("x"));
      u.write().parquet(panel.toString());
      System.out.printf(Locale.ROOT, "wrote %,d rows (%,d units x %d periods) to %s in %.1f s%n", rows, units, PERIODS, panel,
          (System.nanoTime() - t0) / 1e9);
    }

    // the floor: one scan and one shuffle by unit (twice; the second is reported)
    double floor = 0;
    for (int rep = 0; rep < 2; rep++) {
      long t0 = System.nanoTime();
      spark.read().parquet(panel.toString()).groupBy("unit").agg(count(lit(1)), sum(col("y"))).write().format("noop")
          .mode("overwrite").save();
      floor = (System.nanoTime() - t0) / 1e9;
    }
    System.out.printf(Locale.ROOT, "floor (scan + groupBy(unit), warm JVM): %.1f s%n", floor);
    spark.stop();

    Path out = dir.resolve("out");
    // the jar must exist before timing (bin/cercania would build it inside the timed run)
    if (!new File("jobs/target/cercania-jobs.jar").exists()) {
      throw new IllegalStateException("run from the repository root after mvn -DskipTests package");
    }
    for (String estimator : estimators) {
      List<String> cmd = new ArrayList<>(List.of("bin/cercania", "--master", "local[2]", "did", "--input", panel.toString(),
          "--unit", "unit", "--time", "period", "--cohort", "cohort", "--outcome", "y", "--estimator", estimator, "--out",
          out.resolve(estimator).toString()));
      cmd.addAll(extra);
      for (int rep = 0; rep < reps; rep++) {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("CERCANIA_NO_BUILD", "1"); // time the jar built above, whatever changes meanwhile
        Process p = pb.start();
        int code = p.waitFor();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s run %d: %s -> exit %d in %.1f s (%.1fx the floor)%n", estimator, rep + 1,
            String.join(" ", cmd), code, secs, secs / floor);
      }
    }
  }
}
