package org.cercania.did;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cercania.errors.Errors;
import org.cercania.io.Progress;
import org.cercania.io.TableSchema;
import scala.Tuple2;

/**
 * Borusyak, Jaravel and Spiess's imputation estimator (estimator "imputation"), defined by R
 * didimputation's {@code did_imputation(data, yname, gname, tname, idname[, horizon = TRUE])} with
 * its default first stage {@code ~ 0 | unit + period}.
 *
 * <p>Estimation: unit and period fixed effects are fitted by (weighted) least squares on the
 * untreated observations only (never treated, cohorts after the last period, and periods before a
 * unit's cohort); each treated observation's untreated outcome is imputed as alpha_i + lambda_t and
 * tau_it = y_it - alpha_i - lambda_t. Output rows ({@code coefficients}): {@code ATT}, the weighted
 * mean of tau_it over the treated observations (didimputation's "treat"), and {@code tau::e} for
 * each event time e = t - g >= 0 (didimputation's horizon = TRUE rows "e"; only e up to
 * {@code --event-max} when given). A treated observation whose unit has no untreated observation,
 * or whose period has none, cannot be imputed: it is left out of every estimate (didimputation
 * drops its NA prediction) and reported in a message with a count.
 *
 * <p>Standard errors ({@code se_convention = "bjs_conservative"}): BJS's conservative clustered
 * variance as didimputation computes it: sqrt(sum over clusters of (sum_it v_it r_it)^2), where for
 * treated observations v_it is the estimate's weight w_it / sum(w) and r_it = tau_it - tau_bar_gt,
 * tau_bar_gt the average of tau within its cohort x period cell weighted by v^2 (so by w^2; no
 * leave-one-out), and for untreated observations r_it is the first-stage residual and
 * v_it = -w_it z_it'(Z0'W Z0)^-1 Z1'v1, the weight of the observation in the imputed outcomes. No
 * small-sample factor. With unit weights this is exactly didimputation's formula; with non-constant
 * weights didimputation (0.4/0.5) uses (Z0'W^2 Z0)^-1 Z1'W v1 instead, which is not the weight of
 * the observation in its own weighted estimate: here the BJS weights (as the Stata did_imputation)
 * are used, so weighted standard errors differ from didimputation's.
 *
 * <p>Spark passes, nothing per unit collected: (0) one aggregation by (cohort, period) for periods,
 * event times and periods without untreated observations; (a) one shuffle grouping each unit's
 * observations, cached; (1) a tree aggregation of the normal equations of the period effects after
 * the unit effects are concentrated out (T x T: diag(W_t) - sum_i w_it w_is / W_i, for the first
 * stage and, with other right-hand sides, for the v weights of every reported estimate); the driver
 * solves these T x T systems; (2) a tree aggregation of tau sums and of the cohort x period means
 * tau_bar; (3) each unit's v r summed by cluster, then one tree aggregation of their squares.
 * Not implemented: covariates in the first stage, anticipation, the pre-trend regression
 * (didimputation's {@code pretrends}) and user-supplied weights for aggregation (wtr).
 */
public final class BorusyakJaravelSpiess implements Estimator {
  static final String NAME = "imputation";
  public static final String ATT = "ATT";
  public static final String PREFIX = "tau::";
  public static final String SE_CONVENTION = "bjs_conservative";
  private static final double DISCONNECTED_TOL = 1e-10;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Dataset<Row>> estimate(Dataset<Row> panel, DidSpec spec) {
    return run(panel, spec).tables();
  }

  /**
   * The table, the messages about the data, and the number of treated observations that could not
   * be imputed (unit or period without an untreated observation).
   */
  public record Result(Map<String, Dataset<Row>> tables, List<String> notes, long notImputed) {}

  /** One observation of a unit, compact: period index, outcome, weight, cluster, cohort. */
  private record Ob(int t, double y, double w, String cluster, int cohort) implements Serializable {}

  /** What pass 1 accumulates: normal equations of the period effects (see class comment). */
  private static final class NormalEquations implements Serializable {
    final int nT;
    final int k;
    final double[] wt;
    final double[] c;
    final double[] r;
    /** Per target: sum of weights of its imputable treated observations by period, and sum_i w_it Omega_i / W_i. */
    final double[] omega;
    final double[] q;
    final long[] used;
    long untreatedObs;
    long lonelyUnits;
    long lonelyObs;

    NormalEquations(int nT, int k) {
      this.nT = nT;
      this.k = k;
      wt = new double[nT];
      c = new double[nT * nT];
      r = new double[nT];
      omega = new double[k * nT];
      q = new double[k * nT];
      used = new long[k];
    }

    NormalEquations merge(NormalEquations o) {
      add(wt, o.wt);
      add(c, o.c);
      add(r, o.r);
      add(omega, o.omega);
      add(q, o.q);
      for (int i = 0; i < used.length; i++) {
        used[i] += o.used[i];
      }
      untreatedObs += o.untreatedObs;
      lonelyUnits += o.lonelyUnits;
      lonelyObs += o.lonelyObs;
      return this;
    }
  }

  /** What pass 2 accumulates: tau sums per target and per cohort x period cell. */
  private static final class TauSums implements Serializable {
    final double[] num;
    final double[] w2tau;
    final double[] w2;

    TauSums(int k, int cells) {
      num = new double[k];
      w2tau = new double[cells];
      w2 = new double[cells];
    }

    TauSums merge(TauSums o) {
      add(num, o.num);
      add(w2tau, o.w2tau);
      add(w2, o.w2);
      return this;
    }
  }

  /** The fixed facts every pass needs: periods, targets, treated cohorts, periods with untreated observations. */
  private record Layout(int[] periods, boolean[] active, int[] horizons, int[] cohorts) implements Serializable {
    int targets() {
      return 1 + horizons.length;
    }

    boolean treated(Ob o) {
      return o.cohort() > 0 && periods[o.t()] >= o.cohort();
    }

    /** Targets an imputable treated observation belongs to: the ATT (0) and its event time's horizon, if reported. */
    int horizon(Ob o) {
      int h = Arrays.binarySearch(horizons, periods[o.t()] - o.cohort());
      return h >= 0 ? 1 + h : -1;
    }

    int cell(Ob o) {
      return Arrays.binarySearch(cohorts, o.cohort()) * periods.length + o.t();
    }
  }

  public Result run(Dataset<Row> panel, DidSpec spec) {
    Progress progress = new Progress(NAME);
    List<String> notes = new ArrayList<>();
    if (!spec.covariates().isEmpty()) {
      throw Errors.estimation(NAME, "covariates in the first stage are not supported: the untreated model is unit + period fixed effects");
    }
    if (spec.anticipation() != 0) {
      throw Errors.estimation(NAME, "anticipation is not supported (didimputation has no such option): run with --anticipation 0");
    }
    SparkSession spark = panel.sparkSession();
    String g = spec.cohort();
    String t = spec.time();
    Dataset<Row> p = SunAbraham.complete(PanelChecks.prepare(panel, spec, NAME), spec);
    Column w = spec.weights() == null ? lit(1.0) : col(spec.weights()).cast("double");

    // Pass 0: counts by cohort and period.
    spark.sparkContext().setJobDescription("imputation: cohort x period counts");
    List<Row> counts = p.groupBy(col(g), col(t).cast("int").as(t)).agg(count(lit(1)), sum(w)).collectAsList();
    TreeSet<Integer> periodSet = new TreeSet<>();
    counts.forEach(r -> periodSet.add(r.getInt(1)));
    if (periodSet.isEmpty()) {
      throw Errors.estimation(NAME, "no observations with a non-null " + spec.outcome() + ", " + t + " and " + spec.unit());
    }
    int[] periods = periodSet.stream().mapToInt(Integer::intValue).toArray();
    int nT = periods.length;
    boolean[] active = new boolean[nT];
    TreeMap<Integer, Long> treatedIn = new TreeMap<>();
    TreeSet<Integer> events = new TreeSet<>();
    TreeSet<Integer> cohorts = new TreeSet<>();
    long untreatedRows = 0;
    long treatedRows = 0;
    for (Row r : counts) {
      int cohort = r.getInt(0);
      int ti = Arrays.binarySearch(periods, r.getInt(1));
      if (cohort > 0 && r.getInt(1) >= cohort) {
        treatedIn.merge(ti, r.getLong(2), Long::sum);
        events.add(r.getInt(1) - cohort);
        cohorts.add(cohort);
        treatedRows += r.getLong(2);
      } else if (r.getDouble(3) > 0) {
        active[ti] = true;
        untreatedRows += r.getLong(2);
      }
    }
    if (treatedRows == 0) {
      throw Errors.estimation(NAME, "no treated observations: every cohort is 0 or after the last period");
    }
    if (untreatedRows == 0) {
      throw Errors.estimation(NAME, "no untreated observations (never treated or not yet treated) to fit the untreated outcome model");
    }
    long lonelyPeriodObs = 0;
    List<String> lonelyPeriods = new ArrayList<>();
    for (Map.Entry<Integer, Long> e : treatedIn.entrySet()) {
      if (!active[e.getKey()]) {
        lonelyPeriodObs += e.getValue();
        lonelyPeriods.add(String.valueOf(periods[e.getKey()]));
      }
    }
    if (lonelyPeriodObs > 0) {
      notes.add(lonelyPeriodObs + " treated observations cannot be imputed: no untreated observation in period(s) "
          + String.join(", ", lonelyPeriods) + "; they are left out of the estimates");
    }
    int[] horizons = events.stream().mapToInt(Integer::intValue)
        .filter(e -> spec.eventMax() == null || e <= spec.eventMax()).toArray();
    Layout layout = new Layout(periods, active, horizons, cohorts.stream().mapToInt(Integer::intValue).toArray());
    int k = layout.targets();

    // Pass (a): each unit's observations, cached.
    spark.sparkContext().setJobDescription("imputation: unit rows");
    JavaPairRDD<String, List<Ob>> units = p
        .select(col(spec.unit()).cast("string"), col(t).cast("int"), col(spec.outcome()).cast("double"), w,
            col(spec.clusterColumn()).cast("string"), col(g).cast("int"))
        .javaRDD()
        .mapToPair(r -> new Tuple2<>(r.getString(0),
            new Ob(Arrays.binarySearch(periods, r.getInt(1)), r.getDouble(2), r.getDouble(3), r.getString(4), r.getInt(5))))
        .aggregateByKey(new ArrayList<Ob>(), (l, o) -> {
          l.add(o);
          return l;
        }, (a, b) -> {
          a.addAll(b);
          return a;
        })
        .mapValues(l -> (List<Ob>) l);
    units.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Pass 1: normal equations.
      spark.sparkContext().setJobDescription("imputation: normal equations of the period effects");
      NormalEquations ne = units.values().treeAggregate(new NormalEquations(nT, k),
          (acc, obs) -> accumulate(acc, obs, layout), NormalEquations::merge, 2);
      if (ne.lonelyObs > 0) {
        notes.add(ne.lonelyObs + " treated observations of " + ne.lonelyUnits + " units cannot be imputed: the unit has no"
            + " untreated observation; they are left out of the estimates");
      }
      long notImputed = lonelyPeriodObs + ne.lonelyObs;
      if (ne.used[0] == 0) {
        throw Errors.estimation(NAME, "no treated observation can be imputed (see the messages above): " + String.join("; ", notes));
      }
      PeriodSystem sys = PeriodSystem.solve(ne, layout);
      double[] lambda = sys.solve(ne.r);
      double[][] ell = new double[k][];
      double[] total = new double[k];
      for (int j = 0; j < k; j++) {
        double[] b = new double[nT];
        for (int s = 0; s < nT; s++) {
          b[s] = ne.omega[j * nT + s] - ne.q[j * nT + s];
          total[j] += ne.omega[j * nT + s];
        }
        ell[j] = sys.solve(b);
      }

      // Pass 2: tau sums and cohort x period means of tau.
      spark.sparkContext().setJobDescription("imputation: treatment effects");
      int cells = layout.cohorts().length * nT;
      TauSums ts = units.values().treeAggregate(new TauSums(k, cells), (acc, obs) -> {
        double[] fe = unitEffect(obs, layout, lambda);
        if (fe == null) {
          return acc;
        }
        for (Ob o : obs) {
          if (layout.treated(o) && layout.active()[o.t()]) {
            double tau = o.y() - fe[0] - lambda[o.t()];
            acc.num[0] += o.w() * tau;
            int h = layout.horizon(o);
            if (h > 0) {
              acc.num[h] += o.w() * tau;
            }
            int c = layout.cell(o);
            acc.w2tau[c] += o.w() * o.w() * tau;
            acc.w2[c] += o.w() * o.w();
          }
        }
        return acc;
      }, TauSums::merge, 2);
      double[] tauBar = new double[cells];
      for (int c = 0; c < cells; c++) {
        tauBar[c] = ts.w2[c] > 0 ? ts.w2tau[c] / ts.w2[c] : 0;
      }

      // Pass 3: v * r summed by cluster, then squared and summed.
      spark.sparkContext().setJobDescription("imputation: clustered variance");
      double[] meat = units.values().flatMapToPair(obs -> contributions(obs, layout, lambda, ell, total, tauBar).iterator())
          .reduceByKey((a, b) -> {
            add(a, b);
            return a;
          })
          .values()
          .treeAggregate(new double[k + 1], (acc, s) -> {
            for (int j = 0; j < k; j++) {
              acc[j] += s[j] * s[j];
            }
            acc[k] += 1;
            return acc;
          }, (a, b) -> {
            add(a, b);
            return a;
          }, 2);
      spark.sparkContext().setJobDescription(null);

      long nObs = ne.untreatedObs + ne.used[0];
      long clusters = (long) meat[k];
      List<Row> rows = new ArrayList<>();
      rows.add(RowFactory.create(ATT, ts.num[0] / total[0], Math.sqrt(meat[0]), SE_CONVENTION, nObs, clusters));
      for (int h = 0; h < horizons.length; h++) {
        if (ne.used[h + 1] == 0) {
          notes.add("event time " + horizons[h] + ": no treated observation can be imputed; no " + PREFIX + horizons[h] + " row");
          continue;
        }
        rows.add(RowFactory.create(PREFIX + horizons[h], ts.num[h + 1] / total[h + 1], Math.sqrt(meat[h + 1]), SE_CONVENTION,
            nObs, clusters));
      }
      notes.forEach(progress::info);
      Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
      tables.put("coefficients", spark.createDataFrame(rows, TableSchema.load("coefficients").structType()));
      progress.done();
      return new Result(tables, List.copyOf(notes), notImputed);
    } finally {
      units.unpersist(false);
    }
  }

  /** Pass 1 for one unit: its untreated observations' share of the normal equations and its treated observations' weights. */
  private static NormalEquations accumulate(NormalEquations acc, List<Ob> obs, Layout layout) {
    int nT = acc.nT;
    double wi = 0;
    double wy = 0;
    for (Ob o : obs) {
      if (!layout.treated(o)) {
        wi += o.w();
        wy += o.w() * o.y();
      }
    }
    if (!(wi > 0)) {
      long lonely = obs.stream().filter(o -> layout.treated(o) && layout.active()[o.t()]).count();
      if (lonely > 0) {
        acc.lonelyUnits++;
        acc.lonelyObs += lonely;
      }
      return acc;
    }
    double ybar = wy / wi;
    double[] omegaI = new double[acc.k];
    for (Ob o : obs) {
      if (layout.treated(o)) {
        if (layout.active()[o.t()]) {
          omegaI[0] += o.w();
          acc.omega[o.t()] += o.w();
          acc.used[0]++;
          int h = layout.horizon(o);
          if (h > 0) {
            omegaI[h] += o.w();
            acc.omega[h * nT + o.t()] += o.w();
            acc.used[h]++;
          }
        }
        continue;
      }
      acc.untreatedObs++;
      acc.wt[o.t()] += o.w();
      acc.r[o.t()] += o.w() * (o.y() - ybar);
      for (Ob s : obs) {
        if (!layout.treated(s)) {
          acc.c[o.t() * nT + s.t()] += o.w() * s.w() / wi;
        }
      }
    }
    for (Ob o : obs) {
      if (!layout.treated(o)) {
        for (int j = 0; j < acc.k; j++) {
          acc.q[j * nT + o.t()] += o.w() * omegaI[j] / wi;
        }
      }
    }
    return acc;
  }

  /** The unit's fixed effect {alpha_i, W_i} given the period effects, null without untreated observations. */
  private static double[] unitEffect(List<Ob> obs, Layout layout, double[] lambda) {
    double wi = 0;
    double s = 0;
    for (Ob o : obs) {
      if (!layout.treated(o)) {
        wi += o.w();
        s += o.w() * (o.y() - lambda[o.t()]);
      }
    }
    return wi > 0 ? new double[] {s / wi, wi} : null;
  }

  /** Pass 3 for one unit: sum of v * r per cluster and target. */
  private static List<Tuple2<String, double[]>> contributions(List<Ob> obs, Layout layout, double[] lambda, double[][] ell,
      double[] total, double[] tauBar) {
    int k = layout.targets();
    Map<String, double[]> sums = new HashMap<>();
    double[] fe = unitEffect(obs, layout, lambda);
    if (fe == null) {
      return List.of();
    }
    // a_i of each target's weights: (Omega_i - sum_t w_it l_t) / W_i
    double[] a = new double[k];
    for (Ob o : obs) {
      if (layout.treated(o)) {
        if (layout.active()[o.t()]) {
          a[0] += o.w();
          int h = layout.horizon(o);
          if (h > 0) {
            a[h] += o.w();
          }
        }
      } else {
        for (int j = 0; j < k; j++) {
          a[j] -= o.w() * ell[j][o.t()];
        }
      }
    }
    for (int j = 0; j < k; j++) {
      a[j] /= fe[1];
    }
    for (Ob o : obs) {
      if (layout.treated(o) && !layout.active()[o.t()]) {
        continue; // not imputed: not in the estimate
      }
      double[] s = sums.computeIfAbsent(o.cluster(), c -> new double[k]);
      if (layout.treated(o)) {
        double r = o.y() - fe[0] - lambda[o.t()] - tauBar[layout.cell(o)];
        s[0] += o.w() / total[0] * r;
        int h = layout.horizon(o);
        if (h > 0) {
          s[h] += o.w() / total[h] * r;
        }
      } else {
        double e = o.y() - fe[0] - lambda[o.t()];
        for (int j = 0; j < k; j++) {
          s[j] -= o.w() * (a[j] + ell[j][o.t()]) / total[j] * e;
        }
      }
    }
    List<Tuple2<String, double[]>> out = new ArrayList<>();
    sums.forEach((c, s) -> out.add(new Tuple2<>(c, s)));
    return out;
  }

  /**
   * The period-effect system diag(W_t) - C restricted to the periods with untreated observations,
   * the first of them the reference (effect 0); fails when the untreated observations do not
   * connect every unit and period (the effects would not be identified).
   */
  private static final class PeriodSystem {
    final int[] free;
    final SymmetricSolver solver;
    final int nT;

    private PeriodSystem(int[] free, SymmetricSolver solver, int nT) {
      this.free = free;
      this.solver = solver;
      this.nT = nT;
    }

    static PeriodSystem solve(NormalEquations ne, Layout layout) {
      int nT = ne.nT;
      List<Integer> f = new ArrayList<>();
      boolean first = true;
      for (int s = 0; s < nT; s++) {
        if (layout.active()[s]) {
          if (!first) {
            f.add(s);
          }
          first = false;
        }
      }
      int[] free = f.stream().mapToInt(Integer::intValue).toArray();
      int m = free.length;
      double[] a = new double[m * m];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          a[i * m + j] = (i == j ? ne.wt[free[i]] : 0) - ne.c[free[i] * nT + free[j]];
        }
      }
      SymmetricSolver s = SymmetricSolver.factor(a, m, DISCONNECTED_TOL);
      for (boolean d : s.dropped()) {
        if (d) {
          throw Errors.estimation(NAME, "the untreated observations do not connect every unit and period (some units share no"
              + " untreated period with the others): the fixed effects of the untreated outcome model are not identified");
        }
      }
      return new PeriodSystem(free, s, nT);
    }

    /** Period effects (0 for the reference and for periods without untreated observations). */
    double[] solve(double[] rhs) {
      double[] b = new double[free.length];
      for (int i = 0; i < free.length; i++) {
        b[i] = rhs[free[i]];
      }
      double[] x = solver.solve(b);
      double[] out = new double[nT];
      for (int i = 0; i < free.length; i++) {
        out[free[i]] = x[i];
      }
      return out;
    }
  }

  private static void add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
  }
}
