package org.cercania.trial;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Romano-Wolf step-down p-values for a family of hypotheses from joint bootstrap draws of their t
 * statistics under the null (Romano and Wolf 2005, 2016): hypotheses ordered by |t| descending; the j-th
 * p-value is the share of draws whose largest |t*| among the hypotheses not yet stepped past reaches
 * |t_j|; p-values are made monotone in that order. The draws must come from the same cluster weights
 * for every hypothesis (the same seed), which is what makes them joint.
 */
public final class RomanoWolf {
  private RomanoWolf() {}

  /** t[j] observed statistics, tStar[j][b] draw b of hypothesis j. */
  public static double[] adjust(double[] t, double[][] tStar) {
    int m = t.length;
    Integer[] order = new Integer[m];
    for (int j = 0; j < m; j++) {
      order[j] = j;
    }
    Arrays.sort(order, Comparator.comparingDouble(j -> -Math.abs(t[j])));
    int draws = tStar[0].length;
    double[] p = new double[m];
    double previous = 0;
    for (int step = 0; step < m; step++) {
      int j = order[step];
      int hits = 0;
      for (int b = 0; b < draws; b++) {
        double max = 0;
        for (int s = step; s < m; s++) {
          max = Math.max(max, Math.abs(tStar[order[s]][b]));
        }
        if (!(max < Math.abs(t[j]))) {
          hits++;
        }
      }
      previous = Math.max(previous, (double) hits / draws);
      p[j] = previous;
    }
    return p;
  }
}
