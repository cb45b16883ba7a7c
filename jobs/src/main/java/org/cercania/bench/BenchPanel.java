package org.cercania.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark panel: units x 10 periods, cohorts first treated in periods 4-9 plus about 40% never
 * treated, one covariate, doubles, as Parquet. Unit-level draws come from hashes of the unit id, so
 * the file does not depend on partitioning. Written once per size and reused.
 */
public final class BenchPanel {
  public static final int PERIODS = 10;
  public static final String UNIT = "unit";
  public static final String TIME = "period";
  public static final String COHORT = "cohort";
  public static final String OUTCOME = "y";

  private BenchPanel() {}

  /** The panel's path under {@code dir} for {@code rows} rows. */
  public static Path path(Path dir, long rows) {
    return dir.resolve("panel-" + rows + "-double.parquet");
  }

  /** Writes the panel unless it exists; returns whether it wrote it. */
  public static boolean ensure(SparkSession spark, Path file, long rows) {
    if (Files.exists(file.resolve("_SUCCESS"))) {
      return false;
    }
    long units = rows / PERIODS;
    spark.range(units).toDF(UNIT)
        .withColumn("uc", expr("(pmod(xxhash64(unit, 1), 1000000) + 0.5) / 1000000"))
        .withColumn(COHORT, expr("case when uc < 0.4 then 0 else 4 + cast(floor((uc - 0.4) / 0.6 * 6) as int) end"))
        .withColumn("alpha", expr("(pmod(xxhash64(unit, 2), 1000000) / 1000000.0 - 0.5) * 3"))
        .withColumn("x", expr("(pmod(xxhash64(unit, 3), 1000000) / 1000000.0) + 0.1 * cohort"))
        .withColumn(TIME, explode(sequence(lit(1), lit(PERIODS))))
        .withColumn(OUTCOME, expr("alpha + 0.3 * period + 0.5 * x * period / 10"
            + " + case when cohort > 0 and period >= cohort then 1 + 0.2 * (period - cohort) else 0 end"
            + " + (pmod(xxhash64(unit, period, 4), 1000000) / 1000000.0 - 0.5) * 2"))
        // doubles, as a real panel stores them (the literals above would otherwise make decimals)
        .select(col(UNIT), col(TIME), col(COHORT), col(OUTCOME).cast("double").as(OUTCOME), col("x").cast("double").as("x"))
        .write().mode("overwrite").parquet(file.toString());
    return true;
  }
}
