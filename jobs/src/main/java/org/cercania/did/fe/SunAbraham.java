package org.cercania.did.fe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidResult;
import org.cercania.did.DidSpec;
import org.cercania.did.EstimatorResult;
import org.cercania.did.OverallAtt;
import org.cercania.did.PanelChecks;
import org.cercania.did.PanelEstimator;
import org.cercania.did.SeConvention;
import org.cercania.errors.Errors;
import org.cercania.spark.JobGroup;

/**
 * Sun and Abraham's interaction-weighted event study (estimator "sun-abraham"), defined by R
 * fixest's {@code feols(y ~ sunab(cohort, period) | unit + period, cluster = ~unit)} and its
 * {@code summary()} / {@code aggregate(m, agg = "ATT")}.
 *
 * <p>The regression: one dummy per cell (cohort g, relative period e = t - g) of every treated
 * cohort, e != -1 (fixest's default {@code ref.p = -1}; no other reference, no binning unless
 * the spec's {@code eventMin}/{@code eventMax} are given, which bin relative periods beyond them into the end
 * points as {@code bin.rel} would), with unit and period fixed effects, fitted by
 * {@link UnitTimeRegression} with the cell as its categorical regressor. Following fixest's
 * rules, the units of a cohort without dummies stay in the regression as controls: never treated
 * (cohort 0 or null), cohorts that are not one of the observed periods (after the last period, or in
 * a gap) and cohorts observed only before their treatment. A cohort observed only from its treatment
 * on (always treated) is dropped, as fixest intends, with a message; units treated in the first
 * period are dropped beforehand by {@link PanelChecks} (fixest would treat a cohort before the first
 * period as never treated: here it is dropped, as every estimator of this package does).
 *
 * <p>Output {@code coefficients} (schemas/coefficients.json): one row per relative period e,
 * term {@code rel::e} (fixest names it {@code <period>::e}, e.g. {@code year::-2}), the average of
 * the cohort coefficients at e weighted by each cell's share of the observations (sum of weights
 * when weighted), as fixest's summary(sunab) does, then a row {@code ATT}: the same average over
 * every cell with e >= 0, as {@code aggregate(m, agg = "ATT")}. Standard errors by the delta method
 * on the cells' clustered covariance (sqrt(s' V s)) under the requested small-sample convention
 * (default fixest's: clusters by unit, G/(G-1) (N-1)/(N-K), fixed effects nested in the cluster not
 * counted in K). Cells dropped as collinear are left out of the averages, as fixest does.
 *
 * <p>Passes: one aggregation by (cohort, period) for counts and weight sums (O(G x T) numbers to
 * the driver), then the regression's three passes; the aggregation is driver arithmetic on the
 * cells' coefficients and covariance.
 */
public final class SunAbraham extends PanelEstimator<SunAbraham.Result> {
  static final String NAME = "sun-abraham";
  public static final String PREFIX = "rel::";
  public static final String ATT = "ATT";
  private static final String CELL = "__sa_cell";

  @Override
  public String name() {
    return NAME;
  }

  /** A cohort x relative-period cell with its share weight (observations or sum of weights). */
  public record Cell(int cohort, int rel, double size) {}

  /**
   * The common result, the cells with their coefficients (NaN when dropped as collinear) and
   * covariance under the main convention.
   */
  public record Result(DidResult did, List<Cell> cells, double[] cellBeta, double[][] cellVcov) implements EstimatorResult {}

  /** Treated cohorts (observed before and after treatment) and always-treated cohorts (dropped). */
  private record Timing(TreeSet<Integer> treated, TreeSet<Integer> always) {}

  @Override
  protected void check(DidSpec spec) {
    if (spec.eventMin() != null && spec.eventMin() >= -1) {
      throw Errors.badSpec("eventMin", String.valueOf(spec.eventMin()), "below -1 for sun-abraham (-1 is the reference)");
    }
    if (spec.eventMax() != null && spec.eventMax() < 0) {
      throw Errors.badSpec("eventMax", String.valueOf(spec.eventMax()), "0 or more for sun-abraham");
    }
  }

  @Override
  protected Result fit(Dataset<Row> panel, DidSpec spec, List<String> notes) {
    SparkSession spark = panel.sparkSession();
    String g = spec.cohort();
    String t = spec.time();
    Dataset<Row> complete = PanelChecks.complete(panel, spec);
    Column w = spec.weights() == null ? lit(1.0) : col(spec.weights()).cast("double");
    // Pass 1: counts and weight sums by cohort and period.
    List<Row> counts = JobGroup.run(spark, "sun-abraham: cohort x period counts",
        () -> complete.groupBy(col(g), col(t).cast("int").as(t)).agg(count(lit(1)), sum(w)).collectAsList());
    Timing timing = timing(counts, spec, notes);
    Dataset<Row> p = timing.always().isEmpty() ? complete : complete.filter(col(g).isin(timing.always().toArray()).unary_$bang());
    List<Cell> cells = cells(counts, timing.treated(), spec);
    FixedEffectsRegression.Fit fit = JobGroup.run(spark, "sun-abraham: regression", () -> regression(p, cells, timing, spec));
    List<String> dropped = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      if (fit.dropped()[i]) {
        dropped.add("cohort " + cells.get(i).cohort() + " at " + cells.get(i).rel());
      }
    }
    if (!dropped.isEmpty()) {
      notes.add("cells collinear with the fixed effects, dropped as fixest does: " + String.join(", ", dropped));
    }
    List<Row> rows = new ArrayList<>();
    OverallAtt overall = aggregates(cells, fit, spec, rows, notes);
    DidResult did = new DidResult(NAME, Map.of("coefficients", UnitTimeRegression.table(spark, rows)), notes, overall);
    return new Result(did, List.copyOf(cells), fit.beta().clone(), fit.vcov(spec.mainConvention()));
  }

  /** Sorts the cohorts by what the panel shows of them, with a note for each kind that is not simply treated. */
  private static Timing timing(List<Row> counts, DidSpec spec, List<String> notes) {
    TreeSet<Integer> periods = new TreeSet<>();
    TreeMap<Integer, boolean[]> signs = new TreeMap<>(); // cohort -> {has e < 0, has e >= 0}
    for (Row r : counts) {
      periods.add(r.getInt(1));
    }
    if (periods.isEmpty()) {
      throw Errors.estimation(NAME, "no observations with a non-null " + spec.outcome() + ", " + spec.time() + " and " + spec.unit());
    }
    TreeSet<Integer> notPeriods = new TreeSet<>();
    for (Row r : counts) {
      int cohort = r.getInt(0);
      if (cohort <= 0) {
        continue;
      }
      if (!periods.contains(cohort)) {
        notPeriods.add(cohort);
        continue;
      }
      boolean[] s = signs.computeIfAbsent(cohort, x -> new boolean[2]);
      s[r.getInt(1) < cohort ? 0 : 1] = true;
    }
    if (!notPeriods.isEmpty()) {
      notes.add("cohort(s) " + join(notPeriods) + " are not periods of the panel (never observed treated): their units are"
          + " controls, as in fixest's sunab");
    }
    TreeSet<Integer> treated = new TreeSet<>();
    TreeSet<Integer> onlyBefore = new TreeSet<>();
    TreeSet<Integer> always = new TreeSet<>();
    for (Map.Entry<Integer, boolean[]> e : signs.entrySet()) {
      if (e.getValue()[0] && e.getValue()[1]) {
        treated.add(e.getKey());
      } else if (e.getValue()[0]) {
        onlyBefore.add(e.getKey());
      } else {
        always.add(e.getKey());
      }
    }
    if (!onlyBefore.isEmpty()) {
      notes.add("cohort(s) " + join(onlyBefore) + " are observed only before treatment: their units are controls, as in fixest's sunab");
    }
    if (!always.isEmpty()) {
      notes.add("cohort(s) " + join(always) + " are observed only from treatment on (always treated): their observations are"
          + " dropped, as fixest's sunab does");
    }
    if (treated.isEmpty()) {
      throw Errors.estimation(NAME, "no treated cohort observed both before and after its treatment");
    }
    return new Timing(treated, always);
  }

  /** Cells, ordered by relative period then cohort (fixest's order), sized by observations or weights. */
  private static List<Cell> cells(List<Row> counts, TreeSet<Integer> treated, DidSpec spec) {
    TreeMap<Long, double[]> sizes = new TreeMap<>();
    for (Row r : counts) {
      int cohort = r.getInt(0);
      int e = r.getInt(1) - cohort;
      if (!treated.contains(cohort) || e == -1) {
        continue;
      }
      int eb = UnitTimeRegression.bin(e, spec);
      sizes.computeIfAbsent(((long) eb << 32) | (cohort & 0xffffffffL), x -> new double[1])[0] +=
          spec.weights() == null ? r.getLong(2) : r.getDouble(3);
    }
    List<Cell> cells = new ArrayList<>();
    for (Map.Entry<Long, double[]> e : sizes.entrySet()) {
      cells.add(new Cell((int) (long) e.getKey(), (int) (e.getKey() >> 32), e.getValue()[0]));
    }
    return cells;
  }

  /** The regression on one dummy per cell, coded cohort rank x span + binned relative period. */
  private static FixedEffectsRegression.Fit regression(Dataset<Row> p, List<Cell> cells, Timing timing, DidSpec spec) {
    int relMin = cells.stream().mapToInt(Cell::rel).min().getAsInt();
    int span = cells.stream().mapToInt(Cell::rel).max().getAsInt() - relMin + 1;
    List<Integer> cohorts = new ArrayList<>(timing.treated());
    List<Integer> levels = new ArrayList<>();
    for (Cell c : cells) {
      levels.add(cohorts.indexOf(c.cohort()) * span + c.rel() - relMin);
    }
    String g = spec.cohort();
    Column rank = lit(null).cast("int");
    for (int i = cohorts.size() - 1; i >= 0; i--) {
      rank = when(col(g).equalTo(cohorts.get(i)), lit(i)).otherwise(rank);
    }
    Column rel = col(spec.time()).cast("int").minus(col(g));
    Column binned = UnitTimeRegression.binned(rel, spec);
    Dataset<Row> withCell = p.withColumn(CELL, when(rel.notEqual(lit(-1)), rank.multiply(span).plus(binned.minus(relMin))).cast("int"));
    return UnitTimeRegression.fit(withCell, spec, List.of(), CELL, levels);
  }

  /** Adds the rows rel::e and ATT for every convention to {@code rows}; returns the overall ATT under the main one. */
  private static OverallAtt aggregates(List<Cell> cells, FixedEffectsRegression.Fit fit, DidSpec spec, List<Row> rows,
      List<String> notes) {
    TreeSet<Integer> rels = new TreeSet<>();
    cells.forEach(c -> rels.add(c.rel()));
    OverallAtt overall = null;
    for (SeConvention c : spec.seConventions()) {
      double[][] v = fit.vcov(c);
      for (int e : rels) {
        double[] est = aggregate(cells, fit, v, x -> x.rel() == e);
        if (est != null) {
          rows.add(RowFactory.create(PREFIX + e, est[0], est[1], c.label(), fit.nObs(), fit.nClusters()));
        }
      }
      double[] att = aggregate(cells, fit, v, x -> x.rel() >= 0);
      if (att != null) {
        rows.add(RowFactory.create(ATT, att[0], att[1], c.label(), fit.nObs(), fit.nClusters()));
        if (overall == null) {
          overall = OverallAtt.studentT("term " + ATT, att[0], att[1], fit.nObs(), fit.nClusters());
        }
      } else {
        notes.add("no post-treatment cell could be estimated: no ATT row");
      }
    }
    return overall;
  }

  /**
   * Share-weighted average of the selected cells' coefficients and its delta-method standard
   * error; null when no selected cell was estimated.
   */
  private static double[] aggregate(List<Cell> cells, FixedEffectsRegression.Fit fit, double[][] v,
      Predicate<Cell> select) {
    double total = 0;
    for (int i = 0; i < cells.size(); i++) {
      if (!fit.dropped()[i] && select.test(cells.get(i))) {
        total += cells.get(i).size();
      }
    }
    if (!(total > 0)) {
      return null;
    }
    double[] s = new double[cells.size()];
    double est = 0;
    for (int i = 0; i < cells.size(); i++) {
      if (!fit.dropped()[i] && select.test(cells.get(i))) {
        s[i] = cells.get(i).size() / total;
        est += s[i] * fit.beta()[i];
      }
    }
    double var = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        var += s[i] * s[j] * v[i][j];
      }
    }
    return new double[] {est, Math.sqrt(var)};
  }

  private static String join(TreeSet<Integer> s) {
    return String.join(", ", s.stream().map(String::valueOf).toList());
  }
}
