package org.cercania.did.cs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidResult;
import org.cercania.did.DidSpec;
import org.cercania.did.EstimatorResult;
import org.cercania.did.Inference;
import org.cercania.did.OverallAtt;
import org.cercania.did.PanelEstimator;
import org.cercania.did.linalg.SmallMatrix;
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;
import org.cercania.spark.JobGroup;

/**
 * Callaway and Sant'Anna's staggered difference-in-differences (estimator "cs"), defined by R
 * did 2.3.0 (att_gt, aggte) and DRDID: group-time ATTs, their simple / dynamic / group / calendar
 * aggregations and the Wald pre-test, with analytic or multiplier-bootstrap inference.
 *
 * <p>Spark passes over the panel (nothing proportional to the number of units reaches the driver):
 * <ol>
 *   <li>pass 0 ({@link CsPanel}): one aggregation for counts, periods and cohorts;</li>
 *   <li>pass (a) ({@link CsPanel}): groupBy(unit) pivoting each unit's outcome (and covariates) by
 *       period into arrays, with its cohort, weight and cluster; cached;</li>
 *   <li>pass (b) ({@link CellStatistics}): one treeAggregate over unit rows giving every cell's
 *       counts and weighted cross-products (X'WX, X'W dY) for treated and controls, cohort sizes
 *       and data-check counts;</li>
 *   <li>with covariates and method ipw / dr only ({@link PropensityScore}): one treeAggregate per
 *       IRLS iteration of the per-cell logits (all cells together), then one for the moments at
 *       the fitted scores;</li>
 *   <li>pass (c) ({@link InfluencePass}): each unit's influence function for all cells and all
 *       aggregations (the driver broadcasts the fits and the aggregation coefficients), summed by
 *       cluster (a groupBy only when a cluster column is given), then one treeAggregate over
 *       clusters for sum of squares, the pre-test cross-products and all bootstrap draws.</li>
 * </ol>
 * Output tables: {@code att_gt}, {@code aggregates}, {@code pretest} and {@code covariance} (the
 * dynamic aggregation's full covariance) (schemas/). Messages about
 * the data (dropped units, skipped cells) are kept in the result's notes.
 *
 * <p>Standard errors with a cluster column: analytic ones are sqrt(sum over clusters of the squared
 * cluster sums of psi) / n (R did itself only clusters through its bootstrap, which uses cluster
 * means of psi and n_clusters, as {@link MultiplierBootstrap} does); the pre-test's covariance uses
 * the same cluster sums. With {@link CsOptions#cr2()} (not in R did) the treated units' part gets
 * the CR2 adjustment of their cohort's mean ({@link InfluencePass}); the pre-test uses it too.
 */
public final class CallawaySantAnna extends PanelEstimator<CallawaySantAnna.Result> {
  /** The table of the event study's covariance, its terms' prefix and its variance conventions. */
  public static final String COVARIANCE = "covariance";
  public static final String DYNAMIC_PREFIX = "dynamic::";
  public static final String SE_CONVENTION = "influence_function";
  public static final String SE_CONVENTION_CR2 = "influence_function_cr2";

  private final CsOptions options;

  public CallawaySantAnna() {
    this(CsOptions.defaults());
  }

  public CallawaySantAnna(CsOptions options) {
    this.options = options;
  }

  @Override
  public String name() {
    return "cs";
  }

  /**
   * The common result, the number of units (observations) and clusters used, and, when
   * bootstrapping, the standard deviation of each target's draws on the se scale (keys
   * "att_gt/g/t" and "aggregation/key"; a diagnostic beside the IQR-based se R did reports).
   */
  public record Result(DidResult did, long n, long clusters, Map<String, Double> bootstrapSd) implements EstimatorResult {}

  /** The panel as given: {@link CsPanel} checks and cleans it within its own first pass. */
  @Override
  protected Dataset<Row> prepare(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    return panel;
  }

  @Override
  protected Result fit(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    if (options.cr2() && (spec.repeatedCrossSection() || !spec.covariates().isEmpty())) {
      throw Errors.estimation(name(), "the CR2 adjustment is defined for panel data without covariates");
    }
    SparkSession spark = panel.sparkSession();
    CsPanel prepared = JobGroup.run(spark, "cs: periods, cohorts and unit rows", () -> CsPanel.prepare(panel, spec, notes));
    try {
      AttGt est = JobGroup.run(spark, "cs: cell statistics", () -> AttGt.estimate(prepared, notes));
      List<CsAggregation.Target> targets = new ArrayList<>();
      List<GtCell> estimated = new ArrayList<>();
      for (GtCell c : est.cells) {
        if (est.models[c.index()] != null) {
          double[] coef = new double[est.cells.size()];
          coef[c.index()] = 1.0;
          targets.add(new CsAggregation.Target("att_gt", c.index(), est.models[c.index()].att(), coef,
              new double[prepared.cohorts.length], 0.0));
          estimated.add(c);
        }
      }
      if (estimated.isEmpty()) {
        throw Errors.estimation("cs", "no ATT(g,t) could be estimated (see the messages above)");
      }
      int nCells = targets.size();
      targets.addAll(CsAggregation.targets(est, spec, options));
      int[] pre = preTreatment(estimated);
      int[] dynamic = dynamicTargets(targets);
      InfluencePass.Result inf = JobGroup.run(spark, "cs: influence functions" + (spec.bootstrap() > 0 ? " and bootstrap" : ""),
          () -> InfluencePass.run(est, targets, pre, dynamic, spec, options));
      if (options.cr2()) {
        notes.add("CR2 variance: the treated part of each " + (spec.cluster() == null ? "unit's" : "cluster's")
            + " influence adjusted for its cohort's mean" + (inf.singleClusterCohorts == 0 ? ""
            : "; " + inf.singleClusterCohorts + " cohort(s) in one " + (spec.cluster() == null ? "unit" : "cluster") + " keep the plain residuals"));
      }
      TargetInference ci = new TargetInference(est, targets, inf, spec, options, notes);
      Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
      tables.put("att_gt", attGtTable(spark, est, estimated, targets, ci));
      tables.put("aggregates", aggregatesTable(spark, targets, nCells, ci));
      tables.put("pretest", pretestTable(spark, est, targets, pre, inf, ci, notes));
      tables.put(COVARIANCE, covarianceTable(spark, est, targets, dynamic, inf, options.cr2()));
      DidResult did = new DidResult(name(), tables, notes, overall(targets, nCells, ci, est.n));
      return new Result(did, est.n, inf.clusters, bootstrapSd(targets, estimated, nCells, ci));
    } finally {
      prepared.release();
    }
  }

  /** Indices of the dynamic aggregation's event-time targets, in event-time order. */
  private static int[] dynamicTargets(List<CsAggregation.Target> targets) {
    List<Integer> out = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      if (targets.get(t).aggregation().equals("dynamic") && targets.get(t).key() != null) {
        out.add(t);
      }
    }
    out.sort((a, b) -> Integer.compare(targets.get(a).key(), targets.get(b).key()));
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The event study's full covariance (schemas/coefficient_covariance.json, terms dynamic::e): sum
   * over clusters of S_c,e S_c,f / n^2, the influence functions' covariance whose diagonal is the
   * analytic se^2 (what HonestDiD takes from R did's aggte, inf.function$dynamic.inf.func.e).
   */
  private static Dataset<Row> covarianceTable(SparkSession spark, AttGt est, List<CsAggregation.Target> targets, int[] dynamic,
      InfluencePass.Result inf, boolean cr2) {
    String convention = cr2 ? SE_CONVENTION_CR2 : SE_CONVENTION;
    double n2 = (double) est.n * est.n;
    List<Row> rows = new ArrayList<>();
    for (int a = 0; a < dynamic.length; a++) {
      for (int b = 0; b < dynamic.length; b++) {
        rows.add(RowFactory.create(DYNAMIC_PREFIX + targets.get(dynamic[a]).key(), DYNAMIC_PREFIX + targets.get(dynamic[b]).key(),
            inf.jointCross[a * dynamic.length + b] / n2, convention));
      }
    }
    return spark.createDataFrame(rows, TableSchema.load("coefficient_covariance").structType());
  }

  /** Indices (among the estimated cells) of the pre-treatment cells the Wald pre-test covers. */
  private static int[] preTreatment(List<GtCell> estimated) {
    List<Integer> preList = new ArrayList<>();
    for (int j = 0; j < estimated.size(); j++) {
      GtCell c = estimated.get(j);
      if (c.g() > c.t() && !c.reference()) {
        preList.add(j);
      }
    }
    return preList.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The simple aggregation (aggte's "simple"): the overall ATT. */
  private static OverallAtt overall(List<CsAggregation.Target> targets, int nCells, TargetInference ci, long n) {
    for (int t = nCells; t < targets.size(); t++) {
      CsAggregation.Target tg = targets.get(t);
      if (tg.aggregation().equals("simple") && tg.key() == null) {
        double se = ci.se[t];
        return new OverallAtt("simple aggregation of ATT(g,t)", tg.estimate(), se, tg.estimate() - ci.crit[t] * se,
            tg.estimate() + ci.crit[t] * se, Inference.normalPValue(tg.estimate(), se), n);
      }
    }
    return null;
  }

  private static Map<String, Double> bootstrapSd(List<CsAggregation.Target> targets, List<GtCell> estimated, int nCells,
      TargetInference ci) {
    Map<String, Double> sd = new LinkedHashMap<>();
    if (ci.drawSd != null) {
      for (int t = 0; t < targets.size(); t++) {
        CsAggregation.Target tg = targets.get(t);
        String key = t < nCells ? "att_gt/" + estimated.get(t).g() + "/" + estimated.get(t).t() : tg.aggregation() + "/" + tg.key();
        sd.put(key, ci.drawSd[t]);
      }
    }
    return Map.copyOf(sd);
  }

  private static Double boxed(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static Dataset<Row> attGtTable(SparkSession spark, AttGt est, List<GtCell> estimated,
      List<CsAggregation.Target> targets, TargetInference ci) {
    List<Row> rows = new ArrayList<>();
    boolean rcs = est.panel.spec.repeatedCrossSection();
    for (int j = 0; j < estimated.size(); j++) {
      GtCell c = estimated.get(j);
      double att = targets.get(j).estimate();
      double se = ci.se[j];
      long nT = rcs ? est.stats.count(c.index(), 0) + est.stats.count(c.index(), 1) : est.stats.count(c.index(), 0);
      long nC = rcs ? est.stats.count(c.index(), 2) + est.stats.count(c.index(), 3) : est.stats.count(c.index(), 1);
      rows.add(RowFactory.create(c.g(), c.t(), att, boxed(se), boxed(att - ci.crit[j] * se), boxed(att + ci.crit[j] * se),
          ci.crit[j], nT, nC, c.base(), c.post()));
    }
    TableSchema s = TableSchema.load("att_gt");
    return s.conform(spark.createDataFrame(rows, s.structType()));
  }

  private static Dataset<Row> aggregatesTable(SparkSession spark, List<CsAggregation.Target> targets, int nCells,
      TargetInference ci) {
    List<Row> rows = new ArrayList<>();
    for (int t = nCells; t < targets.size(); t++) {
      CsAggregation.Target tg = targets.get(t);
      double se = ci.se[t];
      double cv = ci.crit[t];
      rows.add(RowFactory.create(tg.aggregation(), tg.key(), tg.estimate(), boxed(se), boxed(tg.estimate() - cv * se),
          boxed(tg.estimate() + cv * se), cv));
    }
    TableSchema s = TableSchema.load("aggregates");
    return s.conform(spark.createDataFrame(rows, s.structType()));
  }

  /** R did's Wald pre-test: W = n att' V^-1 att over pre-treatment cells with a non-zero se. */
  private static Dataset<Row> pretestTable(SparkSession spark, AttGt est, List<CsAggregation.Target> targets, int[] pre,
      InfluencePass.Result inf, TargetInference ci, List<String> notes) {
    List<Row> rows = new ArrayList<>();
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < pre.length; i++) {
      if (Double.isFinite(ci.analyticSe[pre[i]])) {
        keep.add(i);
      }
    }
    int q = keep.size();
    if (q == 0) {
      notes.add("no pre-treatment periods to test");
    } else {
      double[][] v = new double[q][q];
      double[] att = new double[q];
      for (int a = 0; a < q; a++) {
        att[a] = targets.get(pre[keep.get(a)]).estimate();
        for (int b = 0; b < q; b++) {
          v[a][b] = inf.cross[keep.get(a) * pre.length + keep.get(b)] / est.n;
        }
      }
      if (SmallMatrix.rcond(v) <= Math.ulp(1.0)) {
        notes.add("no pre-test Wald statistic: the pre-treatment covariance matrix is singular");
      } else {
        double w = est.n * SmallMatrix.dot(att, SmallMatrix.times(SmallMatrix.inverse(v), att));
        double pv = 1 - new ChiSquaredDistribution(q).cumulativeProbability(w);
        rows.add(RowFactory.create("cs", "pre_treatment_att_gt_zero", w, null, q, null, pv, "influence_function"));
      }
    }
    TableSchema s = TableSchema.load("pretest");
    return s.conform(spark.createDataFrame(rows, s.structType()));
  }
}
