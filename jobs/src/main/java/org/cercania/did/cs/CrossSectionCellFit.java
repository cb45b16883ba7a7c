package org.cercania.did.cs;

import static org.cercania.did.linalg.SmallMatrix.plus;
import static org.cercania.did.linalg.SmallMatrix.scale;

import org.cercania.did.DidSpec.Method;
import org.cercania.did.linalg.SmallMatrix;

/**
 * ATT(g,t) on repeated cross-sections (R did's panel = FALSE), as R did 2.3.0 calls DRDID 1.2.3:
 * {@code drdid_rc} for "dr" (the locally efficient doubly robust estimator, with outcome regressions
 * for treated and controls in both periods), {@code std_ipw_did_rc} for "ipw" and
 * {@code reg_did_rc} for "reg". A cell's observations are the treated and control rows of its
 * base period (pre) and of t (post); four groups T0, T1, C0, C1.
 *
 * <p>Built on the driver from sums over the groups (X'WX and X'Wy of {@link CellStatistics}, and
 * for the score-based methods the moments at the fitted propensity score, one pass for all cells).
 * DRDID normalises the weights by their mean in the cell and R did rescales the influence function
 * by n / n1; the normalisation cancels, so with raw weights w and sums S over the cell's groups, an
 * observation's psi is n * w * f, f written below with DRDID's column means as sums.
 */
final class CrossSectionCellFit implements CellModel {
  static final int T0 = 0;
  static final int T1 = 1;
  static final int C0 = 2;
  static final int C1 = 3;

  final Method method;
  final double att;
  final long n;
  final double[] gamma;
  final double pConst;
  final double[] b0;
  final double[] b1;
  final double[] bt0;
  final double[] bt1;
  final double sT0;
  final double sT1;
  final double sT;
  final double rC0;
  final double rC1;
  final double atPre;
  final double atPost;
  final double acPre;
  final double acPost;
  final double adPost;
  final double adt1;
  final double adPre;
  final double adt0;
  final double etaCont;
  /** Coefficient vectors applied to an observation's x times its OLS residual, by group. */
  final double[][] olsCoef;
  /** Hinv (M2.post - M2.pre): the propensity-score estimation effect. */
  final double[] psCoef;
  final double[] adjT0;
  final double[] adjT1;

  /**
   * @param xx X'WX by group (T0, T1, C0, C1), raw weights; xy X'Wy by group
   * @param b OLS coefficients by group (null where not needed; zero for ipw controls)
   * @param r sum of w r by control group (C0, C1; r = trimmed p / (1 - p)); rx its X-weighted sums;
   *     rres sum of w r (y - X b) X
   * @param h X' diag(w p (1 - p)) X over the cell (null for reg)
   */
  CrossSectionCellFit(Method method, long n, double[][][] xx, double[][] xy, double[][] b, double[] gamma, double pConst,
      double[] r, double[][] rx, double[][] rres, double[][] h) {
    this.method = method;
    this.n = n;
    this.gamma = gamma;
    this.pConst = pConst;
    int k = xy[0].length;
    double[] xT0 = column(xx[T0]);
    double[] xT1 = column(xx[T1]);
    double[] xT = plus(xT0, 1, xT1);
    sT0 = xx[T0][0][0];
    sT1 = xx[T1][0][0];
    sT = sT0 + sT1;
    b0 = b[C0] == null ? new double[k] : b[C0];
    b1 = b[C1] == null ? new double[k] : b[C1];
    bt0 = b[T0];
    bt1 = b[T1];
    olsCoef = new double[4][];
    rC0 = r == null ? 0 : r[0];
    rC1 = r == null ? 0 : r[1];
    switch (method) {
      case REG -> {
        atPre = xy[T0][0] / sT0;
        atPost = xy[T1][0] / sT1;
        etaCont = SmallMatrix.dot(xT, plus(b1, -1, b0)) / sT;
        acPre = acPost = adPost = adt1 = adPre = adt0 = 0;
        // reg_did_rc: inf.control = (inf.cont.1 + asy.ols.post M1 - asy.ols.pre M1) / mean(w D), M1 = mean(w D X)
        olsCoef[C0] = scale(SmallMatrix.times(SmallMatrix.inverse(xx[C0]), xT), 1 / sT);
        olsCoef[C1] = scale(SmallMatrix.times(SmallMatrix.inverse(xx[C1]), xT), -1 / sT);
        psCoef = null;
        adjT0 = adjT1 = null;
        att = (atPost - atPre) - etaCont;
      }
      case IPW -> {
        atPre = xy[T0][0] / sT0;
        atPost = xy[T1][0] / sT1;
        acPre = rres[0][0] / rC0;
        acPost = rres[1][0] / rC1;
        adPost = adt1 = adPre = adt0 = etaCont = 0;
        double[] m2pre = scale(plus(rres[0], -acPre, rx[0]), 1 / rC0);
        double[] m2post = scale(plus(rres[1], -acPost, rx[1]), 1 / rC1);
        psCoef = SmallMatrix.times(SmallMatrix.inverse(h), plus(m2post, -1, m2pre));
        adjT0 = adjT1 = null;
        att = (atPost - atPre) - (acPost - acPre);
      }
      default -> {
        atPre = (xy[T0][0] - SmallMatrix.dot(xT0, b0)) / sT0;
        atPost = (xy[T1][0] - SmallMatrix.dot(xT1, b1)) / sT1;
        acPre = rres[0][0] / rC0;
        acPost = rres[1][0] / rC1;
        double[] d1 = plus(bt1, -1, b1);
        double[] d0 = plus(bt0, -1, b0);
        adPost = SmallMatrix.dot(xT, d1) / sT;
        adt1 = SmallMatrix.dot(xT1, d1) / sT1;
        adPre = SmallMatrix.dot(xT, d0) / sT;
        adt0 = SmallMatrix.dot(xT0, d0) / sT0;
        etaCont = 0;
        double[] m1post = scale(xT1, -1 / sT1);
        double[] m1pre = scale(xT0, -1 / sT0);
        double[] m2pre = scale(plus(rres[0], -acPre, rx[0]), 1 / rC0);
        double[] m2post = scale(plus(rres[1], -acPost, rx[1]), 1 / rC1);
        double[] m3post = scale(rx[1], -1 / rC1);
        double[] m3pre = scale(rx[0], -1 / rC0);
        double[] momPost = plus(scale(xT, 1 / sT), -1 / sT1, xT1);
        double[] momPre = plus(scale(xT, 1 / sT), -1 / sT0, xT0);
        psCoef = SmallMatrix.times(SmallMatrix.inverse(h), plus(m2post, -1, m2pre));
        // controls: OLS residual times x' XXinv (M1 - M3 +/- mom); treated: the treated OLS fits' effect
        olsCoef[C0] = SmallMatrix.times(SmallMatrix.inverse(xx[C0]), plus(plus(m1pre, -1, m3pre), 1, momPre));
        olsCoef[C1] = SmallMatrix.times(SmallMatrix.inverse(xx[C1]), plus(plus(m1post, -1, m3post), -1, momPost));
        adjT0 = SmallMatrix.times(SmallMatrix.inverse(xx[T0]), scale(momPre, -1));
        adjT1 = SmallMatrix.times(SmallMatrix.inverse(xx[T1]), momPost);
        att = (atPost - atPre) - (acPost - acPre) + (adPost - adt1) - (adPre - adt0);
      }
    }
  }

  private static double[] column(double[][] xx) {
    double[] c = new double[xx.length];
    for (int a = 0; a < xx.length; a++) {
      c[a] = xx[a][0];
    }
    return c;
  }

  @Override
  public double att() {
    return att;
  }

  @Override
  public double psi(UnitRow u, GtCell cell, int role, double[] x) {
    boolean post = u.period == cell.tIdx();
    int grp = role == 1 ? (post ? T1 : T0) : (post ? C1 : C0);
    double y = u.y[0];
    double f;
    switch (method) {
      case REG -> {
        double adj = SmallMatrix.dot(x, b1) - SmallMatrix.dot(x, b0) - etaCont;
        f = switch (grp) {
          case T0 -> -(y - atPre) / sT0 - adj / sT;
          case T1 -> (y - atPost) / sT1 - adj / sT;
          case C0 -> (y - SmallMatrix.dot(x, b0)) * SmallMatrix.dot(x, olsCoef[C0]);
          default -> (y - SmallMatrix.dot(x, b1)) * SmallMatrix.dot(x, olsCoef[C1]);
        };
      }
      case IPW -> {
        double ps = CellModel.pscore(gamma, pConst, x);
        double psTerm = (role - ps) * SmallMatrix.dot(x, psCoef);
        double r = CellModel.trimmedOdds(ps);
        f = switch (grp) {
          case T0 -> -(y - atPre) / sT0;
          case T1 -> (y - atPost) / sT1;
          case C0 -> r * (y - acPre) / rC0;
          default -> -r * (y - acPost) / rC1;
        } - psTerm;
      }
      default -> {
        double ps = CellModel.pscore(gamma, pConst, x);
        double psTerm = (role - ps) * SmallMatrix.dot(x, psCoef);
        double r = CellModel.trimmedOdds(ps);
        double fit0 = SmallMatrix.dot(x, b0);
        double fit1 = SmallMatrix.dot(x, b1);
        switch (grp) {
          case T0 -> {
            double eff = (SmallMatrix.dot(x, bt1) - fit1 - adPost) / sT - (SmallMatrix.dot(x, bt0) - fit0 - adPre) / sT
                + (SmallMatrix.dot(x, bt0) - fit0 - adt0) / sT0;
            f = -(y - fit0 - atPre) / sT0 + eff + (y - SmallMatrix.dot(x, bt0)) * SmallMatrix.dot(x, adjT0);
          }
          case T1 -> {
            double eff = (SmallMatrix.dot(x, bt1) - fit1 - adPost) / sT - (SmallMatrix.dot(x, bt1) - fit1 - adt1) / sT1
                - (SmallMatrix.dot(x, bt0) - fit0 - adPre) / sT;
            f = (y - fit1 - atPost) / sT1 + eff + (y - SmallMatrix.dot(x, bt1)) * SmallMatrix.dot(x, adjT1);
          }
          case C0 -> f = (y - fit0) * SmallMatrix.dot(x, olsCoef[C0]) + r * (y - fit0 - acPre) / rC0;
          default -> f = (y - fit1) * SmallMatrix.dot(x, olsCoef[C1]) - r * (y - fit1 - acPost) / rC1;
        }
        f -= psTerm;
      }
    }
    return n * u.weight * f;
  }
}
