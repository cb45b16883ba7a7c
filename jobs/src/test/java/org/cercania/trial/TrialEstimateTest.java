package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.Console;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample --trial, trial assign and trial estimate end to end, as a user runs them. The ANCOVA
 * estimates and CR1 standard errors are checked against a dense least-squares fit of the panel file
 * done here (commons-math), and attrition against counts of the file's rows.
 */
@ExtendWith(SparkExtension.class)
class TrialEstimateTest {
  static final String OUTCOME = "physical_assault";

  @Test
  void sampleAssignEstimate(SparkSession spark, @TempDir Path dir) throws IOException {
    assertEquals(0, Console.main("sample", "--trial", "--seed", "11", "--out", dir.toString()).code());
    Path trial = dir.resolve("trial");
    assertEquals(0, Console.main("trial", "assign", "--units", trial.resolve("stations.csv").toString(), "--draw", "16", "--strata",
        "zone", "--seed", "11", "--balance-draws", "100", "--out", dir.resolve("assign").toString()).code());
    Console.Run run = Console.main("trial", "estimate", "--panel", trial.resolve("panel.csv").toString(), "--outcomes", OUTCOME,
        "--spec", "ancova", "--covariates", "age,children,prior_reports", "--assignment", dir.resolve("assign").toString(),
        "--bootstrap", "999", "--ri-draws", "200", "--out", dir.resolve("est").toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("Attrition"), run.out());
    Map<String, Row> effects = new HashMap<>();
    for (Row r : spark.read().parquet(dir.resolve("est/trial_effects").toString()).collectAsList()) {
      effects.put(r.getString(r.fieldIndex("contrast")), r);
    }
    assertEquals(6, effects.size());
    double[][] dense = denseAncova(trial.resolve("panel.csv"));
    String[] arms = {"training", "risk_scale", "both"};
    for (int a = 0; a < 3; a++) {
      Row r = effects.get(arms[a] + " - control");
      assertEquals(dense[0][a], r.getDouble(r.fieldIndex("estimate")), 1e-9, arms[a]);
      assertEquals(dense[1][a], r.getDouble(r.fieldIndex("crve_se")), 1e-9, arms[a]);
      assertTrue(r.getDouble(r.fieldIndex("wild_lower")) < dense[0][a] && dense[0][a] < r.getDouble(r.fieldIndex("wild_upper")));
    }
    assertAttrition(spark, trial.resolve("panel.csv"), dir.resolve("est/trial_attrition"));
  }

  /** {estimates, CR1 SEs} of the three arms from a dense fit: follow-up rows, arms, month dummies, baseline outcome, covariates. */
  static double[][] denseAncova(Path panel) throws IOException {
    List<String[]> rows = Files.readAllLines(panel).stream().skip(1).map(l -> l.split(",")).toList();
    List<String> header = List.of(Files.readAllLines(panel).get(0).split(","));
    int y = header.indexOf(OUTCOME);
    Map<String, Double> baseline = new HashMap<>();
    for (String[] r : rows) {
      if (r[4].equals("0")) {
        baseline.put(r[0], Double.parseDouble(r[y]));
      }
    }
    List<double[]> x = new ArrayList<>();
    List<Double> yy = new ArrayList<>();
    List<String> cluster = new ArrayList<>();
    List<String> arms = List.of("control", "training", "risk_scale", "both");
    for (String[] r : rows) {
      int month = Integer.parseInt(r[4]);
      if (month == 0) {
        continue;
      }
      double[] v = new double[3 + 12 + 1 + 3];
      int arm = arms.indexOf(r[3]);
      if (arm > 0) {
        v[arm - 1] = 1;
      }
      v[2 + month] = 1;
      v[15] = baseline.get(r[0]);
      v[16] = Double.parseDouble(r[5]);
      v[17] = Double.parseDouble(r[6]);
      v[18] = Double.parseDouble(r[7]);
      x.add(v);
      yy.add(Double.parseDouble(r[y]));
      cluster.add(r[1]);
    }
    RealMatrix m = new Array2DRowRealMatrix(x.toArray(new double[0][]), false);
    RealMatrix inv = new LUDecomposition(m.transpose().multiply(m)).getSolver().getInverse();
    double[] b = inv.operate(m.transpose().operate(yy.stream().mapToDouble(Double::doubleValue).toArray()));
    Map<String, double[]> scores = new HashMap<>();
    for (int i = 0; i < x.size(); i++) {
      double e = yy.get(i) - m.getRowVector(i).dotProduct(new org.apache.commons.math3.linear.ArrayRealVector(b));
      double[] s = scores.computeIfAbsent(cluster.get(i), k -> new double[19]);
      for (int j = 0; j < 19; j++) {
        s[j] += x.get(i)[j] * e;
      }
    }
    RealMatrix meat = new Array2DRowRealMatrix(19, 19);
    for (double[] s : scores.values()) {
      RealMatrix col = new Array2DRowRealMatrix(s);
      meat = meat.add(col.multiply(col.transpose()));
    }
    int g = scores.size();
    int n = x.size();
    RealMatrix v = inv.multiply(meat).multiply(inv).scalarMultiply((double) g / (g - 1) * (n - 1) / (n - 19));
    return new double[][] {{b[0], b[1], b[2]}, {Math.sqrt(v.getEntry(0, 0)), Math.sqrt(v.getEntry(1, 1)), Math.sqrt(v.getEntry(2, 2))}};
  }

  /** Women and follow-up months per arm counted from the file. */
  static void assertAttrition(SparkSession spark, Path panel, Path table) throws IOException {
    Map<String, long[]> count = new HashMap<>();
    Map<String, String> armOf = new HashMap<>();
    for (String line : Files.readAllLines(panel).subList(1, Files.readAllLines(panel).size())) {
      String[] f = line.split(",");
      armOf.put(f[0], f[3]);
      if (!f[4].equals("0")) {
        count.computeIfAbsent(f[3], k -> new long[2])[1]++;
      }
    }
    armOf.values().forEach(a -> count.get(a)[0]++);
    for (Row r : spark.read().parquet(table.toString()).collectAsList()) {
      long[] c = count.get(r.getString(r.fieldIndex("arm")));
      assertEquals(c[0], r.getLong(r.fieldIndex("women")));
      assertEquals(c[1], r.getLong(r.fieldIndex("observed_months")));
      assertEquals(1 - c[1] / (12.0 * c[0]), r.getDouble(r.fieldIndex("missing_share")), 1e-12);
    }
  }
}
