package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Randomisation inference on a small stratified design (8 clusters in 2 strata of 4, one cluster per
 * arm and stratum: 4! x 4! = 576 assignments) against the exact distribution: every assignment
 * enumerated in the test and its |t| computed by a dense brute-force regression.
 */
class RandomizationInferenceTest {
  static final int[] OBSERVED = {0, 1, 2, 3, 2, 0, 3, 1};
  static final List<String> STRATA = List.of("a", "a", "a", "a", "b", "b", "b", "b");

  @Test
  void pValueMatchesExactEnumerationOfAllAssignments() {
    DensePanel panel = new DensePanel(8, 4, 3, 21);
    int draws = 20000;
    ClusterCrossProducts cp = PanelCrossProducts.fixedEffects(outcomes(panel), womanCluster(panel),
        List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"));
    List<Contrast> contrasts = Contrast.all(List.of("control", "training", "risk_scale", "both"));
    double[] p = RandomizationInference.pValues(cp, 4, OBSERVED, contrasts, new ArmAssignment(STRATA, 4, null, null), draws, 3);
    List<int[]> all = assignments();
    assertEquals(576, all.size());
    for (int c = 0; c < contrasts.size(); c++) {
      double exact = exactP(panel, all, contrasts.get(c));
      double se = Math.sqrt(exact * (1 - exact) / draws);
      assertEquals(exact, p[c], 4 * se + 1e-9, contrasts.get(c).name() + ": exact " + exact);
    }
  }

  @Test
  void reRandomisationRuleIsHonoured() {
    DensePanel panel = new DensePanel(8, 4, 3, 21);
    double[][] x = new double[8][];
    java.util.Random r = new java.util.Random(5);
    for (int g = 0; g < 8; g++) {
      x[g] = new double[] {r.nextGaussian(), r.nextGaussian()};
    }
    double threshold = 1.5;
    // the rule's accepted assignments, with the standardised differences computed here
    List<int[]> accepted = assignments().stream().filter(a -> maxStdDiff(x, a) <= threshold).toList();
    assertTrue(accepted.size() > 20 && accepted.size() < 400, "the rule keeps " + accepted.size() + " of 576");
    int[] observed = accepted.get(accepted.size() / 2);
    ClusterCrossProducts cp = PanelCrossProducts.fixedEffects(outcomes(panel), womanCluster(panel),
        List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"));
    List<Contrast> contrasts = Contrast.all(List.of("control", "training", "risk_scale", "both")).subList(0, 3);
    BalanceRule rule = new BalanceRule(List.of("x1", "x2"), threshold, 100_000);
    int draws = 20000;
    double[] p = RandomizationInference.pValues(cp, 4, observed, contrasts, new ArmAssignment(STRATA, 4, x, rule), draws, 9);
    for (int c = 0; c < contrasts.size(); c++) {
      double tObs = absT(panel, observed, contrasts.get(c), panel.clusterOfRow(), panel.y());
      int hits = 0;
      for (int[] a : accepted) {
        hits += absT(panel, a, contrasts.get(c), panel.clusterOfRow(), panel.y()) < tObs * (1 - 1e-9) ? 0 : 1;
      }
      double exact = (double) hits / accepted.size();
      assertEquals(exact, p[c], 4 * Math.sqrt(exact * (1 - exact) / draws) + 1e-9, contrasts.get(c).name());
    }
  }

  static double maxStdDiff(double[][] x, int[] armOf) {
    double worst = 0;
    for (int j = 0; j < x[0].length; j++) {
      double[][] s = new double[4][3];
      for (int g = 0; g < x.length; g++) {
        s[armOf[g]][0]++;
        s[armOf[g]][1] += x[g][j];
        s[armOf[g]][2] += x[g][j] * x[g][j];
      }
      double[] mean = new double[4];
      double[] var = new double[4];
      for (int a = 0; a < 4; a++) {
        mean[a] = s[a][1] / s[a][0];
        var[a] = (s[a][2] - s[a][0] * mean[a] * mean[a]) / (s[a][0] - 1);
      }
      for (int a = 1; a < 4; a++) {
        worst = Math.max(worst, Math.abs(mean[a] - mean[0]) / Math.sqrt((var[a] + var[0]) / 2));
      }
    }
    return worst;
  }

  /** Share of all assignments whose dense |t| reaches the observed one. */
  static double exactP(DensePanel panel, List<int[]> all, Contrast contrast) {
    int[] cluster = panel.clusterOfRow();
    double[] y = panel.y();
    double tObs = absT(panel, OBSERVED, contrast, cluster, y);
    int hits = 0;
    for (int[] a : all) {
      if (!(absT(panel, a, contrast, cluster, y) < tObs * (1 - 1e-9))) {
        hits++;
      }
    }
    return (double) hits / all.size();
  }

  /** |t| of the contrast: the dense design re-parameterised so the contrast is one coefficient. */
  static double absT(DensePanel panel, int[] armOf, Contrast contrast, int[] cluster, double[] y) {
    double[][] x = panel.design(armOf, 4, 0);
    if (contrast.versus() > 0) {
      // beta_a - beta_b as the coefficient of column a when column b holds (D_a + D_b) post
      for (double[] row : x) {
        row[contrast.versus() - 1] += row[contrast.arm() - 1];
      }
    }
    return DensePanel.absT(x, DensePanel.projector(x), y, cluster, 8, contrast.arm() - 1, 3 + panel.months);
  }

  /** Every assignment with one cluster per arm in each stratum. */
  static List<int[]> assignments() {
    List<int[]> perms = new ArrayList<>();
    permute(new int[] {0, 1, 2, 3}, 0, perms);
    List<int[]> out = new ArrayList<>();
    for (int[] a : perms) {
      for (int[] b : perms) {
        int[] x = new int[8];
        System.arraycopy(a, 0, x, 0, 4);
        System.arraycopy(b, 0, x, 4, 4);
        out.add(x);
      }
    }
    return out;
  }

  private static void permute(int[] v, int k, List<int[]> out) {
    if (k == v.length) {
      out.add(v.clone());
      return;
    }
    for (int i = k; i < v.length; i++) {
      int t = v[k];
      v[k] = v[i];
      v[i] = t;
      permute(v, k + 1, out);
      v[i] = v[k];
      v[k] = t;
    }
  }

  static double[][] outcomes(DensePanel panel) {
    double[][] y = new double[panel.women][panel.months + 1];
    for (double[] row : y) {
      Arrays.fill(row, Double.NaN);
    }
    for (double[] r : panel.rows) {
      y[(int) r[1]][(int) r[2]] = r[3];
    }
    return y;
  }

  static int[] womanCluster(DensePanel panel) {
    int[] c = new int[panel.women];
    for (double[] r : panel.rows) {
      c[(int) r[1]] = (int) r[0];
    }
    return c;
  }
}
