package org.cercania.did.cs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batched bootstrap accumulation against the plain sum over clusters and draws, draw by draw. */
class InfluencePassTest {

  @Test
  void tabulatedMultiplierSumsEqualTheDirectSumForBothMultipliers() {
    for (CsOptions.Multiplier kind : CsOptions.Multiplier.values()) {
      Random rnd = new Random(11);
      int targets = 7;
      int draws = 50;
      long seed = 3;
      int clusters = 203; // several full batches, groups of 8 and a short last group
      InfluencePass.Result a = new InfluencePass.Result(targets, 0, seed, draws, kind);
      InfluencePass.Result b = new InfluencePass.Result(targets, 0, seed, draws, kind);
      double[] direct = new double[draws * targets];
      for (int c = 0; c < clusters; c++) {
        double[] s = new double[targets];
        for (int t = 0; t < targets; t++) {
          s[t] = rnd.nextGaussian();
        }
        long count = 1 + rnd.nextInt(4);
        String id = "c" + c;
        long h = MultiplierBootstrap.clusterHash(id, seed);
        for (int d = 0; d < draws; d++) {
          double xi = MultiplierBootstrap.draw(h, d, kind) / count;
          for (int t = 0; t < targets; t++) {
            direct[d * targets + t] += xi * s[t];
          }
        }
        (c % 2 == 0 ? a : b).add(id, s.clone(), count, new int[0]);
      }
      a.merge(b);
      assertEquals(clusters, a.clusters);
      for (int i = 0; i < direct.length; i++) {
        assertEquals(direct[i], a.boot[i], 1e-10, kind + " draw " + i / targets + " target " + i % targets);
      }
    }
  }
}
