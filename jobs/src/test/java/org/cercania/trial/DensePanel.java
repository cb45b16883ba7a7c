package org.cercania.trial;

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

/**
 * A small clustered panel (clusters x women x months 0..T, some rows missing) and the brute-force
 * regression on it: every woman's dummy, month dummies and arm x post columns in one dense design,
 * solved with commons-math, nothing shared with the code under test.
 */
final class DensePanel {
  final int clusters;
  final int women;
  final int months;
  final List<double[]> rows = new ArrayList<>(); // cluster, woman, month, y

  DensePanel(int clusters, int womenPerCluster, int months, long seed) {
    this.clusters = clusters;
    this.women = clusters * womenPerCluster;
    this.months = months;
    Random r = new Random(seed);
    for (int g = 0; g < clusters; g++) {
      double cg = r.nextGaussian();
      for (int w = 0; w < womenPerCluster; w++) {
        int woman = g * womenPerCluster + w;
        double a = r.nextGaussian();
        for (int t = 0; t <= months; t++) {
          if (t > 0 && r.nextDouble() < 0.15) {
            continue; // attrition: an unbalanced panel
          }
          double y = cg * (1 + 0.3 * t) + a + 0.2 * t + Math.pow(r.nextGaussian(), 3) * (1 + g % 3);
          rows.add(new double[] {g, woman, t, y});
        }
      }
    }
  }

  Dataset<Row> frame(SparkSession spark, int[] armOf, List<String> arms) {
    StructType schema = new StructType().add("station", DataTypes.StringType).add("woman", DataTypes.StringType)
        .add("month", DataTypes.IntegerType).add("arm", DataTypes.StringType).add("y", DataTypes.DoubleType);
    List<Row> out = new ArrayList<>();
    for (double[] r : rows) {
      int g = (int) r[0];
      out.add(RowFactory.create(String.format("S%02d", g), "W" + (int) r[1], (int) r[2], arms.get(armOf[g]), r[3]));
    }
    return spark.createDataFrame(out, schema);
  }

  static TrialSpec spec() {
    return new TrialSpec("woman", "station", "month", "arm", List.of("y"), List.of(), 0, false);
  }

  /** Dense design: arm x post for arms 1..A-1 except {@code dropArm} (0 = none), month dummies 1..T, woman dummies. */
  double[][] design(int[] armOf, int arms, int dropArm) {
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      double[] r = rows.get(i);
      int g = (int) r[0];
      int t = (int) r[2];
      List<Double> v = new ArrayList<>();
      for (int a = 1; a < arms; a++) {
        if (a != dropArm) {
          v.add(armOf[g] == a && t > 0 ? 1.0 : 0.0);
        }
      }
      for (int m = 1; m <= months; m++) {
        v.add(t == m ? 1.0 : 0.0);
      }
      for (int w = 0; w < women; w++) {
        v.add((int) r[1] == w ? 1.0 : 0.0);
      }
      x[i] = v.stream().mapToDouble(Double::doubleValue).toArray();
    }
    return x;
  }

  double[] y() {
    return rows.stream().mapToDouble(r -> r[3]).toArray();
  }

  int[] clusterOfRow() {
    return rows.stream().mapToInt(r -> (int) r[0]).toArray();
  }

  /** (X'X)^-1 X' by LU. */
  static double[][] projector(double[][] x) {
    RealMatrix m = new Array2DRowRealMatrix(x, false);
    RealMatrix xtx = m.transpose().multiply(m);
    return new LUDecomposition(xtx).getSolver().getInverse().multiply(m.transpose()).getData();
  }

  static double[] times(double[][] p, double[] y) {
    double[] b = new double[p.length];
    for (int j = 0; j < p.length; j++) {
      double s = 0;
      for (int i = 0; i < y.length; i++) {
        s += p[j][i] * y[i];
      }
      b[j] = s;
    }
    return b;
  }

  /** |t| of coefficient j with CR1 (K = the non-woman columns, as fixest counts nested fixed effects). */
  static double absT(double[][] x, double[][] p, double[] y, int[] cluster, int clusters, int j, int kExplicit) {
    double[] b = times(p, y);
    double[] score = new double[clusters];
    for (int i = 0; i < y.length; i++) {
      double fit = 0;
      for (int c = 0; c < b.length; c++) {
        fit += x[i][c] * b[c];
      }
      score[cluster[i]] += p[j][i] * (y[i] - fit);
    }
    double v = 0;
    for (double s : score) {
      v += s * s;
    }
    int n = y.length;
    v *= (double) clusters / (clusters - 1) * (n - 1) / (n - kExplicit);
    return Math.abs(b[j] / Math.sqrt(v));
  }
}
