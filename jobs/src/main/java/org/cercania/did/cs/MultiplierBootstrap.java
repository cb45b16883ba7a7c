package org.cercania.did.cs;

import java.util.Arrays;

/**
 * R did's multiplier bootstrap (mboot) from per-cluster influence-function draws: a draw's value
 * for a parameter is sum_c xi_c psibar_c / sqrt(n_clusters), psibar_c the mean of psi within the
 * cluster (R did: rowsum / cluster size); the standard error is the draws' interquartile range
 * (R's quantile type 1) divided by (qnorm(.75) - qnorm(.25)) and by sqrt(n_clusters); the
 * simultaneous critical value is the type-1 (1 - alpha) quantile of max_k |draw_k / sigma_k|.
 * Multipliers come from a hash of (seed, draw, cluster id), so they do not depend on partitioning.
 */
final class MultiplierBootstrap {
  private MultiplierBootstrap() {}

  private static final double SQRT5 = Math.sqrt(5.0);
  private static final double MAMMEN_LOW = (1 - SQRT5) / 2;
  private static final double MAMMEN_HIGH = (1 + SQRT5) / 2;
  private static final double MAMMEN_P_LOW = (SQRT5 + 1) / (2 * SQRT5);
  /** qnorm(.75) - qnorm(.25). */
  static final double IQR_NORMAL = 2 * 0.6744897501960817;
  static final double TINY = Math.sqrt(Math.ulp(1.0)) * 10;

  /** A stable 64-bit hash of a cluster id (FNV-1a over its chars, then mixed). */
  static long clusterHash(String id, long seed) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h ^ mix(seed + 0x632be59bd9b4e019L));
  }

  /** The multiplier of one cluster (by its hash) in draw {@code b}. */
  static double draw(long clusterHash, int b, CsOptions.Multiplier kind) {
    return isLow(clusterHash, b, kind) ? low(kind) : high(kind);
  }

  /** Both multipliers take two values: whether this cluster's draw {@code b} takes the low one. */
  static boolean isLow(long clusterHash, int b, CsOptions.Multiplier kind) {
    long z = mix(clusterHash + (b + 1L) * 0x9E3779B97F4A7C15L);
    double u = (z >>> 11) * 0x1.0p-53;
    return u < (kind == CsOptions.Multiplier.RADEMACHER ? 0.5 : MAMMEN_P_LOW);
  }

  static double low(CsOptions.Multiplier kind) {
    return kind == CsOptions.Multiplier.RADEMACHER ? -1.0 : MAMMEN_LOW;
  }

  static double high(CsOptions.Multiplier kind) {
    return kind == CsOptions.Multiplier.RADEMACHER ? 1.0 : MAMMEN_HIGH;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** R's quantile(x, p, type = 1) of sorted values. */
  static double quantileType1(double[] sorted, double prob) {
    int n = sorted.length;
    double fuzz = 4 * Math.ulp(1.0);
    double nppm = n * prob;
    int j = (int) Math.floor(nppm + fuzz);
    boolean h = nppm > j + fuzz;
    int idx = h ? j + 1 : j; // 1-based; R takes x[1] when the index is 0
    idx = Math.max(1, Math.min(n, idx));
    return sorted[idx - 1];
  }

  /** The draws of one parameter: column {@code t} of B x T draws. */
  static double[] column(double[][] draws, int t) {
    double[] c = new double[draws.length];
    for (int b = 0; b < draws.length; b++) {
      c[b] = draws[b][t];
    }
    return c;
  }

  /** Sample standard deviation of draws (R's sd). */
  static double sd(double[] draws) {
    double m = 0;
    for (double d : draws) {
      m += d;
    }
    m /= draws.length;
    double ss = 0;
    for (double d : draws) {
      ss += (d - m) * (d - m);
    }
    return Math.sqrt(ss / (draws.length - 1));
  }

  /** IQR-based scale of one parameter's draws (mboot's bSigma); NaN when the draws are degenerate. */
  static double sigma(double[] draws) {
    double ss = 0;
    for (double d : draws) {
      ss += d * d;
    }
    if (!(ss > TINY)) {
      return Double.NaN;
    }
    double[] s = draws.clone();
    Arrays.sort(s);
    double sig = (quantileType1(s, 0.75) - quantileType1(s, 0.25)) / IQR_NORMAL;
    return sig > TINY ? sig : Double.NaN;
  }

  /** Simultaneous critical value over parameters {@code cols} (sigma from {@link #sigma}). */
  static double criticalValue(double[][] draws, int[] cols, double[] sigma, double alpha) {
    double[] bt = new double[draws.length];
    int kept = 0;
    for (double[] row : draws) {
      double m = Double.NEGATIVE_INFINITY;
      for (int t : cols) {
        if (Double.isFinite(sigma[t])) {
          m = Math.max(m, Math.abs(row[t] / sigma[t]));
        }
      }
      if (Double.isFinite(m)) {
        bt[kept++] = m;
      }
    }
    if (kept == 0) {
      return Double.NaN;
    }
    double[] s = Arrays.copyOf(bt, kept);
    Arrays.sort(s);
    return quantileType1(s, 1 - alpha);
  }
}
