package org.cercania.trial;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.cercania.errors.Errors;

/**
 * The data pass of {@code trial estimate}, in Spark: builds the columns [carrier, controls..., y] for one
 * outcome, partials out the woman fixed effects (demeaning within woman: exact in an unbalanced panel,
 * and harmless to the wild bootstrap because women are nested in clusters), and aggregates per cluster
 * the cross-products of those columns. Only O(clusters x p^2) numbers reach the driver.
 *
 * <p>Fixed effects: carrier = post (1 after the baseline period), controls = one dummy per follow-up
 * month (the baseline month is the reference) and time-varying covariates. ANCOVA: follow-up rows,
 * carrier = 1, controls = a dummy per follow-up month (together the intercept), the woman's baseline
 * outcome and the covariates. Month effects are explicit regressors, not absorbed, because months cut
 * across clusters.
 */
public final class TrialDesignMatrix {
  /** The sums and what the pass had to leave out. */
  public record Pass(ClusterCrossProducts sums, long rowsUsed, List<String> notes) {}

  private TrialDesignMatrix() {}

  public static Pass crossProducts(Dataset<Row> panel, TrialSpec spec, String outcome) {
    List<String> notes = new ArrayList<>();
    Column usable = col(outcome).isNotNull();
    for (String c : spec.covariates()) {
      usable = usable.and(col(c).isNotNull());
    }
    Column isBase = col(spec.time()).equalTo(lit(spec.baseline()));
    Dataset<Row> d = panel.filter(usable);
    List<Integer> months = d.filter(isBase.unary_$bang()).select(col(spec.time()).cast("int")).distinct().collectAsList().stream()
        .map(r -> r.getInt(0)).sorted().toList();
    if (months.isEmpty()) {
      throw Errors.estimation("trial estimate", "outcome '" + outcome + "' has no follow-up rows (" + spec.time() + " != "
          + spec.baseline() + ")");
    }
    List<String> names = new ArrayList<>();
    List<Column> cols = new ArrayList<>();
    if (spec.ancova()) {
      Dataset<Row> base = d.filter(isBase).groupBy(col(spec.unit())).agg(avg(col(outcome).cast("double")).as("_y0"));
      d = d.filter(isBase.unary_$bang()).join(base, spec.unit(), "left");
      long missing = d.filter(col("_y0").isNull()).count();
      if (missing > 0) {
        notes.add(outcome + ": " + missing + " follow-up rows of women without a baseline value left out (ANCOVA needs it)");
        d = d.filter(col("_y0").isNotNull());
      }
      cols.add(lit(1.0).as("_carrier"));
    } else {
      if (d.filter(isBase).isEmpty()) {
        throw Errors.estimation("trial estimate", "outcome '" + outcome + "' has no baseline rows (" + spec.time() + " = "
            + spec.baseline() + "); the fixed-effects specification compares follow-up with baseline");
      }
      cols.add(when(isBase, 0.0).otherwise(1.0).as("_carrier"));
    }
    names.add("_carrier");
    for (int m : months) {
      cols.add(when(col(spec.time()).equalTo(lit(m)), 1.0).otherwise(0.0).as("month_" + m));
      names.add("month_" + m);
    }
    if (spec.ancova()) {
      cols.add(col("_y0"));
      names.add("baseline_" + outcome);
    }
    for (String c : spec.covariates()) {
      cols.add(col(c).cast("double").as(c));
      names.add(c);
    }
    cols.add(col(outcome).cast("double").as("_y"));
    names.add("_y");
    Column[] select = new Column[cols.size() + 2];
    select[0] = col(spec.unit()).as("_unit");
    select[1] = col(spec.cluster()).cast("string").as("_cluster");
    for (int i = 0; i < cols.size(); i++) {
      select[i + 2] = cols.get(i).as("_v" + i);
    }
    Dataset<Row> x = d.select(select);
    int p = cols.size();
    if (!spec.ancova()) {
      Column[] demeaned = new Column[p + 1];
      demeaned[0] = col("_cluster");
      for (int i = 0; i < p; i++) {
        demeaned[i + 1] = col("_v" + i).minus(avg(col("_v" + i)).over(Window.partitionBy("_unit"))).as("_v" + i);
      }
      x = x.select(demeaned);
    }
    ClusterCrossProducts cp = perCluster(x, p, names.subList(1, p - 1), spec.ancova() ? "1" : "post (within woman)");
    ClusterCrossProducts kept = dropConstantControls(cp, notes, outcome);
    return new Pass(kept, kept.observations(), notes);
  }

  /** Sums per cluster the cross-products of columns _v0.._v{p-1} of {@code x} (with a string column _cluster). */
  static ClusterCrossProducts perCluster(Dataset<Row> x, int p, List<String> controls, String carrier) {
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < p; i++) {
      for (int j = i; j < p; j++) {
        aggs.add(sum(col("_v" + i).multiply(col("_v" + j))));
      }
    }
    List<Row> rows = new ArrayList<>(x.groupBy("_cluster").agg(count(lit(1)), aggs.toArray(new Column[0])).collectAsList());
    rows.sort(Comparator.comparing(r -> r.getString(0)));
    double[][][] moments = new double[rows.size()][p][p];
    long[] n = new long[rows.size()];
    List<String> clusters = new ArrayList<>();
    for (int g = 0; g < rows.size(); g++) {
      Row r = rows.get(g);
      clusters.add(r.getString(0));
      n[g] = r.getLong(1);
      int at = 2;
      for (int i = 0; i < p; i++) {
        for (int j = i; j < p; j++) {
          moments[g][i][j] = r.getDouble(at++);
          moments[g][j][i] = moments[g][i][j];
        }
      }
    }
    return new ClusterCrossProducts(clusters, List.copyOf(controls), moments, n, carrier);
  }

  /** Drops controls with no variation left (e.g. a time-invariant covariate after the woman effects), with a note. */
  static ClusterCrossProducts dropConstantControls(ClusterCrossProducts cp, List<String> notes, String outcome) {
    int p = cp.controls().size() + 2;
    List<Integer> keep = new ArrayList<>();
    keep.add(0);
    List<String> names = new ArrayList<>();
    long n = cp.observations();
    for (int i = 1; i < p - 1; i++) {
      double ss = 0;
      for (double[][] m : cp.moments()) {
        ss += m[i][i];
      }
      if (ss > 1e-10 * n) {
        keep.add(i);
        names.add(cp.controls().get(i - 1));
      } else {
        notes.add(outcome + ": control '" + cp.controls().get(i - 1) + "' has no variation left after the fixed effects; dropped");
      }
    }
    keep.add(p - 1);
    if (keep.size() == p) {
      return cp;
    }
    double[][][] out = new double[cp.moments().length][keep.size()][keep.size()];
    for (int g = 0; g < out.length; g++) {
      for (int i = 0; i < keep.size(); i++) {
        for (int j = 0; j < keep.size(); j++) {
          out[g][i][j] = cp.moments()[g][keep.get(i)][keep.get(j)];
        }
      }
    }
    return new ClusterCrossProducts(cp.clusters(), names, out, cp.rows(), cp.carrier());
  }
}
