package org.cercania.distance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cercania.did.fe.FixedEffectsRegression;
import org.cercania.errors.CercaniaException;
import org.cercania.spark.SideBySide;
import org.cercania.estimate.Truth;
import org.cercania.io.Manifest;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.panel.Outcome;

/**
 * Effects by distance (part of the estimate stage): classifies units ({@link RingDesign}), runs
 * the configured heterogeneity-robust estimator and the comparison estimators on every outcome x
 * band ({@link RingEffects}), and writes {@code OUT/results/ring_effects} and
 * {@code OUT/results/ring_event_study} (Delta), printing the ring table next to the planted truth.
 * Band estimations are independent Spark jobs on a small cached panel and run a few at a time.
 */
public final class DistanceJob {
  private static final int PARALLEL = 3;


  private final Comparator<RingEstimate> order;
  private final SparkSession spark;
  private final Run run;
  private final RunLayout layout;
  private final RingDesign design;
  private final RingEffects effects;
  private final List<String> estimators;
  private final Truth truth;
  private final DistanceCurve curve;

  /** curve: the distance curve's rule and estimator, or null for none. */
  public DistanceJob(SparkSession spark, Run run, RingDesign design, RingEffects effects, List<String> estimators, Truth truth,
      DistanceCurve curve) {
    this.curve = curve;
    this.spark = spark;
    this.run = run;
    this.layout = run.layout();
    this.design = design;
    this.effects = effects;
    this.estimators = List.copyOf(estimators);
    this.truth = truth;
    this.order = Comparator.<RingEstimate>comparingInt(r -> Outcome.FAMILIES.indexOf(r.family())).thenComparing(RingEstimate::outcome)
        .thenComparingInt(RingEstimate::band).thenComparingInt(r -> this.estimators.indexOf(r.estimator()));
  }

  /** Runs and returns every ring estimate (also written and printed), then the distance curve. */
  public List<RingEstimate> run() {
    Progress progress = new Progress("distance");
    Dataset<Row> panel = run.read(spark, layout.panel(), "panel");
    Dataset<Row> units = design.units(panel).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> byStatus = new TreeMap<>();
    for (Row r : units.groupBy("family", "status").count().collectAsList()) {
      byStatus.put(r.getString(0) + "." + r.getString(1), r.getLong(2));
    }
    progress.step("units by family and status " + byStatus, units.count());
    List<RingEstimate> results = estimateDesign(panel, units, estimators, progress);
    RingTables tables = new RingTables(spark, design, truth, 0);
    results = results.stream().map(r -> r.withTruth(tables.truth(r))).sorted(order).toList();
    long n = run.write(tables.effects(results, "ring_effects"), layout.result("ring_effects"), null);
    long m = run.write(tables.events(results), layout.result("ring_event_study"), null);
    progress.step("wrote results/ring_effects and results/ring_event_study", n + m);
    long h = 0;
    if (results.stream().anyMatch(r -> r.eventCovariance() != null)) {
      h = run.write(tables.honest(results), layout.result("ring_honest_did"), null);
      progress.step("wrote results/ring_honest_did (event studies with their full covariance, for HonestDiD)", h);
    }
    for (String line : tables.describe(results)) {
      progress.info(line);
    }
    long c = curve == null ? 0 : curve(panel, units, progress);
    units.unpersist();
    ObjectNode section = Manifest.newSection();
    ObjectNode left = section.putObject("units");
    byStatus.forEach(left::put);
    section.put("ring_effects", n);
    section.put("ring_event_study_rows", m);
    section.put("ring_honest_did_rows", h);
    section.put("distance_curve", c);
    section.put("estimators", String.join(",", estimators));
    section.put("control", effects.control().name().toLowerCase(Locale.ROOT));
    section.put("imputation_leave_one_out", effects.imputationLeaveOneOut());
    section.put("cs_cr2", effects.csCr2());
    section.put("treated_clusters_df", String.join(",", new TreeSet<>(effects.treatedClustersDf())));
    section.put("seconds", progress.seconds());
    Manifest.record(spark.sparkContext().hadoopConfiguration(), run.manifest(), "distance", section);
    progress.done();
    return results;
  }

  /** The distance curve of each point family (data-driven bins, {@link DistanceCurve}); rows written. */
  private long curve(Dataset<Row> panel, Dataset<Row> units, Progress progress) {
    List<RingEstimate> all = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    Dataset<Row> rows = null;
    for (String family : List.of("school", "survey")) {
      RingDesign bins = curve.bins(units.filter(col("family").equalTo(family)), design.cutoffM());
      if (bins == null) {
        continue;
      }
      progress.info(family + ": " + bins.bands() + " distance bins " + curve.describe(bins));
      Dataset<Row> fp = panel.filter(col("family").equalTo(family));
      Map<String, Double> crits = new HashMap<>();
      List<RingEstimate> r = curve.estimator().equals("imputation") ? estimateJoint(family, fp, bins.units(fp), crits, progress)
          : estimateDesign(fp, bins.units(fp), List.of(curve.estimator()), progress);
      RingTables tables = new RingTables(spark, bins, truth, Math.round(curve.gridM()));
      r = r.stream().map(x -> x.withTruth(tables.truth(x))).sorted(order).toList();
      all.addAll(r);
      lines.addAll(tables.describe(r));
      Dataset<Row> t = tables.effects(r, "distance_curve", crits);
      rows = rows == null ? t : rows.unionByName(t);
    }
    if (rows == null) {
      return 0;
    }
    long n = run.write(rows, layout.result("distance_curve"), null);
    progress.step("wrote results/distance_curve (" + curve.estimator() + ")", n);
    lines.forEach(l -> progress.info("curve " + l));
    return n;
  }

  /** Every outcome x band of {@code design}'s units in {@code panel} with {@code which} estimators. */
  private List<RingEstimate> estimateDesign(Dataset<Row> panel, Dataset<Row> units, List<String> which, Progress progress) {
    Dataset<Row> est = RingDesign.estimationPanel(panel, units).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, RingEstimate.Counts> counts = counts(est);
    progress.step("estimation panel (outcome x unit x year, treated and comparison units)", est.count());
    List<RingEstimate> results = estimateAll(est, counts, which, progress);
    est.unpersist();
    return results;
  }

  /**
   * Every outcome's bins of {@code design}'s units in {@code panel} estimated jointly by imputation
   * (one first stage per outcome, {@link RingEffects#estimateBins}); each outcome's sup-t critical
   * value put in {@code crits} (key outcome/imputation).
   */
  private List<RingEstimate> estimateJoint(String family, Dataset<Row> panel, Dataset<Row> units, Map<String, Double> crits,
      Progress progress) {
    Dataset<Row> est = RingDesign.estimationPanel(panel, units).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Map<Integer, RingEstimate.Counts>> byOutcome = new TreeMap<>();
    counts(est).forEach((key, c) -> byOutcome.computeIfAbsent(key.substring(0, key.indexOf('/')), o -> new TreeMap<>())
        .put(Integer.parseInt(key.substring(key.indexOf('/') + 1)), c));
    progress.step("estimation panel (outcome x unit x year, treated and comparison units)", est.count());
    try {
      Map<String, Callable<RingEffects.JointBins>> work = new LinkedHashMap<>();
      byOutcome.forEach((outcome, counts) -> work.put(outcome, () -> {
        try {
          return effects.estimateBins(family, outcome, est.filter(col("outcome").equalTo(outcome)), counts);
        } catch (CercaniaException ex) {
          progress.info("no imputation curve for " + outcome + ": " + ex.getMessage());
          return null;
        }
      }));
      List<RingEstimate> results = new ArrayList<>();
      for (Map.Entry<String, RingEffects.JointBins> f : SideBySide.run(work, PARALLEL).entrySet()) {
        RingEffects.JointBins jb = f.getValue();
        if (jb != null) {
          results.addAll(jb.bins());
          crits.put(f.getKey() + "/imputation", jb.uniformCrit());
        }
      }
      progress.step("estimated " + byOutcome.size() + " outcomes' curves, all bins from one imputation first stage per outcome",
          results.size());
      return results;
    } finally {
      est.unpersist();
    }
  }

  /** outcome/band -> units, treated units, clusters (of treated and comparison units), treated units' clusters. */
  private static Map<String, RingEstimate.Counts> counts(Dataset<Row> est) {
    Map<String, long[]> controls = new HashMap<>();
    Map<String, RingEstimate.Counts> out = new LinkedHashMap<>();
    List<Row> rows = est.groupBy("outcome", "band").agg(countDistinct("unit_id"), countDistinct("cluster_id")).collectAsList();
    for (Row r : rows) {
      if (r.getInt(1) == RingDesign.CONTROL) {
        controls.put(r.getString(0), new long[] {r.getLong(2), r.getLong(3)});
      }
    }
    // clusters of treated and comparison units together
    List<Row> both = est.filter(col("band").notEqual(RingDesign.CONTROL)).select("outcome", "band").distinct()
        .join(est.select(col("outcome").as("o"), col("band").as("b"), col("cluster_id")),
            col("o").equalTo(col("outcome")).and(col("b").equalTo(col("band")).or(col("b").equalTo(RingDesign.CONTROL))))
        .groupBy("outcome", "band").agg(countDistinct("cluster_id")).collectAsList();
    Map<String, Long> clusters = new HashMap<>();
    for (Row r : both) {
      clusters.put(r.getString(0) + "/" + r.getInt(1), r.getLong(2));
    }
    for (Row r : rows) {
      if (r.getInt(1) != RingDesign.CONTROL) {
        long[] c = controls.getOrDefault(r.getString(0), new long[2]);
        String key = r.getString(0) + "/" + r.getInt(1);
        out.put(key, new RingEstimate.Counts(r.getLong(2) + c[0], r.getLong(2), clusters.getOrDefault(key, 0L), r.getLong(3)));
      }
    }
    return out;
  }

  /** The estimate, or null (with a progress line saying why) when the estimator cannot estimate this band. */
  private RingEstimate attempt(String family, String outcome, int band, String estimator, Dataset<Row> sub, RingEstimate.Counts counts,
      Progress progress) {
    try {
      return effects.estimate(family, outcome, band, estimator, sub, counts);
    } catch (CercaniaException ex) {
      progress.info("no " + estimator + " estimate for " + outcome + " band " + band + ": " + ex.getMessage());
      return null;
    }
  }

  private List<RingEstimate> estimateAll(Dataset<Row> est, Map<String, RingEstimate.Counts> counts, List<String> estimators, Progress progress) {
    List<RingEstimate> results = new ArrayList<>();
    Map<String, Callable<RingEstimate>> work = new LinkedHashMap<>();
    // No band with a treated unit (a tiny or degenerate sample): nothing to estimate, and no twfe regression to fit.
    Map<String, FixedEffectsRegression.Fit> twfe =
        estimators.contains("twfe") && !counts.isEmpty() ? StackedTwfe.fit(est) : Map.of();
    for (Map.Entry<String, RingEstimate.Counts> e : counts.entrySet()) {
      String outcome = e.getKey().substring(0, e.getKey().indexOf('/'));
      int band = Integer.parseInt(e.getKey().substring(e.getKey().indexOf('/') + 1));
      String family = Outcome.byId(outcome).family();
      Dataset<Row> sub = est.filter(col("outcome").equalTo(outcome)
          .and(col("band").equalTo(band).or(col("band").equalTo(RingDesign.CONTROL))));
      for (String estimator : estimators) {
        if (estimator.equals("twfe")) {
          results.add(StackedTwfe.estimate(twfe, family, outcome, band, e.getValue(), effects.df("twfe", e.getValue())));
        } else {
          work.put(e.getKey() + "/" + estimator, () -> attempt(family, outcome, band, estimator, sub, e.getValue(), progress));
        }
      }
    }
    for (RingEstimate r : SideBySide.run(work, PARALLEL).values()) {
      if (r != null) {
        results.add(r);
      }
    }
    progress.step("estimated " + counts.size() + " outcome x band panels with " + estimators, results.size());
    return results;
  }
}
