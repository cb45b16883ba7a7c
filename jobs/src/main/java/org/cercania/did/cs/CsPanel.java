package org.cercania.did.cs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;
import org.cercania.did.DidSpec;
import org.cercania.errors.Errors;

/**
 * The panel as R did's pre_process_did leaves it, built in two Spark passes:
 * <ol>
 *   <li>pass 0, one aggregation: row counts and the distinct periods and cohorts (O(T + G) values to
 *       the driver), which fix the periods kept, the cohorts estimated and the cohort recodings;</li>
 *   <li>pass (a), one groupBy(unit): each unit's cohort, weight, cluster and its outcome and
 *       covariates pivoted by period into arrays ({@link UnitRow}); cached for the later passes.</li>
 * </ol>
 * Data-dependent decisions that need counts (units treated in the first period, unbalanced units,
 * inconsistent units) are marked on each row here and counted in the cell-statistics pass.
 */
final class CsPanel {
  final DidSpec spec;
  /** Periods kept, ascending. */
  final int[] periods;
  /** Treated cohorts estimated (R's glist), ascending. */
  final int[] cohorts;
  /** Every cohort value present after recoding (0 included), ascending: for group-size checks. */
  final int[] allCohorts;
  /** Number of covariates (without the intercept). */
  final int p;
  final JavaRDD<UnitRow> units;

  private CsPanel(DidSpec spec, int[] periods, int[] cohorts, int[] allCohorts, int p, JavaRDD<UnitRow> units) {
    this.spec = spec;
    this.periods = periods;
    this.cohorts = cohorts;
    this.allCohorts = allCohorts;
    this.p = p;
    this.units = units;
  }

  static final String EST = "cs";

  /** Pass 0's findings: the periods and raw cohorts with complete data, and the smallest weight. */
  private record Counts(int[] periods, int[] cohorts, Double minWeight) {}

  /** R did's decisions on periods and cohorts: periods kept, cohorts estimated, every cohort after recoding, the recodings. */
  private record Timing(int[] periods, int[] glist, int[] allCohorts, int maxT, Integer latestAsNever) {}

  static CsPanel prepare(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    validate(panel, spec);
    boolean clustered = spec.cluster() != null;
    Dataset<Row> df = select(panel, spec);
    Counts counts = counts(df, spec, notes);
    Timing timing = timing(counts, spec, notes);
    Column g = col("_g");
    g = when(g.gt(timing.maxT()), 0).otherwise(g);
    if (timing.latestAsNever() != null) {
      g = when(g.equalTo(timing.latestAsNever()), 0).otherwise(g);
    }
    Object[] keptBoxed = Arrays.stream(timing.periods()).boxed().toArray();
    Dataset<Row> ok = df.filter(col("_ok").and(col("_t").isin(keptBoxed))).withColumn("_g", g);
    JavaRDD<UnitRow> units = spec.repeatedCrossSection()
        ? crossSectionRows(ok, timing.periods(), spec)
        : panelRows(ok, timing.periods(), spec, clustered);
    units = units.persist(StorageLevel.MEMORY_AND_DISK());
    return new CsPanel(spec, timing.periods(), timing.glist(), timing.allCohorts(), spec.covariates().size(), units);
  }

  private static void validate(Dataset<Row> panel, DidSpec spec) {
    List<String> present = Arrays.asList(panel.columns());
    List<String> needed = new ArrayList<>(List.of(spec.unit(), spec.time(), spec.cohort(), spec.outcome()));
    if (spec.weights() != null) {
      needed.add(spec.weights());
    }
    if (spec.cluster() != null) {
      needed.add(spec.cluster());
    }
    needed.addAll(spec.covariates());
    for (String c : needed) {
      if (!present.contains(c)) {
        throw Errors.missingColumn("the panel", c, present);
      }
    }
    for (String c : numericColumns(spec)) {
      DataType dt = panel.schema().apply(c).dataType();
      if (!(dt instanceof NumericType)) {
        throw Errors.estimation(EST, "column '" + c + "' must be numeric; it is " + dt.simpleString());
      }
    }
    if (spec.anticipation() < 0) {
      throw Errors.badSpec("anticipation", String.valueOf(spec.anticipation()), "0 or more");
    }
  }

  /** The spec's columns under internal names (so user columns cannot clash), and _ok: the row is complete. */
  private static Dataset<Row> select(Dataset<Row> panel, DidSpec spec) {
    int p = spec.covariates().size();
    boolean rcs = spec.repeatedCrossSection();
    // cohort null means never treated (DidSpec)
    List<Column> sel = new ArrayList<>();
    // Panel units keep their own type: a string key or a string aggregate would turn Spark's hash
    // aggregation over the whole panel into a sort (the cluster is carried as a 64-bit hash).
    sel.add((rcs ? column(spec.unit()).cast("string") : column(spec.unit())).as("_u"));
    sel.add(column(spec.time()).cast("int").as("_t"));
    sel.add(coalesce(column(spec.cohort()).cast("int"), lit(0)).as("_g"));
    sel.add(column(spec.outcome()).cast("double").as("_y"));
    sel.add((spec.weights() == null ? lit(1.0) : column(spec.weights()).cast("double")).as("_w"));
    boolean clustered = spec.cluster() != null;
    if (rcs) {
      Column unitKey = concat_ws("@", column(spec.unit()).cast("string"), column(spec.time()).cast("string"));
      sel.add((clustered ? column(spec.cluster()).cast("string") : unitKey).as("_c"));
    } else if (clustered) {
      Column c = column(spec.cluster());
      sel.add(when(c.isNotNull(), xxhash64(c)).as("_c"));
    }
    for (int j = 0; j < p; j++) {
      sel.add(column(spec.covariates().get(j)).cast("double").as("_x" + j));
    }
    Dataset<Row> df = panel.select(sel.toArray(new Column[0]));
    Column complete = col("_u").isNotNull().and(col("_t").isNotNull()).and(col("_y").isNotNull()).and(isnan(col("_y")).unary_$bang())
        .and(col("_w").isNotNull()).and(isnan(col("_w")).unary_$bang());
    if (rcs || clustered) {
      complete = complete.and(col("_c").isNotNull());
    }
    for (int j = 0; j < p; j++) {
      complete = complete.and(col("_x" + j).isNotNull()).and(isnan(col("_x" + j)).unary_$bang());
    }
    return df.withColumn("_ok", complete);
  }

  /** Pass 0: counts by (complete, period, cohort), O(T * G) rows: a hash aggregation as cheap as the scan. */
  private static Counts counts(Dataset<Row> df, DidSpec spec, List<String> notes) {
    long rows = 0;
    long completeRows = 0;
    TreeSet<Integer> tset = new TreeSet<>();
    TreeSet<Integer> gset = new TreeSet<>();
    Double minWeight = null;
    for (Row r : df.groupBy(col("_ok"), when(col("_ok"), col("_t")).as("t"), when(col("_ok"), col("_g")).as("g"))
        .agg(count(lit(1)), min(col("_w"))).collectAsList()) {
      long n = r.getLong(3);
      rows += n;
      if (r.getBoolean(0)) {
        completeRows += n;
        tset.add(r.getInt(1));
        gset.add(r.getInt(2));
        minWeight = minWeight == null ? r.getDouble(4) : Math.min(minWeight, r.getDouble(4));
      }
    }
    if (rows - completeRows > 0) {
      notes.add("dropped " + (rows - completeRows) + " rows from the panel due to missing data");
    }
    int[] tlist = tset.stream().mapToInt(Integer::intValue).toArray();
    if (tlist.length < 2) {
      throw Errors.estimation(EST, "the panel has " + tlist.length + " period(s) with complete data; at least 2 are needed");
    }
    if (minWeight != null && minWeight < 0) {
      throw Errors.estimation(EST, "weights column '" + spec.weights() + "' has negative values");
    }
    return new Counts(tlist, gset.stream().mapToInt(Integer::intValue).toArray(), minWeight);
  }

  /** R did's pre_process_did on periods and cohorts, with a note for each recoding. */
  private static Timing timing(Counts counts, DidSpec spec, List<String> notes) {
    int[] tlist = counts.periods();
    int[] graw = counts.cohorts();
    int maxT = tlist[tlist.length - 1];
    // R did (pre_process_did): cohorts first treated after the last period are never treated.
    int[] beyond = Arrays.stream(graw).filter(g -> g > maxT).toArray();
    if (beyond.length > 0) {
      notes.add("cohort(s) " + join(beyond) + " start after the last period " + maxT
          + ": their units are treated as never treated (as R did does)");
    }
    int[] gvals = Arrays.stream(graw).map(g -> g > maxT ? 0 : g).distinct().sorted().toArray();
    int a = spec.anticipation();
    boolean hasNever = Arrays.stream(gvals).anyMatch(g -> g == 0);
    Integer latestAsNever = null;
    int[] kept = tlist;
    Integer excludeLatest = null;
    if (!hasNever) {
      int latest = gvals[gvals.length - 1];
      int cutoff = latest - a;
      kept = Arrays.stream(tlist).filter(t -> t < cutoff).toArray();
      if (spec.control() == DidSpec.ControlGroup.NEVER) {
        latestAsNever = latest;
        notes.add("no never-treated units: cohort " + latest + " is used as never treated and periods from " + cutoff
            + " on are dropped (as R did does)");
      } else {
        excludeLatest = latest;
        notes.add("no never-treated units: periods from " + cutoff + " on are dropped and cohort " + latest
            + " serves only as a not-yet-treated control (as R did does)");
      }
      if (kept.length < 2) {
        throw Errors.estimation(EST, "no never-treated units and fewer than 2 periods before cohort " + latest
            + " is treated; nothing can be estimated");
      }
    }
    final int first = kept[0];
    final Integer lan = latestAsNever;
    final Integer exl = excludeLatest;
    int[] allCohorts = Arrays.stream(gvals).map(g -> lan != null && g == lan ? 0 : g).distinct().sorted().toArray();
    int[] glist = Arrays.stream(allCohorts).filter(g -> g > 0 && g > first + a && (exl == null || g != exl)).toArray();
    if (glist.length == 0) {
      throw Errors.estimation(EST, "no cohort can be estimated: column '" + spec.cohort() + "' must hold the period a unit is"
          + " first treated (0 or null if never), and some cohort must start after the first period " + first
          + (a > 0 ? " + anticipation " + a : ""));
    }
    return new Timing(kept, glist, allCohorts, maxT, latestAsNever);
  }

  /** Pass (a) for cross-sections: one row per observation. */
  private static JavaRDD<UnitRow> crossSectionRows(Dataset<Row> ok, int[] periods, DidSpec spec) {
    int p = spec.covariates().size();
    int antic = spec.anticipation();
    List<Column> cols = new ArrayList<>(List.of(col("_u"), col("_c"), col("_g"), col("_w"), col("_t"), col("_y")));
    for (int j = 0; j < p; j++) {
      cols.add(col("_x" + j));
    }
    return ok.select(cols.toArray(new Column[0])).javaRDD().map(r -> crossSectionRow(r, periods, p, antic));
  }

  /** Pass (a) for panels: groupBy(unit) pivoting each unit's outcome and covariates by period. */
  private static JavaRDD<UnitRow> panelRows(Dataset<Row> ok, int[] periods, DidSpec spec, boolean clustered) {
    int p = spec.covariates().size();
    int antic = spec.anticipation();
    List<Column> aggs = new ArrayList<>();
    aggs.add(max(col("_g")));
    aggs.add(min(col("_w")));
    aggs.add(max(col("_w")));
    aggs.add(clustered ? min(col("_c")) : lit(0L));
    aggs.add(clustered ? max(col("_c")) : lit(0L));
    aggs.add(count(lit(1)));
    for (int t : periods) {
      aggs.add(max(when(col("_t").equalTo(t), col("_y"))));
    }
    for (int t : periods) {
      for (int j = 0; j < p; j++) {
        aggs.add(max(when(col("_t").equalTo(t), col("_x" + j))));
      }
    }
    Dataset<Row> byUnit = ok.groupBy(col("_u")).agg(min(col("_g")), aggs.toArray(new Column[0]));
    return byUnit.javaRDD().map(r -> panelRow(r, periods, p, antic, clustered));
  }

  private static List<String> numericColumns(DidSpec spec) {
    List<String> c = new ArrayList<>(List.of(spec.time(), spec.cohort(), spec.outcome()));
    if (spec.weights() != null) {
      c.add(spec.weights());
    }
    c.addAll(spec.covariates());
    return c;
  }

  private static int firstStatus(int cohort, int first, int antic) {
    if (cohort != 0 && cohort <= first) {
      return UnitRow.FIRST_TREATED;
    }
    if (cohort != 0 && cohort <= first + antic) {
      return UnitRow.EARLY;
    }
    return UnitRow.OK;
  }

  /** Row layout: _u, min(_g), max(_g), min(_w), max(_w), min(_c), max(_c) (cluster hashes; 0 unclustered), count, y by period, x by period. */
  private static UnitRow panelRow(Row r, int[] periods, int p, int antic, boolean clustered) {
    int nT = periods.length;
    String id = String.valueOf(r.get(0));
    int gmin = r.getInt(1);
    int gmax = r.getInt(2);
    double wmin = r.getDouble(3);
    double wmax = r.getDouble(4);
    long cmin = r.getLong(5);
    long cmax = r.getLong(6);
    long rows = r.getLong(7);
    double[] y = new double[nT];
    int observed = 0;
    for (int j = 0; j < nT; j++) {
      if (r.isNullAt(8 + j)) {
        y[j] = Double.NaN;
      } else {
        y[j] = r.getDouble(8 + j);
        observed++;
      }
    }
    double[] x = new double[nT * p];
    for (int j = 0; j < nT * p; j++) {
      x[j] = r.isNullAt(8 + nT + j) ? Double.NaN : r.getDouble(8 + nT + j);
    }
    int status;
    if (rows > observed) {
      status = UnitRow.DUPLICATE;
    } else if (gmin != gmax) {
      status = UnitRow.COHORT_VARIES;
    } else if (wmin != wmax) {
      status = UnitRow.WEIGHT_VARIES;
    } else if (cmin != cmax) {
      status = UnitRow.CLUSTER_VARIES;
    } else {
      status = firstStatus(gmin, periods[0], antic);
      if (status != UnitRow.FIRST_TREATED && observed < nT) {
        status = UnitRow.UNBALANCED;
      }
    }
    // a given cluster is identified by the 64-bit hash of its value; otherwise the unit is its own cluster
    return new UnitRow(id, clustered ? Long.toString(cmin) : id, gmin, wmin, -1, y, x, status);
  }

  /** Row layout: _u, _c, _g, _w, _t, _y, covariates. */
  private static UnitRow crossSectionRow(Row r, int[] periods, int p, int antic) {
    int t = r.getInt(4);
    int idx = Arrays.binarySearch(periods, t);
    double[] x = new double[p];
    for (int j = 0; j < p; j++) {
      x[j] = r.getDouble(6 + j);
    }
    int g = r.getInt(2);
    return new UnitRow(r.getString(0) + "@" + t, r.getString(1), g, r.getDouble(3), idx, new double[] {r.getDouble(5)}, x,
        firstStatus(g, periods[0], antic));
  }

  /** A user column by name, quoted so names with dots (e.g. first.treat) are not read as struct fields. */
  static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  static String join(int[] v) {
    return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(", "));
  }

  void release() {
    units.unpersist(false);
  }
}
