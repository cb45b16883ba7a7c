package org.cercania.did.cs;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.cercania.did.DidSpec;

/**
 * Standard errors and critical values of every target (cells and aggregations): analytic from the
 * influence functions, or from the multiplier bootstrap with R did's uniform bands and fallbacks.
 */
final class TargetInference {
  final double[] se;
  final double[] analyticSe;
  final double[] crit;
  final double z;
  /** Standard deviation of each target's bootstrap draws, on the se scale; null without a bootstrap. */
  double[] drawSd;

  TargetInference(AttGt est, List<CsAggregation.Target> targets, InfluencePass.Result inf, DidSpec spec, CsOptions o,
      List<String> notes) {
    int nt = targets.size();
    z = new NormalDistribution().inverseCumulativeProbability(1 - o.alpha() / 2);
    analyticSe = new double[nt];
    for (int t = 0; t < nt; t++) {
      double s = Math.sqrt(inf.sumSq[t]) / est.n;
      analyticSe[t] = s > MultiplierBootstrap.TINY ? s : Double.NaN;
    }
    se = analyticSe.clone();
    crit = new double[nt];
    Arrays.fill(crit, z);
    int draws = spec.bootstrap();
    if (draws <= 0) {
      return;
    }
    double root = Math.sqrt(inf.clusters);
    double[][] bres = new double[draws][nt];
    for (int b = 0; b < draws; b++) {
      for (int t = 0; t < nt; t++) {
        bres[b][t] = inf.boot[b * nt + t] / root;
      }
    }
    double[] sigma = new double[nt];
    drawSd = new double[nt];
    for (int t = 0; t < nt; t++) {
      drawSd[t] = MultiplierBootstrap.sd(MultiplierBootstrap.column(bres, t)) / root;
      sigma[t] = MultiplierBootstrap.sigma(MultiplierBootstrap.column(bres, t));
      boolean cell = targets.get(t).aggregation().equals("att_gt");
      // att_gt keeps NA where the analytic se is NA; aggte takes the bootstrap se as is
      se[t] = cell && Double.isNaN(analyticSe[t]) ? Double.NaN : sigma[t] / root;
      if (!(se[t] > MultiplierBootstrap.TINY)) {
        se[t] = Double.NaN;
      }
    }
    // R did: no uniform band with only two periods
    boolean cband = o.cband() && est.panel.periods.length > 2;
    if (!cband) {
      return;
    }
    for (String agg : List.of("att_gt", "dynamic", "group", "calendar")) {
      int[] cols = IntStream.range(0, nt)
          .filter(t -> targets.get(t).aggregation().equals(agg) && targets.get(t).key() != null).toArray();
      if (cols.length == 0) {
        continue;
      }
      double cv = MultiplierBootstrap.criticalValue(bres, cols, sigma, o.alpha());
      if (!agg.equals("att_gt")) {
        // aggte's fallbacks to the pointwise band
        if (!Double.isFinite(cv)) {
          notes.add("simultaneous critical value for " + agg + " is not finite; reporting pointwise intervals");
          cv = z;
        } else if (cv < z) {
          notes.add("simultaneous band for " + agg + " is narrower than the pointwise one; reporting pointwise intervals");
          cv = z;
        }
      }
      if (cv >= 7) {
        notes.add("simultaneous critical value for " + agg + " is " + cv + ", arguably too large to be reliable");
      }
      for (int t : cols) {
        crit[t] = cv;
      }
    }
  }
}
