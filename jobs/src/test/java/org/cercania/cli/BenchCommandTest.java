package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.bench.BenchPanel;
import org.cercania.io.TableSchema;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench command in this JVM on a tiny panel (no whole processes: the failsafe BenchIT runs
 * those): its table's shape, twfe's estimate against a brute-force two-way demeaning of the same
 * panel, and exposure's cross-join check.
 */
@ExtendWith(SparkExtension.class)
class BenchCommandTest {

  @Test
  void tinyPanelInProcess(SparkSession spark, @TempDir Path out) throws Exception {
    int code = Main.run(new String[] {"bench", "--rows", "2000", "--estimators", "twfe", "--skip-process", "--exposure-units", "300",
        "--exposure-sample", "20", "--out", out.toString()});
    assertEquals(0, code);
    List<Row> rows = spark.read().parquet(out.resolve("bench.parquet").toString()).collectAsList();
    assertEquals(TableSchema.load("bench").columnNames(), List.of(rows.get(0).schema().fieldNames()));
    Map<String, Row> byName = new HashMap<>();
    for (Row r : rows) {
      byName.put(r.getAs("name") + "/" + r.getAs("mode"), r);
    }
    assertEquals(Set.of("floor/in_process", "twfe/in_process", "exposure/in_process", "cross-join/scaled"), byName.keySet());

    Row floor = byName.get("floor/in_process");
    assertEquals(2000L, (long) floor.getAs("rows"));
    assertEquals(1.0, (double) floor.getAs("ratio_to_floor"), 1e-12);
    Row twfe = byName.get("twfe/in_process");
    assertEquals((double) twfe.getAs("seconds") / (double) floor.getAs("seconds"), (double) twfe.getAs("ratio_to_floor"), 1e-9);
    assertEquals(2000 / (double) twfe.getAs("seconds"), (double) twfe.getAs("rows_per_second"), 1e-6);
    assertTrue((double) twfe.getAs("cpu_seconds") > 0);
    assertEquals(twoWayDemeanedSlope(spark, BenchPanel.path(out, 2000)), (double) twfe.getAs("estimate"), 1e-9);
    assertNull(twfe.getAs("agrees"));

    Row cross = byName.get("cross-join/scaled");
    assertEquals(300L * 17, (long) cross.getAs("rows"));
    assertEquals(true, cross.getAs("agrees"));
    String md = Files.readString(out.resolve("bench.md"));
    assertTrue(md.startsWith("`bin/cercania --master local[2] bench --rows 2000 --out "), md);
    assertTrue(md.contains("cores") && md.contains("| 2,000 | twfe | in_process |"), md);
  }

  /**
   * The TWFE coefficient of y on treated x post with unit and period effects, on a balanced panel:
   * the slope of the two-way demeaned y on the two-way demeaned treatment dummy (Frisch-Waugh).
   */
  private static double twoWayDemeanedSlope(SparkSession spark, Path panel) {
    List<Row> rows = spark.read().parquet(panel.toString()).selectExpr("unit", "period",
        "cast(case when cohort > 0 and period >= cohort then 1 else 0 end as double) as d", "y").collectAsList();
    Map<Long, double[]> unit = new HashMap<>();
    Map<Integer, double[]> period = new HashMap<>();
    double[] all = new double[3];
    for (Row r : rows) {
      for (double[] acc : List.of(unit.computeIfAbsent(r.getLong(0), k -> new double[3]),
          period.computeIfAbsent(r.getInt(1), k -> new double[3]), all)) {
        acc[0] += r.getDouble(2);
        acc[1] += r.getDouble(3);
        acc[2] += 1;
      }
    }
    double sxy = 0;
    double sxx = 0;
    for (Row r : rows) {
      double[] u = unit.get(r.getLong(0));
      double[] p = period.get(r.getInt(1));
      double dd = r.getDouble(2) - u[0] / u[2] - p[0] / p[2] + all[0] / all[2];
      double yy = r.getDouble(3) - u[1] / u[2] - p[1] / p[2] + all[1] / all[2];
      sxy += dd * yy;
      sxx += dd * dd;
    }
    return sxy / sxx;
  }
}
