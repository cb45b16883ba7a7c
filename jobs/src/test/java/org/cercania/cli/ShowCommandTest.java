package org.cercania.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.CercaniaException;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.publish.Snapshot;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code show}: a past run's rows by --run-id (at its own last version once removed) or a table at --version N. */
@ExtendWith(SparkExtension.class)
class ShowCommandTest {
  private static final StructType T = DataTypes.createStructType(List.of(
      DataTypes.createStructField("k", DataTypes.StringType, false), DataTypes.createStructField("v", DataTypes.DoubleType, false)));

  private static Dataset<Row> rows(SparkSession spark, String k, double v) {
    return spark.createDataFrame(List.of(RowFactory.create(k, v)), T);
  }

  private static List<String> kv(Dataset<Row> d) {
    List<String> out = new ArrayList<>();
    for (Row r : d.orderBy("run_id", "k").collectAsList()) {
      out.add(r.getAs("run_id") + ":" + r.getAs("k") + "=" + r.getAs("v"));
    }
    return out;
  }

  @Test
  void aPastRunByIdOrATableByVersion(SparkSession spark, @TempDir Path dir) {
    String out = dir.toString();
    RunLayout layout = new RunLayout(out);
    Run a = new Run(layout, "s", "run-a", null);
    Run b = new Run(layout, "s", "run-b", null);
    a.write(rows(spark, "x", 1.0), layout.panel(), null);   // version 0
    b.write(rows(spark, "x", 9.0), layout.panel(), null);   // version 1
    a.write(rows(spark, "x", 5.0), layout.panel(), null);   // version 2: run-a redone with other inputs

    assertEquals(List.of("run-a:x=5.0"), kv(ShowCommand.read(spark, out, "panel", "run-a", null)));
    assertEquals(List.of("run-a:x=1.0"), kv(ShowCommand.read(spark, out, "panel", null, 0L)), "version 0: run-a's first rows");
    assertEquals(List.of("run-a:x=1.0", "run-b:x=9.0"), kv(ShowCommand.read(spark, out, "panel", null, 1L)));
    assertEquals(List.of("run-b:x=9.0"), kv(ShowCommand.read(spark, out, "panel", "run-b", 1L)));

    // Without --run-id: the CURRENT published run.
    Snapshot.point(spark.sparkContext().hadoopConfiguration(), out, "run-b");
    assertEquals(List.of("run-b:x=9.0"), kv(ShowCommand.read(spark, out, "panel", null, null)));

    // A run whose rows were removed since (retention) is read at the last version it wrote.
    DeltaTable.forPath(spark, layout.panel()).delete("run_id = 'run-a'");
    assertEquals(List.of("run-a:x=5.0"), kv(ShowCommand.read(spark, out, "panel", "run-a", null)));

    CercaniaException never = assertThrows(CercaniaException.class, () -> ShowCommand.read(spark, out, "panel", "run-c", null));
    assertTrue(never.getMessage().contains("run run-c never wrote " + layout.panel()), never.getMessage());
    CercaniaException none = assertThrows(CercaniaException.class, () -> ShowCommand.read(spark, out, "results/estimates", "run-a", null));
    assertTrue(none.getMessage().contains("no Delta table " + layout.result("estimates")), none.getMessage());
  }
}
