package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A smoke version of {@code trial montecarlo} for CI: a few replications of both scenarios. */
class TrialMonteCarloTest {
  @Test
  void smoke() {
    TrialMonteCarlo mc = new TrialMonteCarlo(100, 399, 199, "psychological_aggression", 5);
    long start = System.nanoTime();
    List<TrialMonteCarlo.Rep> rows = mc.run(true, 12, 2, r -> { });
    System.out.printf("12 planted reps in %.1f s%n", (System.nanoTime() - start) / 1e9);
    assertEquals(36, rows.size());
    double sum = 0;
    for (TrialMonteCarlo.Rep r : rows) {
      assertTrue(r.wildLower() < r.estimate() && r.estimate() < r.wildUpper());
      assertTrue(r.pWild() >= 0 && r.pWild() <= 1 && r.pRi() >= 0 && r.pRi() <= 1);
      sum += r.estimate() - r.truth();
    }
    // the planted effects are recovered on average: mean error small against the typical SE
    double meanSe = rows.stream().mapToDouble(TrialMonteCarlo.Rep::crveSe).average().orElseThrow();
    assertTrue(Math.abs(sum / rows.size()) < 2 * meanSe, "mean error " + sum / rows.size() + " vs SE " + meanSe);
  }
}
