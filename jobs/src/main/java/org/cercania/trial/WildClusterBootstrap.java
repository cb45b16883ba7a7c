package org.cercania.trial;

import java.util.SplittableRandom;
import org.cercania.did.linalg.SmallMatrix;

/**
 * The wild cluster restricted bootstrap-t (null imposed) of H0: r'beta = theta, on per-cluster sums
 * only (Roodman, MacKinnon, Nielsen and Webb 2019). With A = X'X, a = A^-1 r and the restricted fit's
 * scores s_g(theta) = X_g'(y_g - X_g beta_r(theta)), a draw with cluster weights v gives
 *
 * <pre>
 *   r'beta* - theta = sum_h v_h c_h,              c_h = a's_h
 *   a'X_g'u*_g      = v_g c_g - sum_h v_h d_g's_h, d_g = A^-1 X_g'X_g a
 * </pre>
 *
 * so each draw costs O(G^2), never touching rows. Everything is linear in delta = r'beta_hat - theta, so
 * each draw is kept as five numbers (numerator and squared denominator as polynomials in delta) and the
 * p-value at any theta costs O(draws): the confidence interval is found by inverting the test.
 * The p-value is symmetric: the share of draws with |t*| >= |t|.
 */
public final class WildClusterBootstrap {
  /** The test of r'beta = 0 and the inverted interval. */
  public record Result(double estimate, double crveSe, double t, double p, double lower, double upper, int draws,
      BootstrapWeights weights, boolean enumerated, double[] tDraws) {}

  private final double thetaHat;
  private final double se;
  private final double factor;
  /** Per draw: n0, n1, q0, q1, q2 with t*(delta) = (n0 + delta n1) / sqrt(factor (q0 + 2 delta q1 + delta^2 q2)). */
  private final double[][] poly;
  private final BootstrapWeights weights;
  private final boolean enumerated;

  private WildClusterBootstrap(ClusterRegression reg, double[] r, BootstrapWeights weights, int draws, long seed) {
    this.weights = weights;
    int g = reg.clusters();
    enumerated = weights.enumerates(g, draws);
    int b = weights.drawCount(g, draws);
    thetaHat = reg.estimate(r);
    se = reg.crveSe(r);
    factor = reg.cr1Factor();
    double[] a = SmallMatrix.times(reg.aInv, r);
    double ra = SmallMatrix.dot(r, a);
    // s_g(theta) = e_g + delta h_g: unrestricted scores plus delta times X_g'X_g a / r'a
    double[][] e = reg.scores(reg.beta);
    double[][] h = new double[g][];
    double[][] d = new double[g][];
    for (int c = 0; c < g; c++) {
      double[] xa = SmallMatrix.times(reg.xx[c], a);
      h[c] = new double[xa.length];
      for (int i = 0; i < xa.length; i++) {
        h[c][i] = xa[i] / ra;
      }
      d[c] = SmallMatrix.times(reg.aInv, xa);
    }
    double[] c0 = new double[g];
    double[] c1 = new double[g];
    double[][] d0 = new double[g][g];
    double[][] d1 = new double[g][g];
    for (int i = 0; i < g; i++) {
      c0[i] = SmallMatrix.dot(a, e[i]);
      c1[i] = SmallMatrix.dot(a, h[i]);
      for (int j = 0; j < g; j++) {
        d0[i][j] = SmallMatrix.dot(d[i], e[j]);
        d1[i][j] = SmallMatrix.dot(d[i], h[j]);
      }
    }
    poly = new double[b][5];
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[g];
    for (int k = 0; k < b; k++) {
      weights.fill(v, k, enumerated, rng);
      double n0 = 0;
      double n1 = 0;
      double q0 = 0;
      double q1 = 0;
      double q2 = 0;
      for (int i = 0; i < g; i++) {
        n0 += v[i] * c0[i];
        n1 += v[i] * c1[i];
        double m0 = v[i] * c0[i];
        double m1 = v[i] * c1[i];
        double[] r0 = d0[i];
        double[] r1 = d1[i];
        for (int j = 0; j < g; j++) {
          m0 -= v[j] * r0[j];
          m1 -= v[j] * r1[j];
        }
        q0 += m0 * m0;
        q1 += m0 * m1;
        q2 += m1 * m1;
      }
      poly[k] = new double[] {n0, n1, q0, q1, q2};
    }
  }

  /** Tests r'beta = 0 with {@code draws} draws (all 2^G sign vectors when Rademacher and draws >= 2^G). */
  public static Result test(ClusterRegression reg, double[] r, BootstrapWeights weights, int draws, long seed, double level) {
    WildClusterBootstrap w = new WildClusterBootstrap(reg, r, weights, draws, seed);
    double alpha = 1 - level;
    double[] ci = w.interval(alpha);
    return new Result(w.thetaHat, w.se, w.thetaHat / w.se, w.pValue(0), ci[0], ci[1], w.poly.length, weights, w.enumerated,
        w.tDraws(0));
  }

  /** t*(theta) of every draw. */
  double[] tDraws(double theta) {
    double delta = thetaHat - theta;
    double[] t = new double[poly.length];
    for (int k = 0; k < poly.length; k++) {
      t[k] = tStar(poly[k], delta);
    }
    return t;
  }

  private double tStar(double[] q, double delta) {
    double den = factor * (q[2] + 2 * delta * q[3] + delta * delta * q[4]);
    return (q[0] + delta * q[1]) / Math.sqrt(Math.max(den, 0));
  }

  /** The symmetric bootstrap p-value of H0: r'beta = theta. */
  double pValue(double theta) {
    double delta = thetaHat - theta;
    double t = Math.abs(delta / se);
    int hits = 0;
    for (double[] q : poly) {
      double ts = Math.abs(tStar(q, delta));
      // ties (the all-ones draw reproduces t exactly) count, whatever the rounding; so does an undefined t* (0/0)
      if (!(ts < t * (1 - 1e-10))) {
        hits++;
      }
    }
    return (double) hits / poly.length;
  }

  /** The thetas where the p-value crosses alpha on either side of the estimate. */
  private double[] interval(double alpha) {
    return new double[] {bound(alpha, -1), bound(alpha, 1)};
  }

  private double bound(double alpha, int side) {
    double inside = thetaHat;
    double step = se > 0 ? se : Math.max(1e-8, Math.abs(thetaHat));
    double outside = thetaHat + side * step;
    int tries = 0;
    while (pValue(outside) > alpha) {
      inside = outside;
      step *= 2;
      outside = thetaHat + side * step;
      if (++tries > 60) {
        return side * Double.POSITIVE_INFINITY;
      }
    }
    for (int i = 0; i < 60 && Math.abs(outside - inside) > 1e-10 * Math.max(se, 1e-12); i++) {
      double mid = (inside + outside) / 2;
      if (pValue(mid) > alpha) {
        inside = mid;
      } else {
        outside = mid;
      }
    }
    return (inside + outside) / 2;
  }
}
