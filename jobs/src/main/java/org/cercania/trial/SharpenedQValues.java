package org.cercania.trial;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Anderson's (2008) sharpened false-discovery-rate q-values: the two-stage Benjamini, Krieger and
 * Yekutieli (2006) procedure run at q = 1.000, 0.999, ..., 0.001; a hypothesis's q-value is the
 * smallest q at which it is rejected.
 */
public final class SharpenedQValues {
  private SharpenedQValues() {}

  public static double[] of(double[] p) {
    int m = p.length;
    Integer[] order = new Integer[m];
    for (int j = 0; j < m; j++) {
      order[j] = j;
    }
    Arrays.sort(order, Comparator.comparingDouble(j -> p[j]));
    double[] sorted = new double[m];
    for (int i = 0; i < m; i++) {
      sorted[i] = p[order[i]];
    }
    double[] q = new double[m];
    Arrays.fill(q, 1.0);
    for (int step = 1000; step >= 1; step--) {
      double level = step / 1000.0;
      double q1 = level / (1 + level);
      int first = rejections(sorted, q1);
      double q2 = first >= m ? Double.POSITIVE_INFINITY : q1 * m / (m - first);
      int second = rejections(sorted, q2);
      for (int i = 0; i < second; i++) {
        q[order[i]] = level;
      }
    }
    return q;
  }

  /** The largest rank i (1-based) with p_(i) <= level * i / m: the step-up count of rejections. */
  private static int rejections(double[] sorted, double level) {
    int m = sorted.length;
    int r = 0;
    for (int i = 1; i <= m; i++) {
      if (sorted[i - 1] <= level * i / m) {
        r = i;
      }
    }
    return r;
  }
}
