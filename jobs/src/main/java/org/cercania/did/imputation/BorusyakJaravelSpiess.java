package org.cercania.did.imputation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.cercania.did.DidResult;
import org.cercania.did.DidSpec;
import org.cercania.did.EstimatorResult;
import org.cercania.did.OverallAtt;
import org.cercania.did.PanelChecks;
import org.cercania.did.PanelEstimator;
import org.cercania.did.imputation.Layout.Ob;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;
import org.cercania.spark.JobGroup;
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
 * the spec's {@code eventMax} when given), and with {@link DidSpec#group()} {@code group::v} for each
 * value v of the group column over the treated observations (for instance a distance bin: all groups'
 * effects from one first stage, so their estimates are jointly estimated; table {@code covariance}
 * holds the joint covariance of every reported term, the sum over clusters of the products of their
 * v r sums). A treated observation whose unit has no untreated observation,
 * or whose period has none, cannot be imputed: it is left out of every estimate (didimputation
 * drops its NA prediction) and reported in a message with a count.
 *
 * <p>Standard errors ({@code se_convention = "bjs_conservative"}): BJS's conservative clustered
 * variance as didimputation computes it: sqrt(sum over clusters of (sum_it v_it r_it)^2), where for
 * treated observations v_it is the estimate's weight w_it / sum(w) and r_it = tau_it - tau_bar_gt,
 * tau_bar_gt the average of tau within its cohort x period cell weighted by v^2 (so by w^2; no
 * leave-one-out; for a group target the cell is cohort x group x period, the partition within which
 * its weights are proportional to w), and for untreated observations r_it is the first-stage residual and
 * v_it = -w_it z_it'(Z0'W Z0)^-1 Z1'v1, the weight of the observation in the imputed outcomes. No
 * small-sample factor. With {@link DidSpec#leaveOneOut()} ({@code se_convention = "bjs_conservative_loo"}),
 * BJS's leave-out refinement (Supplementary Appendix A.9) as the Stata did_imputation computes it with
 * {@code leaveout}: a treated residual is taken against its cell's average without its cluster
 * ({@link ClusterLeaveOut}); with one cluster per unit this is the leave-one-out
 * (tau_it - tau_bar_gt) / (1 - w_it^2 / sum_cell w^2), which undoes the plain residual's shrinkage
 * towards zero in small cells; with several units of one cluster in a cell, leaving out only the
 * observation would still centre it on its own cluster's effects and understate the variance. A
 * cell holding one cluster keeps its plain residuals (said in a note). With unit weights the plain variance is exactly didimputation's; with non-constant
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
 * tau_bar; (3) each unit's v r summed by cluster, then one tree aggregation of their squares (with the
 * leave-out refinement, one more pass sums w and w tau by cluster and cell first).
 * Not implemented: covariates in the first stage, anticipation, the pre-trend regression
 * (didimputation's {@code pretrends}) and user-supplied weights for aggregation (wtr).
 */
public final class BorusyakJaravelSpiess extends PanelEstimator<BorusyakJaravelSpiess.Result> {
  static final String NAME = "imputation";
  public static final String ATT = "ATT";
  public static final String PREFIX = "tau::";
  /** Terms of the group estimates ({@link DidSpec#group()}): group::value. */
  public static final String GROUP_PREFIX = "group::";
  /** The table of the joint covariance of every reported term, written with a group column. */
  public static final String COVARIANCE = "covariance";
  public static final String SE_CONVENTION = "bjs_conservative";
  /** The conservative variance with BJS's leave-one-out refinement ({@link DidSpec#leaveOneOut()}). */
  public static final String SE_CONVENTION_LOO = "bjs_conservative_loo";
  static final double DISCONNECTED_TOL = 1e-10;

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The common result and the number of treated observations that could not be imputed (unit or
   * period without an untreated observation).
   */
  public record Result(DidResult did, long notImputed) implements EstimatorResult {}

  /** What pass 0 finds: the layout, and the treated observations in periods without untreated ones. */
  private record Counts(Layout layout, long lonelyPeriodObs) {}

  @Override
  protected void check(DidSpec spec) {
    if (!spec.covariates().isEmpty()) {
      throw Errors.estimation(NAME, "covariates in the first stage are not supported: the untreated model is unit + period fixed effects");
    }
    if (spec.anticipation() != 0) {
      throw Errors.estimation(NAME, "anticipation is not supported (didimputation has no such option): set anticipation to 0");
    }
  }

  @Override
  protected Result fit(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    SparkSession spark = panel.sparkSession();
    Dataset<Row> p = PanelChecks.complete(panel, spec);
    Column w = spec.weights() == null ? lit(1.0) : col(spec.weights()).cast("double");
    Column group = spec.group() == null ? lit(0) : col(spec.group()).cast("int");
    // Pass 0: counts by cohort, period and group.
    List<Row> counts = JobGroup.run(spark, "imputation: cohort x period counts",
        () -> p.groupBy(col(spec.cohort()), col(spec.time()).cast("int").as(spec.time()), group.as("_group"))
            .agg(count(lit(1)), sum(w)).collectAsList());
    Counts c = layout(counts, spec, notes);
    Layout layout = c.layout();
    // Pass (a): each unit's observations, cached.
    JavaPairRDD<String, List<Ob>> units = JobGroup.run(spark, "imputation: unit rows", () -> unitRows(p, w, group, spec, layout));
    try {
      return estimate(spark, units, layout, c.lonelyPeriodObs(), spec.leaveOneOut(), notes);
    } finally {
      units.unpersist(false);
    }
  }

  /** Passes 1 to 3 on the cached unit rows, and the coefficients table. */
  private static Result estimate(SparkSession spark, JavaPairRDD<String, List<Ob>> units, Layout layout, long lonelyPeriodObs,
      boolean leaveOneOut, List<String> notes) {
    int nT = layout.periods().length;
    int k = layout.targets();
    NormalEquations ne = JobGroup.run(spark, "imputation: normal equations of the period effects",
        () -> units.values().treeAggregate(new NormalEquations(nT, k), (acc, obs) -> acc.addUnit(obs, layout), NormalEquations::merge, 2));
    if (ne.lonelyObs > 0) {
      notes.add(ne.lonelyObs + " treated observations of " + ne.lonelyUnits + " units cannot be imputed: the unit has no"
          + " untreated observation; they are left out of the estimates");
    }
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
    TauSums ts = JobGroup.run(spark, "imputation: treatment effects", () -> units.values().treeAggregate(
        new TauSums(k, layout.cells(), layout.groupCells()), (acc, obs) -> UnitArithmetic.addTaus(acc, obs, layout, lambda),
        TauSums::merge, 2));
    UnitArithmetic.Centring centring = new UnitArithmetic.Centring(ts.cells.means(), ts.groupCells.means());
    double[] meat;
    if (leaveOneOut) {
      JavaPairRDD<ClusterLeaveOut.Key, double[]> cellSums = ClusterLeaveOut.sums(units, layout, lambda)
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        ClusterLeaveOut.Totals totals = JobGroup.run(spark, "imputation: cluster x cell sums", () -> ClusterLeaveOut.totals(cellSums, layout));
        long single = totals.singleClusterCells();
        if (single > 0) {
          notes.add("leave-out variance: " + single + " cells (cohort x period" + (layout.groups().length > 0 ? ", cohort x group x period" : "")
              + ") hold treated observations of a single cluster, which have no leave-out average; their plain residuals"
              + " are kept (they sum to zero over the cluster, so its effects there add nothing to the variance)");
        }
        meat = JobGroup.run(spark, "imputation: clustered variance",
            () -> meat(units, layout, lambda, ell, total, centring, ClusterLeaveOut.scores(cellSums, totals, layout, total)));
      } finally {
        cellSums.unpersist(false);
      }
    } else {
      meat = JobGroup.run(spark, "imputation: clustered variance", () -> meat(units, layout, lambda, ell, total, centring, null));
    }
    String convention = leaveOneOut ? SE_CONVENTION_LOO : SE_CONVENTION;
    return coefficients(spark, layout, ne, ts, total, meat, lonelyPeriodObs + ne.lonelyObs, convention, notes);
  }

  /** Pass 0's findings: periods, periods with untreated observations, event times, treated cohorts. */
  private static Counts layout(List<Row> counts, DidSpec spec, List<String> notes) {
    TreeSet<Integer> periodSet = new TreeSet<>();
    counts.forEach(r -> periodSet.add(r.getInt(1)));
    if (periodSet.isEmpty()) {
      throw Errors.estimation(NAME, "no observations with a non-null " + spec.outcome() + ", " + spec.time() + " and " + spec.unit());
    }
    int[] periods = periodSet.stream().mapToInt(Integer::intValue).toArray();
    int nT = periods.length;
    boolean[] active = new boolean[nT];
    TreeMap<Integer, Long> treatedIn = new TreeMap<>();
    TreeSet<Integer> events = new TreeSet<>();
    TreeSet<Integer> cohorts = new TreeSet<>();
    TreeSet<Integer> groups = new TreeSet<>();
    long untreatedRows = 0;
    long treatedRows = 0;
    for (Row r : counts) {
      int cohort = r.getInt(0);
      int ti = Arrays.binarySearch(periods, r.getInt(1));
      if (cohort > 0 && r.getInt(1) >= cohort) {
        treatedIn.merge(ti, r.getLong(3), Long::sum);
        events.add(r.getInt(1) - cohort);
        cohorts.add(cohort);
        treatedRows += r.getLong(3);
        if (spec.group() != null) {
          if (r.isNullAt(2)) {
            throw Errors.estimation(NAME, r.getLong(3) + " treated observations (cohort " + cohort + ", " + spec.time() + " "
                + r.getInt(1) + ") have no " + spec.group() + ": every treated observation needs a group");
          }
          groups.add(r.getInt(2));
        }
      } else if (r.getDouble(4) > 0) {
        active[ti] = true;
        untreatedRows += r.getLong(3);
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
    return new Counts(new Layout(periods, active, horizons, cohorts.stream().mapToInt(Integer::intValue).toArray(),
        groups.stream().mapToInt(Integer::intValue).toArray()), lonelyPeriodObs);
  }

  /** Each unit's observations in one list (one shuffle), cached for passes 1 to 3. */
  private static JavaPairRDD<String, List<Ob>> unitRows(Dataset<Row> p, Column w, Column group, DidSpec spec, Layout layout) {
    int[] periods = layout.periods();
    JavaPairRDD<String, List<Ob>> units = p
        .select(col(spec.unit()).cast("string"), col(spec.time()).cast("int"), col(spec.outcome()).cast("double"), w,
            col(spec.clusterColumn()).cast("string"), col(spec.cohort()).cast("int"), coalesce(group, lit(0)))
        .javaRDD()
        .mapToPair(r -> new Tuple2<>(r.getString(0),
            new Ob(Arrays.binarySearch(periods, r.getInt(1)), r.getDouble(2), r.getDouble(3), r.getString(4), r.getInt(5), r.getInt(6))))
        .aggregateByKey(new ArrayList<Ob>(), (l, o) -> {
          l.add(o);
          return l;
        }, (a, b) -> {
          a.addAll(b);
          return a;
        })
        .mapValues(l -> (List<Ob>) l);
    return units.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Pass 3: v * r summed by cluster, then their products summed per pair of targets (row-major k x k:
   * the diagonal is each target's variance, the rest their covariances); the last element counts the
   * clusters. With {@code treatedScores} (the leave-out refinement's per cluster and cell parts) the
   * units give only their untreated observations' parts.
   */
  private static double[] meat(JavaPairRDD<String, List<Ob>> units, Layout layout, double[] lambda, double[][] ell, double[] total,
      UnitArithmetic.Centring centring, JavaPairRDD<String, double[]> treatedScores) {
    int k = layout.targets();
    boolean byCluster = treatedScores != null;
    JavaPairRDD<String, double[]> parts = units.values()
        .flatMapToPair(obs -> UnitArithmetic.contributions(obs, layout, lambda, ell, total, centring, byCluster).iterator());
    return (byCluster ? parts.union(treatedScores) : parts)
        .reduceByKey((a, b) -> {
          Layout.add(a, b);
          return a;
        })
        .values()
        .treeAggregate(new double[k * k + 1], (acc, s) -> {
          for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
              acc[i * k + j] += s[i] * s[j];
            }
          }
          acc[k * k] += 1;
          return acc;
        }, (a, b) -> {
          Layout.add(a, b);
          return a;
        }, 2);
  }

  /**
   * The coefficients table (ATT, tau::e by event time, group::v by group) and the overall ATT; with a
   * group column also the covariance table of every reported term (schemas/coefficient_covariance.json).
   */
  private static Result coefficients(SparkSession spark, Layout layout, NormalEquations ne, TauSums ts, double[] total, double[] meat,
      long notImputed, String convention, List<String> notes) {
    int[] horizons = layout.horizons();
    int k = layout.targets();
    long nObs = ne.untreatedObs + ne.used[0];
    long clusters = (long) meat[k * k];
    List<String> terms = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    terms.add(ATT);
    index.add(0);
    for (int j = 1; j < k; j++) {
      String term = layout.isGroupTarget(j) ? GROUP_PREFIX + layout.groups()[j - 1 - horizons.length] : PREFIX + horizons[j - 1];
      if (ne.used[j] == 0) {
        notes.add((layout.isGroupTarget(j) ? "group " : "event time ") + term.substring(term.indexOf("::") + 2)
            + ": no treated observation can be imputed; no " + term + " row");
        continue;
      }
      terms.add(term);
      index.add(j);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      int j = index.get(i);
      rows.add(RowFactory.create(terms.get(i), ts.num[j] / total[j], Math.sqrt(meat[j * k + j]), convention, nObs, clusters));
    }
    Map<String, Dataset<Row>> tables = new java.util.LinkedHashMap<>();
    tables.put("coefficients", spark.createDataFrame(rows, TableSchema.load("coefficients").structType()));
    if (layout.groups().length > 0) {
      List<Row> cov = new ArrayList<>();
      for (int a = 0; a < terms.size(); a++) {
        for (int b = 0; b < terms.size(); b++) {
          cov.add(RowFactory.create(terms.get(a), terms.get(b), meat[index.get(a) * k + index.get(b)], convention));
        }
      }
      tables.put(COVARIANCE, spark.createDataFrame(cov, TableSchema.load("coefficient_covariance").structType()));
    }
    double att = ts.num[0] / total[0];
    OverallAtt overall = OverallAtt.normal("term " + ATT, att, Math.sqrt(meat[0]), nObs);
    return new Result(new DidResult(NAME, tables, notes, overall), notImputed);
  }
}
