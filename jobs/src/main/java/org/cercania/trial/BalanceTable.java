package org.cercania.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.FDistribution;

/**
 * Baseline balance of the drawn stations across arms: per covariate and arm the mean, the difference
 * from control and the standardised difference (difference / sqrt((var_arm + var_control) / 2)); per
 * covariate the one-way ANOVA F test of equal arm means; jointly, the sum of the covariates' F
 * statistics, whose p-value is found by re-running the assignment procedure (so it is exact for the
 * design actually used, re-randomisation included).
 */
public final class BalanceTable {
  /** One row: covariate x arm, or the joint row (covariate "(joint)", arm "all"). */
  public record Line(String covariate, String arm, int stations, double mean, double sd, Double diff, Double stdDiff,
      double fStat, double pValue) {}

  private BalanceTable() {}

  /** x[cluster][covariate]. */
  public static List<Line> of(double[][] x, List<String> covariates, int[] armOf, List<String> arms, ArmAssignment procedure,
      int draws, long seed) {
    List<Line> out = new ArrayList<>();
    int a = arms.size();
    double fSum = 0;
    for (int j = 0; j < covariates.size(); j++) {
      double[][] stats = armStats(x, j, armOf, a);
      double f = anovaF(x, j, armOf, a);
      fSum += f;
      int dfb = a - 1;
      int dfw = x.length - a;
      double p = Double.isFinite(f) && dfw > 0 ? 1 - new FDistribution(null, dfb, dfw).cumulativeProbability(f) : Double.NaN;
      for (int k = 0; k < a; k++) {
        Double diff = k == 0 ? null : stats[k][1] - stats[0][1];
        Double sd = k == 0 ? null : diff / Math.sqrt((stats[k][2] + stats[0][2]) / 2);
        out.add(new Line(covariates.get(j), arms.get(k), (int) stats[k][0], stats[k][1], Math.sqrt(stats[k][2]), diff, sd, f, p));
      }
    }
    if (!covariates.isEmpty()) {
      SplittableRandom rng = new SplittableRandom(seed);
      int hits = 0;
      for (int b = 0; b < draws; b++) {
        int[] re = procedure.draw(rng).armOf();
        double s = 0;
        for (int j = 0; j < covariates.size(); j++) {
          s += anovaF(x, j, re, a);
        }
        hits += s >= fSum - 1e-12 ? 1 : 0;
      }
      out.add(new Line("(joint)", "all", x.length, Double.NaN, Double.NaN, null, null, fSum, (double) hits / draws));
    }
    return out;
  }

  /** Per arm {n, mean, sample variance} of covariate j. */
  static double[][] armStats(double[][] x, int j, int[] armOf, int arms) {
    double[][] s = new double[arms][3];
    for (int g = 0; g < x.length; g++) {
      s[armOf[g]][0]++;
      s[armOf[g]][1] += x[g][j];
    }
    for (double[] r : s) {
      r[1] /= r[0];
    }
    for (int g = 0; g < x.length; g++) {
      double d = x[g][j] - s[armOf[g]][1];
      s[armOf[g]][2] += d * d;
    }
    for (double[] r : s) {
      r[2] = r[0] > 1 ? r[2] / (r[0] - 1) : Double.NaN;
    }
    return s;
  }

  /** The largest |standardised difference| of any arm from control over the covariates. */
  static double maxAbsStdDiff(double[][] x, int[] armOf, int arms) {
    double worst = 0;
    for (int j = 0; j < x[0].length; j++) {
      double[][] s = armStats(x, j, armOf, arms);
      for (int k = 1; k < arms; k++) {
        double pooled = Math.sqrt((s[k][2] + s[0][2]) / 2);
        double d = pooled > 0 ? Math.abs(s[k][1] - s[0][1]) / pooled : (s[k][1] == s[0][1] ? 0 : Double.POSITIVE_INFINITY);
        worst = Math.max(worst, d);
      }
    }
    return worst;
  }

  /** One-way ANOVA F of covariate j across arms. */
  static double anovaF(double[][] x, int j, int[] armOf, int arms) {
    double[][] s = armStats(x, j, armOf, arms);
    double grand = 0;
    for (double[] r : x) {
      grand += r[j];
    }
    grand /= x.length;
    double between = 0;
    double within = 0;
    for (double[] r : s) {
      between += r[0] * (r[1] - grand) * (r[1] - grand);
      within += (r[0] - 1) * r[2];
    }
    return (between / (arms - 1)) / (within / (x.length - arms));
  }
}
