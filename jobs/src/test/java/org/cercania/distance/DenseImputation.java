package org.cercania.distance;

import static org.cercania.distance.RingBruteForceTest.FROM;
import static org.cercania.distance.RingBruteForceTest.YEARS;
import static org.cercania.distance.RingBruteForceTest.classify;
import static org.cercania.distance.RingBruteForceTest.dummies;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.cercania.distance.RingBruteForceTest.Estimate;
import org.cercania.distance.RingBruteForceTest.Unit;

/**
 * Borusyak, Jaravel and Spiess's imputation estimator written out densely over one band's units,
 * with R didimputation's did_imputation as the specification (first stage ~ 0 | unit + period,
 * horizon = TRUE, cluster_var = the cluster). Every unit-year weighs 1 in the estimation panel (a
 * survey cluster's respondent weights enter through its unit-year means), so BJS's weights and
 * didimputation's coincide.
 *
 * <p>First stage: least squares of the untreated unit-year means (never treated, and years before a
 * unit's entry) on dummies Z (unit dummies and year dummies, the first year left out). A target (the
 * ATT, or one event time) gives each treated observation the weight v = 1 / (its number of treated
 * observations) when it belongs to the target, 0 otherwise; the estimate is sum v tau, tau = y - Z
 * beta. BJS's conservative variance (didimputation's equations (6), (8), (10)): the untreated
 * observations' implied weights v0 = -Z0 (Z0'Z0)^-1 Z1' v1 (their weights in the imputed outcomes),
 * residuals r = the first-stage residual for untreated observations and tau - tau_bar for treated
 * ones, tau_bar the v^2-weighted mean of tau in the observation's cohort x year cell; the variance
 * is the sum over clusters of (sum v r)^2, with no small-sample factor. With {@code leaveOneOut}, BJS's
 * leave-out refinement as the Stata did_imputation's {@code leaveout} writes it, per observation: in
 * the observation's cell, W_c = the sum of v over the cell's observations in its cluster c, D = sum
 * over the cell's clusters of W_c^2, tau_bar = sum over the cell of v W_c tau / D, and the residual
 * (tau - tau_bar) D / (D - W_c^2) (the plain tau - tau_bar when the cell holds one cluster).
 */
final class DenseImputation {
  /** One unit-year: the unit's cluster, entry year (0 never), year index, mean outcome, dummies and band at entry (-1 never). */
  record Obs(String cluster, int cohort, int t, double y, double[] z, int band) {
    boolean treated() {
      return cohort > 0 && FROM + t >= cohort;
    }

    int eventTime() {
      return FROM + t - cohort;
    }

    int cell() {
      return cohort * 100 + t;
    }
  }

  private final List<Obs> untreated = new ArrayList<>();
  private final List<Obs> treated = new ArrayList<>();
  private final RealMatrix z0;
  private final RealMatrix z1;
  private final RealMatrix z0z0Inverse;
  private final double[] beta;
  private final boolean leaveOneOut;

  DenseImputation(List<Unit> units) {
    this(units, false);
  }

  DenseImputation(List<Unit> units, boolean leaveOneOut) {
    this.leaveOneOut = leaveOneOut;
    int k = units.size() + YEARS - 1;
    for (int i = 0; i < units.size(); i++) {
      Unit u = units.get(i);
      int cohort = (int) classify(u)[1];
      int band = (int) classify(u)[2];
      for (int t = 0; t < YEARS; t++) {
        if (u.mean()[t] != null) {
          Obs o = new Obs(u.cluster(), cohort, t, u.mean()[t], dummies(i, t, k), band);
          (o.treated() ? treated : untreated).add(o);
        }
      }
    }
    z0 = new Array2DRowRealMatrix(untreated.stream().map(Obs::z).toArray(double[][]::new));
    z1 = new Array2DRowRealMatrix(treated.stream().map(Obs::z).toArray(double[][]::new));
    z0z0Inverse = new LUDecomposition(z0.transpose().multiply(z0)).getSolver().getInverse();
    beta = z0z0Inverse.operate(z0.transpose().operate(untreated.stream().mapToDouble(Obs::y).toArray()));
  }

  /** y minus the first stage's fit: the residual of an untreated observation, the imputed effect tau of a treated one. */
  private double residual(Obs o) {
    double fit = 0;
    for (int j = 0; j < beta.length; j++) {
      fit += o.z()[j] * beta[j];
    }
    return o.y() - fit;
  }

  /** didimputation's "treat": every treated observation. */
  Estimate overall() {
    return estimate(o -> true);
  }

  /** didimputation's horizon = TRUE rows: one target per event time e >= 0. */
  Map<Integer, Estimate> eventStudy() {
    Map<Integer, Estimate> out = new TreeMap<>();
    treated.stream().mapToInt(Obs::eventTime).distinct().forEach(e -> out.put(e, estimate(o -> o.eventTime() == e)));
    return out;
  }

  /**
   * One target per band of the treated units (the units passed in span several bands): each band's
   * ATT from this one first stage, as the library's group::band terms.
   */
  Map<Integer, Estimate> byBand() {
    Map<Integer, Estimate> out = new TreeMap<>();
    treated.stream().mapToInt(Obs::band).distinct().forEach(b -> out.put(b, estimate(o -> o.band() == b)));
    return out;
  }

  /** The conservative covariance of two targets' estimates: sum over clusters of the product of their sums v r. */
  double covariance(Predicate<Obs> a, Predicate<Obs> b) {
    Map<String, Double> sa = clusterSums(a);
    Map<String, Double> sb = clusterSums(b);
    return sa.entrySet().stream().mapToDouble(e -> e.getValue() * sb.getOrDefault(e.getKey(), 0.0)).sum();
  }

  /** Each cluster's sum of v r for the target (v its weights, r the residuals centred for it). */
  private Map<String, Double> clusterSums(Predicate<Obs> target) {
    double[] v1 = treatedWeights(target);
    double[] v0 = untreatedWeights(v1);
    double[] r1 = centredEffects(v1);
    Map<String, Double> byCluster = new HashMap<>();
    for (int i = 0; i < treated.size(); i++) {
      byCluster.merge(treated.get(i).cluster(), v1[i] * r1[i], Double::sum);
    }
    for (int i = 0; i < untreated.size(); i++) {
      byCluster.merge(untreated.get(i).cluster(), v0[i] * residual(untreated.get(i)), Double::sum);
    }
    return byCluster;
  }

  /** The target's estimate sum v1 tau and its conservative clustered SE. */
  Estimate estimate(Predicate<Obs> target) {
    double[] v1 = treatedWeights(target);
    double[] v0 = untreatedWeights(v1);
    double[] r1 = centredEffects(v1);
    double estimate = 0;
    double linear = 0; // the same estimate as the linear map sum v y over all observations (checks v0)
    Map<String, Double> byCluster = new HashMap<>();
    for (int i = 0; i < treated.size(); i++) {
      estimate += v1[i] * residual(treated.get(i));
      linear += v1[i] * treated.get(i).y();
      byCluster.merge(treated.get(i).cluster(), v1[i] * r1[i], Double::sum);
    }
    for (int i = 0; i < untreated.size(); i++) {
      linear += v0[i] * untreated.get(i).y();
      byCluster.merge(untreated.get(i).cluster(), v0[i] * residual(untreated.get(i)), Double::sum);
    }
    if (Math.abs(linear - estimate) > 1e-10) {
      throw new AssertionError("implied weights do not reproduce the estimate: " + linear + " vs " + estimate);
    }
    return new Estimate(estimate, Math.sqrt(byCluster.values().stream().mapToDouble(s -> s * s).sum()));
  }

  /** v1: 1 / (number of the target's treated observations) for each of them, 0 for the other treated observations. */
  private double[] treatedWeights(Predicate<Obs> target) {
    long count = treated.stream().filter(target).count();
    return treated.stream().mapToDouble(o -> target.test(o) ? 1.0 / count : 0).toArray();
  }

  /** v0 = -Z0 (Z0'Z0)^-1 Z1' v1: each untreated observation's weight in the target's imputed outcomes. */
  private double[] untreatedWeights(double[] v1) {
    double[] v0 = z0.operate(z0z0Inverse.operate(z1.transpose().operate(v1)));
    for (int i = 0; i < v0.length; i++) {
      v0[i] = -v0[i];
    }
    return v0;
  }

  /**
   * tau - tau_bar per treated observation: tau_bar the v1^2-weighted mean of tau in its cohort x year
   * cell (0 where v1 is 0 throughout); with leave-out, Stata did_imputation's cluster weighting and factor.
   */
  private double[] centredEffects(double[] v1) {
    Map<Integer, double[]> cells = new HashMap<>(); // cell -> {sum v^2 tau, sum v^2}
    Map<String, Double> clusterWeight = new HashMap<>(); // cell + cluster -> W_c = sum v
    for (int i = 0; i < treated.size(); i++) {
      double[] s = cells.computeIfAbsent(treated.get(i).cell(), c -> new double[2]);
      s[0] += v1[i] * v1[i] * residual(treated.get(i));
      s[1] += v1[i] * v1[i];
      clusterWeight.merge(treated.get(i).cell() + "/" + treated.get(i).cluster(), v1[i], Double::sum);
    }
    double[] r = new double[treated.size()];
    if (!leaveOneOut) {
      for (int i = 0; i < treated.size(); i++) {
        double[] s = cells.get(treated.get(i).cell());
        r[i] = residual(treated.get(i)) - (s[1] > 0 ? s[0] / s[1] : 0);
      }
      return r;
    }
    Map<Integer, double[]> stata = new HashMap<>(); // cell -> {D = sum_c W_c^2, sum v W_c tau}
    clusterWeight.forEach((key, w) -> stata.computeIfAbsent(Integer.valueOf(key.substring(0, key.indexOf('/'))),
        c -> new double[2])[0] += w * w);
    for (int i = 0; i < treated.size(); i++) {
      double wc = clusterWeight.get(treated.get(i).cell() + "/" + treated.get(i).cluster());
      stata.get(treated.get(i).cell())[1] += v1[i] * wc * residual(treated.get(i));
    }
    for (int i = 0; i < treated.size(); i++) {
      double[] s = stata.get(treated.get(i).cell());
      double wc = clusterWeight.get(treated.get(i).cell() + "/" + treated.get(i).cluster());
      double tauBar = s[0] > 0 ? s[1] / s[0] : 0;
      r[i] = residual(treated.get(i)) - tauBar;
      if (s[0] - wc * wc > 1e-12 * s[0]) {
        r[i] *= s[0] / (s[0] - wc * wc);
      }
    }
    return r;
  }
}
