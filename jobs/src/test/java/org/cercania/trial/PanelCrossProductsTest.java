package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Monte Carlo's driver-side sums equal the Spark pass's on the same unbalanced panel. */
@ExtendWith(SparkExtension.class)
class PanelCrossProductsTest {
  @Test
  void sparkPassAndDriverTwinAgree(SparkSession spark) {
    DensePanel panel = new DensePanel(16, 5, 4, 3);
    int[] armOf = WildClusterBootstrapTest.ARM_OF;
    ClusterCrossProducts viaSpark = TrialDesignMatrix.crossProducts(panel.frame(spark, armOf, WildClusterBootstrapTest.ARMS),
        DensePanel.spec(), "y").sums();
    List<String> ids = viaSpark.clusters();
    ClusterCrossProducts direct = PanelCrossProducts.fixedEffects(RandomizationInferenceTest.outcomes(panel),
        RandomizationInferenceTest.womanCluster(panel), ids);
    assertEquals(viaSpark.controls(), direct.controls());
    for (int g = 0; g < ids.size(); g++) {
      assertEquals(viaSpark.rows()[g], direct.rows()[g]);
      for (int i = 0; i < direct.moments()[g].length; i++) {
        for (int j = 0; j < direct.moments()[g].length; j++) {
          assertEquals(viaSpark.moments()[g][i][j], direct.moments()[g][i][j], 1e-9, "cluster " + g + " (" + i + "," + j + ")");
        }
      }
    }
  }
}
