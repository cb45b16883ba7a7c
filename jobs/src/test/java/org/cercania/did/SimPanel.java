package org.cercania.did;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A small simulated staggered panel: unit and period effects, a planted effect tau(g, t) from the
 * period of treatment on, optional noise, weights constant within unit and clusters of units.
 */
public final class SimPanel {
  public final int[] periods;
  public final int[] cohort;
  public final double[] weight;
  public final String[] cluster;
  public final double[][] y;

  SimPanel(int[] periods, int[] cohort, double[] weight, String[] cluster, double[][] y) {
    this.periods = periods;
    this.cohort = cohort;
    this.weight = weight;
    this.cluster = cluster;
    this.y = y;
  }

  /** The planted effect of cohort g at period t (0 before g): heterogeneous by cohort and exposure. */
  public static double tau(int g, int t) {
    return t < g ? 0.0 : 0.5 + 0.1 * (g - 3) + 0.2 * (t - g);
  }

  public static SimPanel make(long seed, int units, int[] periods, int[] cohorts, double noise) {
    Random r = new Random(seed);
    int[] cohort = new int[units];
    double[] weight = new double[units];
    String[] cluster = new String[units];
    double[][] y = new double[units][periods.length];
    double[] timeEffect = new double[periods.length];
    for (int j = 0; j < periods.length; j++) {
      timeEffect[j] = 0.3 * j + r.nextGaussian() * 0.2;
    }
    for (int i = 0; i < units; i++) {
      cohort[i] = cohorts[r.nextInt(cohorts.length)];
      weight[i] = 0.5 + r.nextDouble();
      cluster[i] = "c" + (i % 37);
      double unitEffect = r.nextGaussian() + 0.1 * cohort[i];
      for (int j = 0; j < periods.length; j++) {
        y[i][j] = unitEffect + timeEffect[j] + (cohort[i] == 0 ? 0 : tau(cohort[i], periods[j])) + noise * r.nextGaussian();
      }
    }
    return new SimPanel(periods, cohort, weight, cluster, y);
  }

  public static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("id", DataTypes.LongType, false),
      DataTypes.createStructField("period", DataTypes.IntegerType, false),
      DataTypes.createStructField("g", DataTypes.IntegerType, true),
      DataTypes.createStructField("y", DataTypes.DoubleType, true),
      DataTypes.createStructField("w", DataTypes.DoubleType, false),
      DataTypes.createStructField("cl", DataTypes.StringType, false)));

  public List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < cohort.length; i++) {
      for (int j = 0; j < periods.length; j++) {
        rows.add(RowFactory.create((long) i, periods[j], cohort[i], y[i][j], weight[i], cluster[i]));
      }
    }
    return rows;
  }

  public Dataset<Row> frame(SparkSession spark) {
    return spark.createDataFrame(rows(), SCHEMA);
  }

  public static DidSpec.Builder spec() {
    return DidSpec.builder("id", "period", "g", "y");
  }

  /** The planted ATT over treated observations, weighted by w when asked. */
  public static double plantedAtt(SimPanel sim, boolean weighted) {
    double num = 0;
    double den = 0;
    for (Obs o : Obs.of(sim)) {
      if (o.treated()) {
        double w = weighted ? o.w() : 1;
        num += w * SimPanel.tau(o.cohort(), o.time());
        den += w;
      }
    }
    return num / den;
  }
}
