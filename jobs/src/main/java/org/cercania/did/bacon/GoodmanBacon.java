package org.cercania.did.bacon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.cercania.errors.Errors;
import org.cercania.io.TableSchema;
import org.cercania.spark.JobGroup;

/**
 * Goodman-Bacon decomposition (estimator "bacon") of the two-way fixed effects coefficient on
 * treat_post (see {@code Twfe}) in a balanced panel, as R bacondecomp's {@code bacon(y ~ treat_post,
 * id_var, time_var)} without covariates: every 2x2 difference-in-differences between two timing
 * groups, with its weight; the weights sum to one and the weighted sum is the TWFE coefficient.
 *
 * <p>Timing groups are bacondecomp's {@code treat_time}: the first period in which a unit is treated,
 * so a cohort is mapped to the first observed period at or after it, and units never treated within
 * the panel (cohort 0 or after the last period) form one untreated group, written with control
 * cohort 0 (bacondecomp's Inf). Comparisons, for every ordered pair of groups (k, l), k treated:
 * <ul>
 *   <li>"Treated vs Untreated" (l untreated): all periods;</li>
 *   <li>"Earlier vs Later Treated" (k before l): periods before l is treated, l the control;</li>
 *   <li>"Later vs Earlier Treated" (k after l): periods from l's treatment on, l (already treated) the control.</li>
 * </ul>
 * Each 2x2 is the DiD of the two groups' period means, before and after k's treatment within the
 * window (in a balanced two-group panel that is the TWFE coefficient bacondecomp fits with feols);
 * its weight is bacondecomp's {@code calculate_weights}: with n the group's row counts in the window
 * and D the share of the window in which a group is treated,
 * ((n_k + n_l)(1 - D_l))^2 n_kl (1 - n_kl) (D_k - D_l)/(1 - D_l) (1 - D_k)/(1 - D_l) when k is treated
 * first (D_l = 0 for the untreated), ((n_k + n_l) D_l)^2 n_kl (1 - n_kl) (D_k/D_l) (D_l - D_k)/D_l
 * when l is, then scaled to sum to one.
 *
 * <p>Spark passes: one aggregation by (cohort, period) for counts and outcome sums (O(G x T) numbers
 * to the driver) and one by unit, reduced to three counts, for the balance check; the rest is
 * driver arithmetic on cohort-period means. Like {@code Twfe}, units treated in the first period are
 * dropped ({@link PanelChecks}), so bacondecomp's "Later vs Always Treated" comparisons never arise.
 * Weights and covariates are not supported (bacondecomp decomposes the unweighted regression; its
 * covariate version is a different decomposition).
 */
public final class GoodmanBacon extends PanelEstimator<GoodmanBacon.Result> {
  static final String NAME = "bacon";
  /** The untreated group's key, as bacondecomp's treat_time = Inf. */
  static final int UNTREATED = Integer.MAX_VALUE;

  public static final String TREATED_VS_UNTREATED = "Treated vs Untreated";
  public static final String EARLIER_VS_LATER = "Earlier vs Later Treated";
  public static final String LATER_VS_EARLIER = "Later vs Earlier Treated";

  @Override
  public String name() {
    return NAME;
  }

  /** One 2x2 comparison; control 0 is the untreated group. */
  public record Comparison(String type, int treated, int control, double estimate, double weight) {}

  /** The common result and the comparisons. */
  public record Result(DidResult did, List<Comparison> comparisons) implements EstimatorResult {}

  /** Units and rows per timing group and period, and the outcome's sum. */
  private record GroupSums(int[] periods, TreeMap<Integer, long[]> size, TreeMap<Integer, double[]> sumY) {}

  @Override
  protected void check(DidSpec spec) {
    if (spec.weights() != null) {
      throw Errors.estimation(NAME, "weights ('" + spec.weights() + "') are not supported: the decomposition is of the"
          + " unweighted TWFE coefficient (bacondecomp)");
    }
    if (!spec.covariates().isEmpty()) {
      throw Errors.estimation(NAME, "covariates are not supported: only the decomposition without controls is implemented");
    }
  }

  @Override
  protected Result fit(Dataset<Row> p, DidSpec spec, List<String> notes) {
    SparkSession spark = p.sparkSession();
    String t = spec.time();
    // Pass 1: counts and outcome sums by cohort and period.
    List<Row> cells = JobGroup.run(spark, "bacon: cohort x period means", () -> p.groupBy(col(spec.cohort()), col(t).cast("int").as(t))
        .agg(count(lit(1)).as("n"), count(col(spec.outcome())).as("ny"), sum(col(spec.outcome()).cast("double")).as("sy"))
        .collectAsList());
    int[] periods = periods(cells, spec);
    // Pass 2: balance, one row per unit and period, one cohort per unit.
    long units = JobGroup.run(spark, "bacon: balance check", () -> checkBalance(p, spec, periods.length));
    GroupSums groups = groups(cells, periods, notes);
    List<Comparison> raw = comparisons(groups);
    double total = raw.stream().mapToDouble(Comparison::weight).sum();
    List<Comparison> out = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    double coefficient = 0;
    for (Comparison c : raw) {
      Comparison s = new Comparison(c.type(), c.treated(), c.control(), c.estimate(), c.weight() / total);
      out.add(s);
      coefficient += s.estimate() * s.weight();
      rows.add(RowFactory.create(s.type(), s.treated(), s.control(), s.estimate(), s.weight()));
    }
    summarise(out, coefficient, notes);
    Dataset<Row> table = spark.createDataFrame(rows, TableSchema.load("bacon").structType());
    OverallAtt overall = OverallAtt.pointOnly("the TWFE coefficient (weighted sum of the 2x2 estimates)", coefficient,
        units * periods.length);
    return new Result(new DidResult(NAME, Map.of("bacon", table), notes, overall), List.copyOf(out));
  }

  /** The periods of the panel; refuses rows without a period or an outcome. */
  private static int[] periods(List<Row> cells, DidSpec spec) {
    long missingY = 0;
    TreeSet<Integer> periodSet = new TreeSet<>();
    for (Row r : cells) {
      if (r.isNullAt(1)) {
        throw Errors.estimation(NAME, r.getLong(2) + " rows have no " + spec.time());
      }
      periodSet.add(r.getInt(1));
      missingY += r.getLong(2) - r.getLong(3);
    }
    if (missingY > 0) {
      throw Errors.estimation(NAME, missingY + " rows have no " + spec.outcome()
          + "; the decomposition needs a balanced panel without missing outcomes (bacondecomp: NA observations)");
    }
    return periodSet.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Refuses an unbalanced panel or a cohort that varies within a unit; returns the number of units. */
  private static long checkBalance(Dataset<Row> p, DidSpec spec, int nT) {
    String g = spec.cohort();
    Row b = p.groupBy(col(spec.unit()))
        .agg(count(lit(1)).as("n"), countDistinct(col(spec.time())).as("nt"), min(col(g)).as("g0"), max(col(g)).as("g1"))
        .agg(count(lit(1)),
            sum(when(col("n").notEqual(lit(nT)).or(col("nt").notEqual(lit(nT))), 1).otherwise(0)),
            sum(when(col("g0").notEqual(col("g1")), 1).otherwise(0)),
            sum(when(col(spec.unit()).isNull(), 1).otherwise(0)))
        .first();
    long units = b.getLong(0);
    if (b.getLong(3) > 0) {
      throw Errors.estimation(NAME, "some rows have no " + spec.unit());
    }
    if (b.getLong(1) > 0) {
      throw Errors.estimation(NAME, "the panel is unbalanced: " + b.getLong(1) + " of " + units
          + " units are not observed exactly once in each of the " + nT + " periods; the decomposition needs a balanced panel");
    }
    if (b.getLong(2) > 0) {
      throw Errors.estimation(NAME, b.getLong(2) + " units have more than one value of " + g + "; the cohort must be constant within a unit");
    }
    return units;
  }

  /** Timing groups: rows per group and period and their outcome sums; a note on cohorts not treated within the panel. */
  private static GroupSums groups(List<Row> cells, int[] periods, List<String> notes) {
    int nT = periods.length;
    TreeMap<Integer, long[]> size = new TreeMap<>();
    TreeMap<Integer, double[]> sumY = new TreeMap<>();
    TreeSet<Integer> late = new TreeSet<>();
    for (Row r : cells) {
      int cohort = r.getInt(0);
      int k = treatTime(cohort, periods);
      if (cohort > 0 && k == UNTREATED) {
        late.add(cohort);
      }
      int ti = Arrays.binarySearch(periods, r.getInt(1));
      size.computeIfAbsent(k, x -> new long[nT])[ti] += r.getLong(2);
      sumY.computeIfAbsent(k, x -> new double[nT])[ti] += r.getDouble(4);
    }
    if (!late.isEmpty()) {
      notes.add("cohort(s) " + join(late) + " are not treated within the panel (last period " + periods[nT - 1]
          + "): their units are untreated, as in bacondecomp");
    }
    return new GroupSums(periods, size, sumY);
  }

  /** Every 2x2 comparison of a treated group with another group, weights not yet scaled. */
  private static List<Comparison> comparisons(GroupSums groups) {
    int nT = groups.periods().length;
    Map<Integer, double[]> means = new TreeMap<>();
    Map<Integer, Long> n = new TreeMap<>();
    for (Map.Entry<Integer, long[]> e : groups.size().entrySet()) {
      double[] m = new double[nT];
      for (int i = 0; i < nT; i++) {
        m[i] = groups.sumY().get(e.getKey())[i] / e.getValue()[i];
      }
      means.put(e.getKey(), m);
      n.put(e.getKey(), e.getValue()[0]);
    }
    List<Comparison> raw = new ArrayList<>();
    for (int k : means.keySet()) {
      if (k == UNTREATED) {
        continue;
      }
      for (int l : means.keySet()) {
        if (l != k) {
          raw.add(twoByTwo(k, l, groups.periods(), means, n));
        }
      }
    }
    if (raw.isEmpty()) {
      throw Errors.estimation(NAME, means.containsKey(UNTREATED) && means.size() == 1
          ? "no treated units: every cohort is 0 or after the last period"
          : "nothing to decompose: a single timing group and no untreated units");
    }
    return raw;
  }

  /** bacondecomp's treat_time: the first period at or after the cohort; untreated if none. */
  static int treatTime(int cohort, int[] periods) {
    if (cohort <= 0) {
      return UNTREATED;
    }
    for (int p : periods) {
      if (p >= cohort) {
        return p;
      }
    }
    return UNTREATED;
  }

  /** One comparison of treated group k with control group l, weight not yet scaled. */
  private static Comparison twoByTwo(int k, int l, int[] periods, Map<Integer, double[]> means, Map<Integer, Long> n) {
    // the window: everything against the untreated, before l for an earlier k, from l on for a later k
    List<Integer> window = new ArrayList<>();
    for (int i = 0; i < periods.length; i++) {
      boolean in = l == UNTREATED || (k < l ? periods[i] < l : periods[i] >= l);
      if (in) {
        window.add(i);
      }
    }
    double[] yk = means.get(k);
    double[] yl = means.get(l);
    double preK = 0;
    double preL = 0;
    double postK = 0;
    double postL = 0;
    int pre = 0;
    int post = 0;
    int lTreated = 0;
    for (int i : window) {
      if (periods[i] >= k) {
        postK += yk[i];
        postL += yl[i];
        post++;
      } else {
        preK += yk[i];
        preL += yl[i];
        pre++;
      }
      if (l != UNTREATED && periods[i] >= l) {
        lTreated++;
      }
    }
    double estimate = (postK / post - preK / pre) - (postL / post - preL / pre);
    double rows = window.size();
    double nk = n.get(k) * rows;
    double nl = n.get(l) * rows;
    double dk = post / rows;
    double dl = lTreated / rows;
    double weight;
    String type;
    if (l == UNTREATED || k < l) {
      double s = nk / (nk + nl);
      double v = s * (1 - s) * (dk - dl) / (1 - dl) * (1 - dk) / (1 - dl);
      weight = Math.pow((nk + nl) * (1 - dl), 2) * v;
      type = l == UNTREATED ? TREATED_VS_UNTREATED : EARLIER_VS_LATER;
    } else {
      double s = nl / (nk + nl); // share of the earlier group
      double v = s * (1 - s) * (dk / dl) * (dl - dk) / dl;
      weight = Math.pow((nk + nl) * dl, 2) * v;
      type = LATER_VS_EARLIER;
    }
    return new Comparison(type, k, l == UNTREATED ? 0 : l, estimate, weight);
  }

  /** bacondecomp's bacon_summary as messages: total weight and weighted mean estimate per type. */
  private static void summarise(List<Comparison> cs, double coefficient, List<String> notes) {
    for (String type : List.of(EARLIER_VS_LATER, LATER_VS_EARLIER, TREATED_VS_UNTREATED)) {
      double w = 0;
      double we = 0;
      for (Comparison c : cs) {
        if (c.type().equals(type)) {
          w += c.weight();
          we += c.weight() * c.estimate();
        }
      }
      if (w > 0) {
        notes.add(String.format(Locale.ROOT, "%s: weight %.5f, average estimate %.5f", type, w, we / w));
      }
    }
    notes.add(String.format(Locale.ROOT, "weighted sum of the 2x2 estimates (the TWFE coefficient): %.8f", coefficient));
  }

  private static String join(TreeSet<Integer> s) {
    return String.join(", ", s.stream().map(String::valueOf).toList());
  }
}
