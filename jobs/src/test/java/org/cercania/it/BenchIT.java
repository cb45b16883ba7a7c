package org.cercania.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cercania bench} at 1M rows, twfe and cs, through the launcher: keeps the benchmark
 * from rotting (no timing assertions). The whole-process runs must write the same tables as the
 * in-process ones, and the table must have one floor row and an in-process and a process row per estimator.
 */
@ExtendWith(SparkExtension.class)
class BenchIT {

  @Test
  void oneMillionRowsTwfeAndCs(SparkSession spark, @TempDir Path out) throws Exception {
    Launcher.Result r = Launcher.run(out.resolve("bench.log"), "--master", "local[2]", "bench", "--rows", "1000000",
        "--estimators", "twfe,cs", "--skip-exposure", "--skip-run", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.output());
    List<Row> rows = spark.read().parquet(out.resolve("bench.parquet").toString())
        .orderBy("name", "mode").collectAsList();
    assertEquals(List.of("cs/in_process", "cs/process", "floor/in_process", "twfe/in_process", "twfe/process"),
        rows.stream().map(x -> x.getAs("name") + "/" + x.getAs("mode")).toList());
    for (Row x : rows) {
      assertEquals(1_000_000L, (long) x.getAs("rows"));
      assertTrue((double) x.getAs("seconds") > 0, x.toString());
      if ("process".equals(x.getAs("mode"))) {
        assertEquals(true, x.getAs("agrees"), "whole process and in-process tables differ: " + x);
        assertTrue(((String) x.getAs("command")).contains(" --master local[2] did --input "), x.toString());
      }
    }
    String md = Files.readString(out.resolve("bench.md"));
    assertEquals(5, md.lines().filter(l -> l.startsWith("| 1,000,000 |")).count(), md);
    assertTrue(r.output().contains("| 1,000,000 | cs | process |"), r.output());
  }
}
