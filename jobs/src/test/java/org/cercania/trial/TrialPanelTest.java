package org.cercania.trial;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.CercaniaException;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The panel's arms per cluster: read when consistent, a named error when a station has two arms or an unknown one. */
@ExtendWith(SparkExtension.class)
class TrialPanelTest {
  @Test
  void armsPerClusterAndTheirErrors(SparkSession spark) {
    DensePanel panel = new DensePanel(16, 2, 2, 1);
    Dataset<Row> frame = panel.frame(spark, WildClusterBootstrapTest.ARM_OF, WildClusterBootstrapTest.ARMS);
    Map<String, Integer> arms = TrialPanel.clusterArms(frame, "p.csv", DensePanel.spec(), WildClusterBootstrapTest.ARMS);
    for (int g = 0; g < 16; g++) {
      assertEquals(WildClusterBootstrapTest.ARM_OF[g], arms.get(String.format("S%02d", g)));
    }
    Dataset<Row> mixed = frame.withColumn("arm", when(col("woman").equalTo("W5").and(col("month").equalTo(1)), lit("both"))
        .otherwise(col("arm")));
    CercaniaException e = assertThrows(CercaniaException.class,
        () -> TrialPanel.clusterArms(mixed, "p.csv", DensePanel.spec(), WildClusterBootstrapTest.ARMS));
    assertEquals("p.csv: station 'S02', field 'arm': value 'both .. risk_scale' is not one arm for the whole cluster (the arm is"
        + " assigned to clusters)", e.getMessage());
    Dataset<Row> unknown = frame.withColumn("arm", when(col("station").equalTo("S03"), lit("placebo")).otherwise(col("arm")));
    e = assertThrows(CercaniaException.class,
        () -> TrialPanel.clusterArms(unknown, "p.csv", DensePanel.spec(), WildClusterBootstrapTest.ARMS));
    assertEquals("p.csv: station 'S03', field 'arm': value 'placebo' is not one of the arms control, training, risk_scale, both",
        e.getMessage());
  }
}
