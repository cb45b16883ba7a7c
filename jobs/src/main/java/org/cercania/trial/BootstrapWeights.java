package org.cercania.trial;

import java.util.Locale;
import java.util.SplittableRandom;
import org.cercania.errors.Errors;

/**
 * Cluster weights of the wild bootstrap. Rademacher (+1/-1) by default; Webb's six-point
 * distribution (+-sqrt(1/2), +-1, +-sqrt(3/2)) when there are fewer than {@link #WEBB_BELOW} clusters,
 * because Rademacher then has fewer than 2^12 = 4,096 distinct draws (Webb 2014; MacKinnon, Nielsen and
 * Webb 2023). With Rademacher and draws >= 2^G every sign vector is enumerated once instead (as boottest
 * does), which makes the p-value exact.
 */
public enum BootstrapWeights {
  RADEMACHER, WEBB;

  /** The rule for the default: Webb with fewer clusters than this. */
  public static final int WEBB_BELOW = 12;

  private static final double[] WEBB_POINTS = {-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)};

  public static BootstrapWeights forClusters(int g) {
    return g < WEBB_BELOW ? WEBB : RADEMACHER;
  }

  /** "auto", "rademacher" or "webb". */
  public static BootstrapWeights parse(String name, int clusters) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "auto" -> forClusters(clusters);
      case "rademacher" -> RADEMACHER;
      case "webb" -> WEBB;
      default -> throw Errors.badOptionValue("--weights", name, "auto, rademacher or webb");
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when the draws are all 2^G Rademacher sign vectors. */
  public boolean enumerates(int clusters, int draws) {
    return this == RADEMACHER && clusters < 31 && draws >= (1 << clusters);
  }

  /** The number of weight vectors actually used. */
  public int drawCount(int clusters, int draws) {
    return enumerates(clusters, draws) ? 1 << clusters : draws;
  }

  /** Fills {@code v} with draw {@code b}: the b-th sign vector when enumerating, else a random draw. */
  public void fill(double[] v, int b, boolean enumerate, SplittableRandom rng) {
    for (int g = 0; g < v.length; g++) {
      if (enumerate) {
        v[g] = ((b >>> g) & 1) == 0 ? 1 : -1;
      } else if (this == RADEMACHER) {
        v[g] = rng.nextBoolean() ? 1 : -1;
      } else {
        v[g] = WEBB_POINTS[rng.nextInt(6)];
      }
    }
  }
}
