package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The weight rule and the two distributions' moments (mean 0, variance 1; Webb's six points equally likely). */
class BootstrapWeightsTest {
  @Test
  void webbBelowTwelveClusters() {
    assertEquals(BootstrapWeights.WEBB, BootstrapWeights.forClusters(11));
    assertEquals(BootstrapWeights.RADEMACHER, BootstrapWeights.forClusters(12));
    assertEquals(BootstrapWeights.RADEMACHER, BootstrapWeights.parse("auto", 16));
    assertTrue(BootstrapWeights.RADEMACHER.enumerates(16, 65536));
    assertFalse(BootstrapWeights.RADEMACHER.enumerates(16, 65535));
    assertFalse(BootstrapWeights.WEBB.enumerates(4, 1_000_000));
  }

  @Test
  void webbPointsAndMoments() {
    double[] v = new double[1];
    SplittableRandom r = new SplittableRandom(3);
    int n = 600_000;
    double sum = 0;
    double sq = 0;
    double fourth = 0;
    int[] counts = new int[6];
    double[] points = {-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)};
    for (int i = 0; i < n; i++) {
      BootstrapWeights.WEBB.fill(v, i, false, r);
      sum += v[0];
      sq += v[0] * v[0];
      fourth += Math.pow(v[0], 4);
      for (int k = 0; k < 6; k++) {
        counts[k] += Math.abs(v[0] - points[k]) < 1e-15 ? 1 : 0;
      }
    }
    assertEquals(0, sum / n, 0.005);
    assertEquals(1, sq / n, 0.005);
    assertEquals(7.0 / 6, fourth / n, 0.01); // (0.25 + 1 + 2.25) / 3
    for (int c : counts) {
      assertEquals(1.0 / 6, (double) c / n, 0.003);
    }
  }
}
