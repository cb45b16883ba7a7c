package org.cercania.estimate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cercania.did.DidSpec;
import org.cercania.did.Inference;
import org.cercania.did.SeConvention;
import org.cercania.did.fe.EventStudy;
import org.cercania.did.fe.FixedEffectsRegression;
import org.cercania.io.Manifest;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;
import org.cercania.io.TableSchema;
import org.cercania.panel.Outcome;
import org.cercania.spark.SideBySide;

/**
 * The estimate stage: for every outcome of the panel, two-way fixed effects by distance ring (unit
 * and year effects; the inner ring, or for districts having a center, plus the second and third
 * rings for point units) and an event study around the inner-ring cohort (second and third rings
 * as controls), clustered by district. All outcomes share the regression passes. Writes
 * {@code OUT/results/estimates} and {@code OUT/results/event_study} (Delta), with the planted
 * truth beside each estimate when the study has one.
 */
public final class EstimateJob {
  private final SparkSession spark;
  private final Run run;
  private final RunLayout layout;
  private final int eventMin;
  private final int eventMax;
  private final SeConvention convention;
  private final Truth truth;

  public EstimateJob(SparkSession spark, Run run, int eventMin, int eventMax, SeConvention convention, Truth truth) {
    this.spark = spark;
    this.run = run;
    this.layout = run.layout();
    this.eventMin = eventMin;
    this.eventMax = eventMax;
    this.convention = convention;
    this.truth = truth;
  }

  public void run() {
    Progress progress = new Progress("estimate");
    Dataset<Row> panel = run.read(spark, layout.panel(), "panel").persist(StorageLevel.MEMORY_AND_DISK());
    List<Row> estimates = new ArrayList<>();
    List<Row> events = new ArrayList<>();
    Map<String, Double> baseline = baselines(panel);
    // Every outcome in the same passes (the regression's key). District outcomes have no second or
    // third ring: those columns are all zero there, and the solver drops them for those keys.
    List<String> rings = List.of("ring1", "ring2", "ring3");
    FixedEffectsRegression.Design twfe = new FixedEffectsRegression.Design("outcome", "unit_id", "year", "value", "weight",
        "cluster_id", rings, null, List.of());
    Map<String, FixedEffectsRegression.Fit> fits = new FixedEffectsRegression(twfe).fit(panel);
    for (Map.Entry<String, FixedEffectsRegression.Fit> e : fits.entrySet()) {
      FixedEffectsRegression.Fit f = e.getValue();
      Outcome o = Outcome.byId(e.getKey());
      for (int i = 0; i < rings.size(); i++) {
        if (f.dropped()[i]) {
          if (!o.family().equals("district")) {
            progress.info(e.getKey() + ": " + rings.get(i) + " is collinear with the fixed effects and was dropped");
          }
          continue;
        }
        double se = f.se(i, convention);
        double t = Inference.tQuantile(f.nClusters(), 0.975);
        estimates.add(RowFactory.create(o.family(), e.getKey(), o.placebo(), "twfe", rings.get(i), f.beta()[i], se,
            f.beta()[i] - t * se, f.beta()[i] + t * se, Inference.pValue(f.beta()[i], se, f.nClusters()), convention.label(),
            f.nObs(), f.nClusters(), baseline.get(e.getKey()), truth == null ? null : truth.ringEffect(e.getKey(), rings.get(i))));
      }
    }
    progress.step("twfe by ring (" + fits.size() + " outcomes)", fits.values().stream().mapToLong(FixedEffectsRegression.Fit::nObs).sum());

    DidSpec spec = DidSpec.builder("unit_id", "year", "cohort", "value").eventWindow(eventMin, eventMax).build();
    Dataset<Row> withRel = EventStudy.withEventTime(panel, spec);
    List<Integer> levels = EventStudy.levels(withRel);
    List<String> controls = List.of("ring2", "ring3");
    FixedEffectsRegression.Design es = new FixedEffectsRegression.Design("outcome", "unit_id", "year", "value", "weight",
        "cluster_id", controls, EventStudy.REL, levels);
    Map<String, FixedEffectsRegression.Fit> efits = new FixedEffectsRegression(es).fit(withRel);
    for (Map.Entry<String, FixedEffectsRegression.Fit> e : efits.entrySet()) {
      FixedEffectsRegression.Fit f = e.getValue();
      String family = Outcome.byId(e.getKey()).family();
      double t = Inference.tQuantile(f.nClusters(), 0.975);
      events.add(RowFactory.create(family, e.getKey(), -1, 0.0, 0.0, 0.0, 0.0, truth == null ? null : 0.0));
      for (int j = 0; j < levels.size(); j++) {
        int i = controls.size() + j;
        if (f.dropped()[i]) {
          continue;
        }
        double se = f.se(i, convention);
        events.add(RowFactory.create(family, e.getKey(), levels.get(j), f.beta()[i], se, f.beta()[i] - t * se,
            f.beta()[i] + t * se, truth == null ? null : truth.eventEffect(e.getKey(), levels.get(j), eventMin, eventMax)));
      }
    }
    progress.step("event studies (" + efits.size() + " outcomes)", efits.values().stream().mapToLong(FixedEffectsRegression.Fit::nObs).sum());
    new Diagnostics(spark, run, convention).run(panel, efits, levels, controls.size());
    panel.unpersist();
    Comparator<Row> order = Comparator.<Row>comparingInt(r -> Outcome.FAMILIES.indexOf(r.getString(0)))
        .thenComparing(r -> r.getString(1));
    estimates.sort(order.thenComparing(r -> r.getString(4)));
    events.sort(order.thenComparingInt(r -> r.getInt(2)));
    Dataset<Row> est = spark.createDataFrame(estimates, TableSchema.load("estimates").structType());
    Dataset<Row> ev = spark.createDataFrame(events, TableSchema.load("event_study").structType());
    Map<String, Callable<Long>> writes = new LinkedHashMap<>();
    writes.put("estimates", () -> run.write(est, layout.result("estimates"), "estimates"));
    writes.put("event_study", () -> run.write(ev, layout.result("event_study"), "event_study"));
    Map<String, Long> written = SideBySide.run(writes, 2);
    long n = written.get("estimates");
    long m = written.get("event_study");
    progress.step("wrote results/estimates and results/event_study", n + m);
    for (Row r : est.collectAsList()) {
      progress.info(describe(r));
    }
    ObjectNode section = Manifest.newSection();
    section.put("estimates", n);
    section.put("event_study_rows", m);
    section.put("se_convention", convention.label());
    section.put("seconds", progress.seconds());
    Manifest.record(spark.sparkContext().hadoopConfiguration(), run.manifest(), "estimate", section);
    progress.done();
  }

  /** One line per estimate: the number next to the planted truth, and whether the interval covers it. */
  static String describe(Row r) {
    String s = String.format(Locale.ROOT, "%-9s %-26s %-5s %10.4f  [%9.4f, %9.4f]  p=%.3f", r.getString(0), r.getString(1),
        r.getString(4), r.getDouble(5), r.getDouble(7), r.getDouble(8), r.getDouble(9));
    if (!r.isNullAt(14)) {
      double truth = r.getDouble(14);
      boolean covered = r.getDouble(7) <= truth && truth <= r.getDouble(8);
      s += String.format(Locale.ROOT, "  planted %9.4f  %s", truth, covered ? "inside the 95% interval" : "OUTSIDE the 95% interval");
    }
    if (r.getBoolean(2)) {
      s += r.getDouble(9) < 0.05 ? "  placebo: SIGNIFICANT at 5%" : "  placebo: not significant";
    }
    return s;
  }

  /** Weighted mean outcome of never-treated units, per outcome (to read estimates in percent). */
  private static Map<String, Double> baselines(Dataset<Row> p) {
    Map<String, Double> m = new HashMap<>();
    for (Row r : p.filter(col("cohort").equalTo(0)).groupBy("outcome")
        .agg(sum(col("value").multiply(col("weight"))).divide(sum("weight"))).collectAsList()) {
      m.put(r.getString(0), r.isNullAt(1) ? null : r.getDouble(1));
    }
    return m;
  }
}
