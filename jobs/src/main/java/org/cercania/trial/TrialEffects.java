package org.cercania.trial;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The effects of one trial for every outcome and contrast, from the per-outcome cluster sums: the
 * CR1 estimate (t with G-1 degrees of freedom, for comparison), the wild cluster restricted
 * bootstrap-t p-value and inverted interval, the randomisation-inference p-value, and across the outcome
 * family of each contrast the Romano-Wolf step-down p-values (from the same bootstrap draws: one seed,
 * so one set of cluster weights for all outcomes) and Anderson's sharpened q-values of the bootstrap
 * p-values.
 */
public final class TrialEffects {
  /** How to test. */
  public record Settings(String weights, int draws, int riDraws, long seed, double level) {}

  /** One row of trial_effects. */
  public record Effect(String outcome, String contrast, double estimate, double crveSe, double crveP, double crveLower,
      double crveUpper, double wildP, double wildLower, double wildUpper, double riP, double romanoWolfP, double sharpenedQ,
      String weights, int draws, int clusters, long observations) {}

  private TrialEffects() {}

  /** sums.get(o) the outcome's cluster sums, clusters ordered as armOf. */
  public static List<Effect> estimate(List<String> outcomes, List<ClusterCrossProducts> sums, List<int[]> armOf, List<String> arms,
      ArmAssignment procedure, Settings s) {
    List<Contrast> contrasts = Contrast.all(arms);
    int m = outcomes.size();
    WildClusterBootstrap.Result[][] wild = new WildClusterBootstrap.Result[contrasts.size()][m];
    double[][] ri = new double[m][];
    double[][] crve = new double[m * contrasts.size()][];
    for (int o = 0; o < m; o++) {
      ClusterCrossProducts cp = sums.get(o);
      ClusterRegression reg = cp.regression(armOf.get(o), arms.size());
      BootstrapWeights w = BootstrapWeights.parse(s.weights(), cp.clusterCount());
      TDistribution t = new TDistribution(null, cp.clusterCount() - 1);
      double crit = t.inverseCumulativeProbability(1 - (1 - s.level()) / 2);
      for (int c = 0; c < contrasts.size(); c++) {
        WildClusterBootstrap.Result r = WildClusterBootstrap.test(reg, contrasts.get(c).vector(reg.regressors()), w, s.draws(),
            s.seed(), s.level());
        wild[c][o] = r;
        crve[o * contrasts.size() + c] = new double[] {2 * (1 - t.cumulativeProbability(Math.abs(r.t()))),
            r.estimate() - crit * r.crveSe(), r.estimate() + crit * r.crveSe()};
      }
      ri[o] = procedure == null ? null
          : RandomizationInference.pValues(cp, arms.size(), armOf.get(o), contrasts, procedure, s.riDraws(), s.seed());
    }
    List<Effect> out = new ArrayList<>();
    for (int c = 0; c < contrasts.size(); c++) {
      double[] rw = romanoWolf(wild[c]);
      double[] p = new double[m];
      for (int o = 0; o < m; o++) {
        p[o] = wild[c][o].p();
      }
      double[] q = SharpenedQValues.of(p);
      for (int o = 0; o < m; o++) {
        WildClusterBootstrap.Result r = wild[c][o];
        double[] cr = crve[o * contrasts.size() + c];
        out.add(new Effect(outcomes.get(o), contrasts.get(c).name(), r.estimate(), r.crveSe(), cr[0], cr[1], cr[2], r.p(), r.lower(),
            r.upper(), ri[o] == null ? Double.NaN : ri[o][c], rw[o], q[o], r.weights().label() + (r.enumerated() ? " (all 2^G)" : ""),
            r.draws(), sums.get(o).clusterCount(), sums.get(o).observations()));
      }
    }
    return out;
  }

  /** Romano-Wolf across outcomes when their draws are joint (same clusters, same number of draws); else NaN. */
  private static double[] romanoWolf(WildClusterBootstrap.Result[] family) {
    double[] t = new double[family.length];
    double[][] draws = new double[family.length][];
    for (int o = 0; o < family.length; o++) {
      t[o] = family[o].t();
      draws[o] = family[o].tDraws();
      if (draws[o].length != draws[0].length) {
        double[] nan = new double[family.length];
        Arrays.fill(nan, Double.NaN);
        return nan;
      }
    }
    return RomanoWolf.adjust(t, draws);
  }
}
