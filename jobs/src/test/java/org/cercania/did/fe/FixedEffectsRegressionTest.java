package org.cercania.did.fe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.did.SeConvention;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Spark regression against brute-force dummy-variable weighted least squares (every unit and
 * time level a column, dense matrices) on an unbalanced panel with weights, a categorical
 * regressor and clusters coarser than units.
 */
@ExtendWith(SparkExtension.class)
class FixedEffectsRegressionTest {

  private static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("unit", DataTypes.StringType, false),
      DataTypes.createStructField("t", DataTypes.IntegerType, false),
      DataTypes.createStructField("y", DataTypes.DoubleType, false),
      DataTypes.createStructField("x", DataTypes.DoubleType, false),
      DataTypes.createStructField("cat", DataTypes.IntegerType, true),
      DataTypes.createStructField("w", DataTypes.DoubleType, false),
      DataTypes.createStructField("cl", DataTypes.StringType, false)));

  @Test
  void matchesDummyVariableLeastSquaresOnAnUnbalancedWeightedPanel(SparkSession spark) {
    matchesDummyVariableLeastSquares(spark, 6, 4, false);
  }

  /** More levels than periods: the unit passes read each level through the period the unit has it in. */
  @Test
  void matchesDummyVariableLeastSquaresWithMoreLevelsThanPeriods(SparkSession spark) {
    matchesDummyVariableLeastSquares(spark, 4, 8, false);
  }

  /** More levels than periods, but some units have two levels in one period: the unit passes fall back to a column per level. */
  @Test
  void matchesDummyVariableLeastSquaresWithTwoLevelsInAPeriod(SparkSession spark) {
    matchesDummyVariableLeastSquares(spark, 4, 8, true);
  }

  private static void matchesDummyVariableLeastSquares(SparkSession spark, int periods, int categories, boolean twoLevelsInAPeriod) {
    Random rnd = new Random(7);
    int units = 40;
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < units; u++) {
      double a = rnd.nextGaussian();
      for (int t = 0; t < periods; t++) {
        if (rnd.nextDouble() < 0.2) {
          continue; // unbalanced
        }
        int copies = twoLevelsInAPeriod && u % 5 == 1 && t == 1 ? 2 : 1;
        for (int k = 0; k < copies; k++) {
          double x = rnd.nextGaussian() + 0.3 * t;
          Integer cat = u % 3 == 0 ? null : (t + u + k) % categories;
          double y = a + 0.5 * t + 1.5 * x + (cat == null ? 0 : 0.7 * cat) + rnd.nextGaussian();
          rows.add(RowFactory.create("u" + u, 2000 + t, y, x, cat, 0.5 + rnd.nextDouble(), "c" + (u / 4)));
        }
      }
    }
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
    List<Integer> levels = new ArrayList<>(); // level 0 is the reference
    for (int l = 1; l < categories; l++) {
      levels.add(l);
    }
    FixedEffectsRegression.Fit fit = new FixedEffectsRegression(new FixedEffectsRegression.Design(null, "unit", "t", "y", "w",
        "cl", List.of("x"), "cat", levels)).fit(df).get("");

    // Brute force: columns x, cat1..3, unit dummies (all), time dummies (all but the first).
    List<String> unitIds = rows.stream().map(r -> r.getString(0)).distinct().sorted().toList();
    int p = 1 + levels.size() + unitIds.size() + periods - 1;
    int n = rows.size();
    double[][] xm = new double[n][p];
    double[] y = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      xm[i][0] = r.getDouble(3);
      if (!r.isNullAt(4) && r.getInt(4) > 0) {
        xm[i][r.getInt(4)] = 1;
      }
      xm[i][1 + levels.size() + unitIds.indexOf(r.getString(0))] = 1;
      int t = r.getInt(1) - 2000;
      if (t > 0) {
        xm[i][1 + levels.size() + unitIds.size() + t - 1] = 1;
      }
      y[i] = r.getDouble(2);
      w[i] = r.getDouble(5);
    }
    RealMatrix x = new Array2DRowRealMatrix(xm);
    RealMatrix wx = x.copy();
    for (int i = 0; i < n; i++) {
      wx.setRow(i, x.getRowVector(i).mapMultiply(w[i]).toArray());
    }
    RealMatrix bread = new LUDecomposition(x.transpose().multiply(wx)).getSolver().getInverse();
    double[] beta = bread.operate(wx.transpose().operate(y));
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      e[i] = y[i] - x.getRowVector(i).dotProduct(new org.apache.commons.math3.linear.ArrayRealVector(beta));
    }
    List<String> clusters = rows.stream().map(r -> r.getString(6)).distinct().sorted().toList();
    RealMatrix meat = new Array2DRowRealMatrix(p, p);
    for (String c : clusters) {
      double[] s = new double[p];
      for (int i = 0; i < n; i++) {
        if (rows.get(i).getString(6).equals(c)) {
          for (int j = 0; j < p; j++) {
            s[j] += xm[i][j] * w[i] * e[i];
          }
        }
      }
      meat = meat.add(new Array2DRowRealMatrix(s).multiply(new Array2DRowRealMatrix(s).transpose()));
    }
    RealMatrix v = bread.multiply(meat).multiply(bread);
    double g = clusters.size();
    // dummy-variable OLS counts every parameter: the cluster_full_k convention
    double fullK = g / (g - 1) * (n - 1.0) / (n - p);

    assertEquals(n, fit.nObs());
    assertEquals(clusters.size(), fit.nClusters());
    assertTrue(fit.unitNestedInCluster());
    for (int k = 0; k < 1 + levels.size(); k++) {
      assertEquals(beta[k], fit.beta()[k], 1e-9, "coefficient " + k);
      assertEquals(Math.sqrt(v.getEntry(k, k)), fit.se(k, SeConvention.CLUSTER_RAW), 1e-9, "raw se " + k);
      assertEquals(Math.sqrt(v.getEntry(k, k) * fullK), fit.se(k, SeConvention.CLUSTER_FULL_K), 1e-9, "full-K se " + k);
      for (int j = 0; j < 1 + levels.size(); j++) {
        assertEquals(v.getEntry(k, j), fit.vcovRaw()[k][j], 1e-10);
      }
    }
  }

  @Test
  void dropsARegressorCollinearWithTheFixedEffects(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    Random rnd = new Random(3);
    for (int u = 0; u < 10; u++) {
      for (int t = 0; t < 4; t++) {
        // x is a pure time trend: absorbed by the time effects
        rows.add(RowFactory.create("u" + u, 2000 + t, rnd.nextGaussian(), (double) t, null, 1.0, "u" + u));
      }
    }
    FixedEffectsRegression.Fit fit = new FixedEffectsRegression(new FixedEffectsRegression.Design(null, "unit", "t", "y", null,
        null, List.of("x"), null, List.of())).fit(spark.createDataFrame(rows, SCHEMA)).get("");
    assertTrue(fit.dropped()[0]);
    assertTrue(Double.isNaN(fit.beta()[0]));
  }

  /**
   * A term that is 1 on every row of the units that have it (a ring whose survey clusters were all
   * reached before the window, so treated in all their years) is absorbed by the unit effects:
   * dropped, as fixest drops it, however Spark orders the sums. The demeaned diagonal is then
   * rounding residue of the raw sums (W - W^2/W per unit), which the collinearity check once compared
   * with itself, keeping the term (with a meaningless coefficient) in some runs.
   */
  @Test
  void dropsATermAbsorbedByTheUnitEffectsWhateverTheOrderOfTheSums(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    Random rnd = new Random(11);
    for (int u = 0; u < 120; u++) {
      for (int t = 0; t < 17; t++) {
        double x = u % 20 == 3 ? 1.0 : 0.0;
        for (int respondent = 0; respondent < 4; respondent++) {
          double w = Math.round((0.5 + rnd.nextDouble()) * 1e4) / 1e4; // survey weights with four decimals
          rows.add(RowFactory.create("u" + u, 2006 + t, rnd.nextGaussian(), x, null, w, "c" + (u / 2)));
        }
      }
    }
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
    FixedEffectsRegression regression = new FixedEffectsRegression(new FixedEffectsRegression.Design(null, "unit", "t", "y", "w",
        "cl", List.of("x"), null, List.of()));
    for (int partitions : new int[] {1, 2, 3, 5, 7, 16, 48}) {
      FixedEffectsRegression.Fit fit = regression.fit(df.repartition(partitions)).get("");
      assertTrue(fit.dropped()[0], "the absorbed term was kept with " + partitions + " partitions: beta " + fit.beta()[0]);
      assertTrue(Double.isNaN(fit.beta()[0]));
    }
  }
}
