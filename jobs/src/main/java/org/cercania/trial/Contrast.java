package org.cercania.trial;

import java.util.ArrayList;
import java.util.List;

/** An effect to test: arm {@code arm} against arm {@code versus} (0 = control), i.e. beta_arm - beta_versus. */
public record Contrast(int arm, int versus, String name) {
  /** Each arm against control, then each pair of arms. */
  public static List<Contrast> all(List<String> arms) {
    List<Contrast> out = new ArrayList<>();
    for (int a = 1; a < arms.size(); a++) {
      out.add(new Contrast(a, 0, arms.get(a) + " - " + arms.get(0)));
    }
    for (int a = 1; a < arms.size(); a++) {
      for (int b = a + 1; b < arms.size(); b++) {
        out.add(new Contrast(b, a, arms.get(b) + " - " + arms.get(a)));
      }
    }
    return out;
  }

  /** The restriction vector over k regressors (arm columns first). */
  public double[] vector(int k) {
    double[] r = new double[k];
    r[arm - 1] = 1;
    if (versus > 0) {
      r[versus - 1] = -1;
    }
    return r;
  }
}
