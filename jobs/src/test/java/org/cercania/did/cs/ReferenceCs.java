package org.cercania.did.cs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cercania.did.SimPanel;

/**
 * An in-memory brute-force Callaway-Sant'Anna for tests, written independently of the Spark code
 * and literally after R did 2.3.0's att_gt / aggte and DRDID's drdid_panel (no covariates: the
 * design is the intercept): vectors over all units, R's loops and its wif / get_agg_inf_func
 * matrices. Influence functions are summed by cluster for the standard errors.
 */
final class ReferenceCs {
  final Map<String, double[]> attGt = new LinkedHashMap<>();
  final Map<String, double[]> aggregates = new LinkedHashMap<>();
  final int n;
  private final SimPanel d;
  private final List<double[]> psi = new ArrayList<>();
  private final List<int[]> gt = new ArrayList<>();
  private final List<Double> att = new ArrayList<>();

  ReferenceCs(SimPanel d, boolean notYet, boolean universal, int antic, boolean weighted, boolean clustered) {
    this.d = d;
    int[] tl = d.periods;
    n = d.cohort.length;
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = weighted ? d.weight[i] : 1.0;
    }
    TreeSet<Integer> gs = new TreeSet<>();
    for (int g : d.cohort) {
      if (g > 0 && g > tl[0] + antic) {
        gs.add(g);
      }
    }
    int tfac = universal ? 0 : 1;
    int tlen = universal ? tl.length : tl.length - 1;
    for (int g : gs) {
      for (int t = 0; t < tlen; t++) {
        int pret = t;
        int last = -1;
        for (int j = 0; j < tl.length; j++) {
          if (tl[j] + antic < g) {
            last = j;
          }
        }
        if (universal) {
          pret = last;
        }
        int threshold = tl[Math.max(t, pret) + tfac] + antic;
        if (g <= tl[t + tfac]) {
          pret = last;
        }
        if (universal && pret == t + tfac) {
          record(g, tl[t], 0.0, new double[n]);
          continue;
        }
        double[] dY = new double[n];
        boolean[] in = new boolean[n];
        double[] dD = new double[n];
        int n1 = 0;
        for (int i = 0; i < n; i++) {
          int c = d.cohort[i];
          boolean isG = c == g;
          boolean isC = notYet ? (c == 0 || (c > threshold && c != g)) : c == 0;
          in[i] = isG || isC;
          dD[i] = isG ? 1 : 0;
          dY[i] = d.y[i][t + tfac] - d.y[i][pret];
          n1 += in[i] ? 1 : 0;
        }
        double[] inf = drdidPanelIntercept(in, dD, dY, w, n1);
        double[] full = new double[n];
        for (int i = 0; i < n; i++) {
          full[i] = in[i] ? (double) n / n1 * inf[i] : 0.0;
        }
        record(g, tl[t + tfac], lastAtt, full);
      }
    }
    for (int k = 0; k < gt.size(); k++) {
      attGt.put(gt.get(k)[0] + "/" + gt.get(k)[1], new double[] {att.get(k), se(psi.get(k), clustered)});
    }
    aggregate(w, clustered);
  }

  private double lastAtt;

  private void record(int g, int t, double a, double[] p) {
    gt.add(new int[] {g, t});
    att.add(a);
    psi.add(p);
  }

  /** DRDID::drdid_panel with int.cov = 1, on the units with in[i], returning att.inf.func (by unit index). */
  private double[] drdidPanelIntercept(boolean[] in, double[] dD, double[] dY, double[] wRaw, int n1) {
    double mw = 0;
    for (int i = 0; i < in.length; i++) {
      mw += in[i] ? wRaw[i] : 0;
    }
    mw /= n1;
    double[] w = new double[in.length];
    double sD = 0;
    double sAll = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i]) {
        w[i] = wRaw[i] / mw;
        sD += w[i] * dD[i];
        sAll += w[i];
      }
    }
    double ps = Math.min(sD / sAll, 1 - 1e-6); // the intercept-only logit MLE
    double sC = 0;
    double sCy = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] && dD[i] == 0) {
        sC += w[i];
        sCy += w[i] * dY[i];
      }
    }
    double outDelta = sCy / sC;
    double trimC = ps < 0.995 ? 1 : 0;
    double mWt = 0, mWc = 0, mAttT = 0, mAttC = 0, sumW = 0;
    for (int i = 0; i < in.length; i++) {
      if (!in[i]) {
        continue;
      }
      double wt = w[i] * dD[i];
      double wc = trimC * w[i] * ps * (1 - dD[i]) / (1 - ps);
      mWt += wt / n1;
      mWc += wc / n1;
      mAttT += wt * (dY[i] - outDelta) / n1;
      mAttC += wc * (dY[i] - outDelta) / n1;
      sumW += ps * (1 - ps) * w[i];
    }
    double etaT = mAttT / mWt;
    double etaC = mAttC / mWc;
    lastAtt = etaT - etaC;
    double xpx = 0, m2 = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i]) {
        xpx += w[i] * (1 - dD[i]) / n1;
        double wc = trimC * w[i] * ps * (1 - dD[i]) / (1 - ps);
        m2 += wc * (dY[i] - outDelta - etaC) / n1;
      }
    }
    double hess = n1 / sumW;
    double m1 = mWt;
    double m3 = mWc;
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      if (!in[i]) {
        continue;
      }
      double wt = w[i] * dD[i];
      double wc = trimC * w[i] * ps * (1 - dD[i]) / (1 - ps);
      double asyWols = w[i] * (1 - dD[i]) * (dY[i] - outDelta) / xpx;
      double asyPs = w[i] * (dD[i] - ps) * hess;
      double infTreat = (wt * (dY[i] - outDelta) - wt * etaT - asyWols * m1) / mWt;
      double infCont = (wc * (dY[i] - outDelta) - wc * etaC + asyPs * m2 - asyWols * m3) / mWc;
      out[i] = infTreat - infCont;
    }
    return out;
  }

  private double se(double[] p, boolean clustered) {
    Map<String, Double> sums = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      sums.merge(clustered ? d.cluster[i] : Integer.toString(i), p[i], Double::sum);
    }
    double ss = 0;
    for (double s : sums.values()) {
      ss += s * s;
    }
    double se = Math.sqrt(ss) / n;
    return se <= Math.sqrt(Math.ulp(1.0)) * 10 ? Double.NaN : se;
  }

  /** aggte's wif: rows = units, returned already multiplied by att[keepers]. */
  private double[] wifTimesAtt(List<Integer> keepers, double[] pg, double[] w) {
    double s = 0;
    double pgAtt = 0;
    for (int k : keepers) {
      s += pg[k];
      pgAtt += pg[k] * att.get(k);
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double if1 = 0;
      double rowSum = 0;
      for (int k : keepers) {
        double term = w[i] * (d.cohort[i] == gt.get(k)[0] ? 1 : 0) - pg[k];
        if1 += term / s * att.get(k);
        rowSum += term;
      }
      out[i] = if1 - rowSum * pgAtt / (s * s);
    }
    return out;
  }

  private double[] combine(List<Integer> keepers, double[] weights, double[] wif) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < keepers.size(); j++) {
        s += psi.get(keepers.get(j))[i] * weights[j];
      }
      out[i] = s + (wif == null ? 0 : wif[i]);
    }
    return out;
  }

  private double[] pgWeights(List<Integer> keepers, double[] pg) {
    double s = 0;
    for (int k : keepers) {
      s += pg[k];
    }
    double[] out = new double[keepers.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = pg[keepers.get(j)] / s;
    }
    return out;
  }

  private double dot(List<Integer> keepers, double[] weights) {
    double s = 0;
    for (int j = 0; j < weights.length; j++) {
      s += att.get(keepers.get(j)) * weights[j];
    }
    return s;
  }

  private void aggregate(double[] w, boolean clustered) {
    int m = gt.size();
    double[] pg = new double[m];
    for (int k = 0; k < m; k++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += w[i] * (d.cohort[i] == gt.get(k)[0] ? 1 : 0);
      }
      pg[k] = s / n;
    }
    List<Integer> keepers = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      if (gt.get(k)[0] <= gt.get(k)[1]) {
        keepers.add(k);
      }
    }
    double[] wts = pgWeights(keepers, pg);
    aggregates.put("simple/null", new double[] {dot(keepers, wts), se(combine(keepers, wts, wifTimesAtt(keepers, pg, w)), clustered)});
    // dynamic
    TreeSet<Integer> es = new TreeSet<>();
    gt.forEach(c -> es.add(c[1] - c[0]));
    List<double[]> posIf = new ArrayList<>();
    double posSum = 0;
    for (int e : es) {
      List<Integer> whiche = new ArrayList<>();
      for (int k = 0; k < m; k++) {
        if (gt.get(k)[1] - gt.get(k)[0] == e) {
          whiche.add(k);
        }
      }
      double[] we = pgWeights(whiche, pg);
      double[] inf = combine(whiche, we, wifTimesAtt(whiche, pg, w));
      double est = dot(whiche, we);
      aggregates.put("dynamic/" + e, new double[] {est, se(inf, clustered)});
      if (e >= 0) {
        posIf.add(inf);
        posSum += est;
      }
    }
    aggregates.put("dynamic/null", new double[] {posSum / posIf.size(), se(mean(posIf), clustered)});
    // group
    TreeSet<Integer> gs = new TreeSet<>();
    gt.forEach(c -> gs.add(c[0]));
    List<double[]> gIf = new ArrayList<>();
    List<Double> gAtt = new ArrayList<>();
    List<Double> pgg = new ArrayList<>();
    for (int g : gs) {
      List<Integer> whichg = new ArrayList<>();
      for (int k = 0; k < m; k++) {
        if (gt.get(k)[0] == g && g <= gt.get(k)[1]) {
          whichg.add(k);
        }
      }
      double[] wg = pgWeights(whichg, pg);
      double[] inf = combine(whichg, wg, null);
      double est = dot(whichg, wg);
      aggregates.put("group/" + g, new double[] {est, se(inf, clustered)});
      gIf.add(inf);
      gAtt.add(est);
      pgg.add(pg[whichg.get(0)]);
    }
    double sPgg = pgg.stream().mapToDouble(Double::doubleValue).sum();
    double sel = 0;
    for (int j = 0; j < gAtt.size(); j++) {
      sel += gAtt.get(j) * pgg.get(j) / sPgg;
    }
    double[] selIf = new double[n];
    List<Integer> glistIdx = new ArrayList<>(gs);
    for (int i = 0; i < n; i++) {
      double if1 = 0;
      double rowSum = 0;
      for (int j = 0; j < gAtt.size(); j++) {
        double term = w[i] * (d.cohort[i] == glistIdx.get(j) ? 1 : 0) - pgg.get(j);
        if1 += term / sPgg * gAtt.get(j);
        rowSum += term;
        selIf[i] += gIf.get(j)[i] * pgg.get(j) / sPgg;
      }
      selIf[i] += if1 - rowSum * sel / sPgg;
    }
    aggregates.put("group/null", new double[] {sel, se(selIf, clustered)});
    // calendar
    int minG = gs.first();
    TreeSet<Integer> ts = new TreeSet<>();
    gt.forEach(c -> ts.add(c[1]));
    List<double[]> tIf = new ArrayList<>();
    double tSum = 0;
    for (int t1 : ts) {
      if (t1 < minG) {
        continue;
      }
      List<Integer> whicht = new ArrayList<>();
      for (int k = 0; k < m; k++) {
        if (gt.get(k)[1] == t1 && gt.get(k)[0] <= gt.get(k)[1]) {
          whicht.add(k);
        }
      }
      double[] wt = pgWeights(whicht, pg);
      double[] inf = combine(whicht, wt, wifTimesAtt(whicht, pg, w));
      double est = dot(whicht, wt);
      aggregates.put("calendar/" + t1, new double[] {est, se(inf, clustered)});
      tIf.add(inf);
      tSum += est;
    }
    aggregates.put("calendar/null", new double[] {tSum / tIf.size(), se(mean(tIf), clustered)});
  }

  private double[] mean(List<double[]> v) {
    double[] out = new double[n];
    for (double[] a : v) {
      for (int i = 0; i < n; i++) {
        out[i] += a[i] / v.size();
      }
    }
    return out;
  }
}
