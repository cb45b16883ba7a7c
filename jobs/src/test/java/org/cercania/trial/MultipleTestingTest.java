package org.cercania.trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Romano-Wolf and sharpened q-values on cases worked out by hand. */
class MultipleTestingTest {
  @Test
  void romanoWolfStepsDownOverTheRemainingHypotheses() {
    double[][] draws = {{0.5, 3.5, -1, 2}, {2, 0.2, -3, 0.5}};
    // step 1, |t| = 4: max |t*| over both = {2, 3.5, 3, 2}, none reaches 4 -> 0
    // step 2, |t| = 1: |t2*| = {2, 0.2, 3, 0.5}, two of four reach 1 -> 0.5
    assertArrayEquals(new double[] {0.0, 0.5}, RomanoWolf.adjust(new double[] {4, 1}, draws), 1e-12);
    // |t| = {3, 2.5}: step 1 -> 2/4 (3.5 and 3); step 2 -> 1/4 (3), raised to 0.5 by monotonicity
    assertArrayEquals(new double[] {0.5, 0.5}, RomanoWolf.adjust(new double[] {3, -2.5}, draws), 1e-12);
  }

  @Test
  void sharpenedQValues() {
    // one hypothesis: rejected once p <= q/(1+q), i.e. q >= p/(1-p) = 0.041666..., on the 0.001 grid -> 0.042
    assertEquals(0.042, SharpenedQValues.of(new double[] {0.04})[0], 1e-9);
    // p = (0.01, 0.5): the first needs q/(1+q) >= 0.02 -> q >= 0.0204 -> 0.021; the second needs stage-one count 1
    // and 2 q1 >= 0.5 in stage two -> q1 >= 0.25 -> q >= 1/3 -> 0.334
    assertArrayEquals(new double[] {0.021, 0.334}, SharpenedQValues.of(new double[] {0.01, 0.5}), 1e-9);
  }
}
