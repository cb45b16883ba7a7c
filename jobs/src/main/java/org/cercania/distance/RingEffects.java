package org.cercania.distance;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.cercania.did.DidSpec;
import org.cercania.did.Estimators;
import org.cercania.did.Inference;
import org.cercania.did.cs.CallawaySantAnna;
import org.cercania.did.cs.CsOptions;
import org.cercania.did.fe.SunAbraham;
import org.cercania.did.imputation.BorusyakJaravelSpiess;

/**
 * Runs the library's estimators on one band's panel (the band's treated units and the comparison
 * units) through their public entry point, {@code Estimators.byName(name).estimate(panel, spec)}
 * (cs through {@code new CallawaySantAnna(options)} for its CR2 option),
 * and reads the overall ATT and the event-time coefficients from the tables they return:
 * {@code cs}: aggregates (simple; dynamic by event time), {@code sun-abraham}: coefficients ATT and
 * rel::e, {@code imputation}: ATT and tau::e, {@code twfe}: treat_post. Intervals and p-values:
 * Student t with G1 - 1 degrees of freedom, G1 the clusters of the band's treated units, for the
 * estimators in {@code treatedClustersDf} (by default imputation and twfe); otherwise normal for cs
 * and imputation (as R did and didimputation; cs's CR2 adjustment is its small-sample correction)
 * and Student t with G - 1 for sun-abraham and twfe (as fixest). Why G1: the ATT is a weighted mean
 * of the treated observations' effects (imputation) or the coefficient of a treatment indicator
 * (twfe), so the clustered variance is, to first order, a sum of G1 squared cluster scores (the
 * comparison units' part is spread over hundreds of clusters); a band entered by few treated
 * clusters has a variance estimate with few degrees of freedom, whatever the number of clusters
 * (MacKinnon and Webb 2017).
 */
public final class RingEffects {
  public static final List<String> ROBUST = List.of("cs", "sun-abraham", "imputation");

  private final DidSpec.ControlGroup control;
  private final boolean imputationLeaveOneOut;
  private final boolean csCr2;
  private final Set<String> treatedClustersDf;

  /**
   * Comparison units {@code control}; imputation's standard errors with BJS's leave-out refinement
   * at the cluster level ({@link DidSpec#leaveOneOut()}) when {@code imputationLeaveOneOut}, cs's
   * with the CR2 adjustment ({@link CsOptions#cr2()}) when {@code csCr2}; the intervals, p-values and
   * sup-t bands of the estimators in {@code treatedClustersDf} from Student t with (treated clusters - 1)
   * degrees of freedom.
   */
  public RingEffects(DidSpec.ControlGroup control, boolean imputationLeaveOneOut, boolean csCr2, Set<String> treatedClustersDf) {
    this.control = control;
    this.imputationLeaveOneOut = imputationLeaveOneOut;
    this.csCr2 = csCr2;
    this.treatedClustersDf = Set.copyOf(treatedClustersDf);
  }

  public DidSpec.ControlGroup control() {
    return control;
  }

  /** Whether imputation's standard errors use the leave-out refinement. */
  public boolean imputationLeaveOneOut() {
    return imputationLeaveOneOut;
  }

  /** Whether cs's standard errors use the CR2 adjustment. */
  public boolean csCr2() {
    return csCr2;
  }

  /** The estimators whose intervals use Student t with (treated clusters - 1) degrees of freedom. */
  public Set<String> treatedClustersDf() {
    return treatedClustersDf;
  }

  /** The degrees of freedom of {@code estimator}'s intervals and p-values for a band with {@code counts} (infinite: normal). */
  public double df(String estimator, RingEstimate.Counts counts) {
    if (treatedClustersDf.contains(estimator)) {
      return Math.max(1, counts.treatedClusters() - 1);
    }
    return estimator.equals("cs") || estimator.equals("imputation") ? Double.POSITIVE_INFINITY : Math.max(1, counts.clusters() - 1);
  }

  /** The spec a band's estimation with {@code estimator} uses (columns of {@link RingDesign#estimationPanel}). */
  public DidSpec spec(String estimator) {
    DidSpec.Builder b = DidSpec.builder("unit_id", "year", "cohort", "value").cluster("cluster_id").weights("weight").control(control)
        .leaveOneOut(estimator.equals("imputation") && imputationLeaveOneOut);
    // cs's event study against the year before entry throughout (R did's base_period = "universal"), as HonestDiD
    // wants it; the overall ATT, whose cells all use that base, is the same as with the varying base
    return (estimator.equals("cs") ? b.basePeriod(DidSpec.BasePeriod.UNIVERSAL) : b).build();
  }

  /**
   * Estimates on {@code sub} (one outcome: the band's treated units and the comparison units) with
   * {@code estimator}; units, treated units and clusters as counted by the caller.
   */
  public RingEstimate estimate(String family, String outcome, int band, String estimator, Dataset<Row> sub, RingEstimate.Counts counts) {
    Map<String, Dataset<Row>> tables;
    EventCovariance cov = null;
    if (estimator.equals("sun-abraham")) {
      SunAbraham.Result sa = new SunAbraham().run(sub, spec(estimator));
      tables = sa.did().tables();
      cov = EventCovariance.of(sa);
    } else if (estimator.equals("cs")) {
      tables = new CallawaySantAnna(CsOptions.defaults().withCr2(csCr2)).estimate(sub, spec(estimator)).tables();
    } else {
      tables = Estimators.byName(estimator).estimate(sub, spec(estimator)).tables();
    }
    double est;
    double se;
    List<RingEstimate.EventTerm> events = new ArrayList<>();
    if (estimator.equals("cs")) {
      Row simple = tables.get("aggregates").filter(col("aggregation").equalTo("simple").and(col("key").isNull())).first();
      est = simple.getAs("estimate");
      se = simple.isNullAt(simple.fieldIndex("se")) ? Double.NaN : simple.<Double>getAs("se");
      // the library's tables are local (driver-side) frames: filtered here and sorted in Java, without a Spark job
      for (Row r : tables.get("aggregates").filter(col("aggregation").equalTo("dynamic").and(col("key").isNotNull()))
          .collectAsList()) {
        events.add(new RingEstimate.EventTerm(r.<Integer>getAs("key"), r.getAs("estimate"),
            r.isNullAt(r.fieldIndex("se")) ? Double.NaN : r.<Double>getAs("se")));
      }
      events.sort((a, b) -> Integer.compare(a.e(), b.e()));
      cov = EventCovariance.ofCs(events, tables.get(CallawaySantAnna.COVARIANCE).collectAsList());
    } else {
      String att = estimator.equals("twfe") ? "treat_post" : "ATT";
      String prefix = estimator.equals("sun-abraham") ? "rel::" : "tau::";
      est = Double.NaN;
      se = Double.NaN;
      for (Row r : tables.get("coefficients").collectAsList()) {
        String term = r.getAs("term");
        if (term.equals(att)) {
          est = r.getAs("estimate");
          se = r.getAs("se");
        } else if (term.startsWith(prefix)) {
          events.add(new RingEstimate.EventTerm(Integer.parseInt(term.substring(prefix.length())), r.getAs("estimate"), r.getAs("se")));
        }
      }
      events.sort((a, b) -> Integer.compare(a.e(), b.e()));
    }
    double df = df(estimator, counts);
    return RingEstimate.student(family, outcome, estimator, band, est, se, df, events, counts, cov);
  }

  /** One outcome's bins estimated jointly: every bin's estimate and the sup-t critical value of a band uniform over them. */
  public record JointBins(List<RingEstimate> bins, double uniformCrit) {}

  /** Draws of the sup-t critical value ({@link Inference#supTCritical}) and their seed. */
  static final int SUP_T_DRAWS = 100_000;
  static final long SUP_T_SEED = 20240601L;

  /**
   * Imputation over all bins of {@code sub} (one outcome: the treated units of every bin and the
   * comparison units, bin in column band) from one first stage: unit and year effects fitted on every
   * untreated row (comparison units and each treated unit's years before entry), each bin's ATT the
   * mean imputed effect of its treated unit-years (the library's group::bin terms), their joint
   * covariance giving the sup-t band uniform over the bins (Bonferroni when it is singular), each bin
   * with its own degrees of freedom ({@link #df}). {@code counts}: band -> the bin's treated and the
   * comparison units.
   */
  public JointBins estimateBins(String family, String outcome, Dataset<Row> sub, Map<Integer, RingEstimate.Counts> counts) {
    DidSpec spec = spec("imputation").toBuilder().group("band").build();
    Map<String, Dataset<Row>> tables = Estimators.byName("imputation").estimate(sub, spec).tables();
    Map<String, double[]> byTerm = new HashMap<>();
    for (Row r : tables.get("coefficients").collectAsList()) {
      byTerm.put(r.getAs("term"), new double[] {r.<Double>getAs("estimate"), r.<Double>getAs("se")});
    }
    List<String> terms = new ArrayList<>();
    List<RingEstimate> bins = new ArrayList<>();
    for (Map.Entry<Integer, RingEstimate.Counts> e : new TreeMap<>(counts).entrySet()) {
      String term = BorusyakJaravelSpiess.GROUP_PREFIX + e.getKey();
      double[] v = byTerm.get(term);
      if (v == null) {
        continue;
      }
      terms.add(term);
      bins.add(RingEstimate.student(family, outcome, "imputation", e.getKey(), v[0], v[1], df("imputation", e.getValue()), List.of(),
          e.getValue(), null));
    }
    double[][] cov = new double[terms.size()][terms.size()];
    for (Row r : tables.get(BorusyakJaravelSpiess.COVARIANCE).collectAsList()) {
      int a = terms.indexOf(r.<String>getAs("row_term"));
      int b = terms.indexOf(r.<String>getAs("col_term"));
      if (a >= 0 && b >= 0) {
        cov[a][b] = r.getAs("value");
      }
    }
    double[] df = bins.stream().mapToDouble(RingEstimate::df).toArray();
    return new JointBins(bins, terms.isEmpty() ? Double.NaN : Inference.supTCritical(cov, 0.95, SUP_T_SEED, SUP_T_DRAWS, df));
  }
}
