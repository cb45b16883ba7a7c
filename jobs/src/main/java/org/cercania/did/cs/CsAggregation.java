package org.cercania.did.cs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.cercania.did.DidSpec;

/**
 * R did's aggte: the simple, dynamic (event-study), group and calendar aggregations of the
 * ATT(g,t), each estimate with its influence function written as a linear map of the cells'
 * influence functions plus the influence function of the estimated weights (aggte's wif), which
 * depends on a unit only through its cohort and weight:
 * <pre>psi_target(i) = sum_c cellCoef[c] psi_c(i) + w_i cohortCoef[cohort(i)] + constant</pre>
 * so the influence pass evaluates every aggregation per unit from broadcast coefficients.
 * Skipped cells are left out, as aggte(na.rm = TRUE) does. The event window (spec.eventMin /
 * eventMax, aggte's min_e / max_e) and balance_e apply to the dynamic aggregation only.
 */
final class CsAggregation {
  private CsAggregation() {}

  /** One aggregated parameter: aggregation name, key (event time, cohort, period; null for the overall value). */
  record Target(String aggregation, Integer key, double estimate, double[] cellCoef, double[] cohortCoef, double constant)
      implements Serializable {

    Target plus(Target o, double f) {
      double[] a = cellCoef.clone();
      double[] b = cohortCoef.clone();
      for (int i = 0; i < a.length; i++) {
        a[i] += f * o.cellCoef[i];
      }
      for (int i = 0; i < b.length; i++) {
        b[i] += f * o.cohortCoef[i];
      }
      return new Target(aggregation, key, estimate + f * o.estimate, a, b, constant + f * o.constant);
    }
  }

  static List<Target> targets(AttGt est, DidSpec spec, CsOptions options) {
    List<GtCell> cells = new ArrayList<>();
    for (GtCell c : est.cells) {
      if (est.models[c.index()] != null) {
        cells.add(c);
      }
    }
    Ctx x = new Ctx(est, cells.size() == 0 ? 0 : est.cells.size());
    List<Target> out = new ArrayList<>();
    if (cells.isEmpty()) {
      return out;
    }
    // simple: post-treatment cells weighted by cohort size
    List<GtCell> post = cells.stream().filter(GtCell::post).toList();
    if (!post.isEmpty()) {
      out.add(x.weighted("simple", null, post, true));
    }
    out.addAll(dynamic(x, cells, spec, options));
    out.addAll(group(x, est, post));
    out.addAll(calendar(x, cells));
    return out;
  }

  /**
   * aggte's group aggregation: each cohort's post-treatment cells, and their cohort-size weighted
   * mean (with the estimation effect of the weights).
   */
  private static List<Target> group(Ctx x, AttGt est, List<GtCell> post) {
    List<Target> out = new ArrayList<>();
    List<Target> byGroup = new ArrayList<>();
    List<Integer> groupIdx = new ArrayList<>();
    for (int gi = 0; gi < est.panel.cohorts.length; gi++) {
      int g = est.panel.cohorts[gi];
      List<GtCell> whichg = post.stream().filter(c -> c.g() == g).toList();
      if (!whichg.isEmpty()) {
        byGroup.add(x.weighted("group", g, whichg, false));
        groupIdx.add(gi);
      }
    }
    if (!byGroup.isEmpty()) {
      double s = 0;
      double num = 0;
      for (int j = 0; j < byGroup.size(); j++) {
        s += est.pg[groupIdx.get(j)];
        num += est.pg[groupIdx.get(j)] * byGroup.get(j).estimate();
      }
      Target overall = x.empty("group", null);
      for (int j = 0; j < byGroup.size(); j++) {
        overall = overall.plus(byGroup.get(j), est.pg[groupIdx.get(j)] / s);
      }
      double[] cohortCoef = overall.cohortCoef().clone();
      double constant = overall.constant();
      for (int j = 0; j < byGroup.size(); j++) {
        int gi = groupIdx.get(j);
        double ck = byGroup.get(j).estimate() / s - num / (s * s);
        cohortCoef[gi] += ck;
        constant -= ck * est.pg[gi];
      }
      out.add(new Target("group", null, num / s, overall.cellCoef(), cohortCoef, constant));
      out.addAll(byGroup);
    }
    return out;
  }

  /** aggte's calendar aggregation: each period's treated cells from the first cohort on, and their mean. */
  private static List<Target> calendar(Ctx x, List<GtCell> cells) {
    List<Target> out = new ArrayList<>();
    int minG = cells.stream().mapToInt(GtCell::g).min().getAsInt();
    TreeSet<Integer> times = new TreeSet<>();
    cells.forEach(c -> times.add(c.t()));
    List<Target> byTime = new ArrayList<>();
    for (int t1 : times) {
      if (t1 < minG) {
        continue;
      }
      List<GtCell> whicht = cells.stream().filter(c -> c.t() == t1 && c.g() <= c.t()).toList();
      if (!whicht.isEmpty()) {
        byTime.add(x.weighted("calendar", t1, whicht, true));
      }
    }
    if (!byTime.isEmpty()) {
      out.add(x.mean("calendar", byTime));
      out.addAll(byTime);
    }
    return out;
  }

  private static List<Target> dynamic(Ctx x, List<GtCell> cells, DidSpec spec, CsOptions options) {
    List<GtCell> use = cells;
    TreeSet<Integer> es = new TreeSet<>();
    Integer balanceE = options.balanceE();
    if (balanceE != null) {
      int maxT = cells.stream().mapToInt(GtCell::t).max().getAsInt();
      int minT = x.est.panel.periods[0];
      use = cells.stream().filter(c -> maxT - c.g() >= balanceE).toList();
      use.forEach(c -> es.add(c.t() - c.g()));
      es.removeIf(e -> e > balanceE || e < balanceE - maxT + minT);
    } else {
      use.forEach(c -> es.add(c.t() - c.g()));
    }
    if (spec.eventMin() != null) {
      es.removeIf(e -> e < spec.eventMin());
    }
    if (spec.eventMax() != null) {
      es.removeIf(e -> e > spec.eventMax());
    }
    List<Target> byE = new ArrayList<>();
    for (int e : es) {
      List<GtCell> whiche = use.stream().filter(c -> c.t() - c.g() == e).toList();
      byE.add(x.weighted("dynamic", e, whiche, true));
    }
    List<Target> out = new ArrayList<>();
    List<Target> pos = byE.stream().filter(t -> t.key() >= 0).toList();
    if (!pos.isEmpty()) {
      out.add(x.mean("dynamic", pos));
    }
    out.addAll(byE);
    return out;
  }

  private static final class Ctx {
    final AttGt est;
    final int m;

    Ctx(AttGt est, int m) {
      this.est = est;
      this.m = m;
    }

    int cohortIndex(int g) {
      return Arrays.binarySearch(est.panel.cohorts, g);
    }

    Target empty(String agg, Integer key) {
      return new Target(agg, key, 0.0, new double[m], new double[est.panel.cohorts.length], 0.0);
    }

    /**
     * Cells averaged with weights pg / sum(pg); with {@code wif}, plus aggte's wif term:
     * sum_k c_k (w 1{G = g_k} - pg_k), c_k = att_k / S - sum_j pg_j att_j / S^2.
     */
    Target weighted(String agg, Integer key, List<GtCell> keepers, boolean wif) {
      double s = 0;
      double num = 0;
      for (GtCell c : keepers) {
        double pgk = est.pg[cohortIndex(c.g())];
        s += pgk;
        num += pgk * est.models[c.index()].att();
      }
      double[] cellCoef = new double[m];
      double[] cohortCoef = new double[est.panel.cohorts.length];
      double constant = 0;
      for (GtCell c : keepers) {
        int gi = cohortIndex(c.g());
        double pgk = est.pg[gi];
        cellCoef[c.index()] += pgk / s;
        if (wif) {
          double ck = est.models[c.index()].att() / s - num / (s * s);
          cohortCoef[gi] += ck;
          constant -= ck * pgk;
        }
      }
      return new Target(agg, key, num / s, cellCoef, cohortCoef, constant);
    }

    Target mean(String agg, List<Target> parts) {
      Target t = empty(agg, null);
      for (Target p : parts) {
        t = t.plus(p, 1.0 / parts.size());
      }
      return t;
    }
  }
}
