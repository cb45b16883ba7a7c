package org.cercania.did;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.cercania.errors.Errors;

/**
 * What to estimate on a panel: its column names and the estimator's options. Built with
 * {@link #builder(String, String, String, String)}; the same spec drives every estimator, each
 * reading the options that apply to it. Cohort 0 or null means never treated. Errors name the spec's
 * fields ({@code eventMin}, {@code seConventions}, ...): callers map them to their own options.
 */
public record DidSpec(
    String unit,
    String time,
    String cohort,
    String outcome,
    String cluster,
    String weights,
    ControlGroup control,
    List<String> covariates,
    Method method,
    BasePeriod basePeriod,
    int anticipation,
    boolean repeatedCrossSection,
    int bootstrap,
    long seed,
    Integer eventMin,
    Integer eventMax,
    List<SeConvention> seConventions,
    boolean leaveOneOut,
    String group) implements Serializable {

  /** Callaway-Sant'Anna's estimation method (R did's est_method): doubly robust, inverse probability weighting, outcome regression. */
  public enum Method {
    DR, IPW, REG;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String s) {
      return DidSpec.parse(values(), Method::label, "method", s);
    }
  }

  /** Units that serve as controls: never treated only, or also those not yet treated. */
  public enum ControlGroup {
    NEVER, NOT_YET;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ControlGroup parse(String s) {
      return DidSpec.parse(values(), ControlGroup::label, "control", s);
    }
  }

  /** Base period of pre-treatment cells: the previous period (varying) or the last one before treatment (universal). */
  public enum BasePeriod {
    VARYING, UNIVERSAL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static BasePeriod parse(String s) {
      return DidSpec.parse(values(), BasePeriod::label, "basePeriod", s);
    }
  }

  /** The constant whose label is {@code s}, or a spec error naming {@code field} and the labels allowed. */
  static <E> E parse(E[] values, Function<E, String> label, String field, String s) {
    for (E e : values) {
      if (label.apply(e).equals(s)) {
        return e;
      }
    }
    List<String> allowed = Arrays.stream(values).map(label).toList();
    throw Errors.badSpec(field, s, "one of " + String.join(", ", allowed));
  }

  public static Builder builder(String unit, String time, String cohort, String outcome) {
    return new Builder(unit, time, cohort, outcome);
  }

  /** The column that clusters standard errors: the cluster column if given, else the unit. */
  public String clusterColumn() {
    return cluster == null ? unit : cluster;
  }

  /** The convention of single-convention outputs (the pre-trend test, the covariance, the overall ATT): the first requested. */
  public SeConvention mainConvention() {
    return seConventions.get(0);
  }

  public Builder toBuilder() {
    Builder b = new Builder(unit, time, cohort, outcome);
    b.cluster = cluster;
    b.weights = weights;
    b.control = control;
    b.covariates = covariates;
    b.method = method;
    b.basePeriod = basePeriod;
    b.anticipation = anticipation;
    b.repeatedCrossSection = repeatedCrossSection;
    b.bootstrap = bootstrap;
    b.seed = seed;
    b.eventMin = eventMin;
    b.eventMax = eventMax;
    b.seConventions = seConventions;
    b.leaveOneOut = leaveOneOut;
    b.group = group;
    return b;
  }

  /** Builder with the reference packages' defaults (never-treated controls, varying base, dr, fixest's SE convention). */
  public static final class Builder {
    private final String unit;
    private final String time;
    private final String cohort;
    private final String outcome;
    private String cluster;
    private String weights;
    private ControlGroup control = ControlGroup.NEVER;
    private List<String> covariates = List.of();
    private Method method = Method.DR;
    private BasePeriod basePeriod = BasePeriod.VARYING;
    private int anticipation;
    private boolean repeatedCrossSection;
    private int bootstrap;
    private long seed = 1L;
    private Integer eventMin;
    private Integer eventMax;
    private List<SeConvention> seConventions = List.of(SeConvention.FIXEST_DEFAULT);
    private boolean leaveOneOut;
    private String group;

    private Builder(String unit, String time, String cohort, String outcome) {
      this.unit = unit;
      this.time = time;
      this.cohort = cohort;
      this.outcome = outcome;
    }

    public Builder cluster(String c) { this.cluster = c; return this; }
    public Builder weights(String w) { this.weights = w; return this; }
    public Builder control(ControlGroup c) { this.control = c; return this; }
    public Builder covariates(List<String> c) { this.covariates = List.copyOf(c); return this; }
    public Builder method(Method m) { this.method = m; return this; }
    public Builder basePeriod(BasePeriod b) { this.basePeriod = b; return this; }
    public Builder anticipation(int a) { this.anticipation = a; return this; }
    public Builder repeatedCrossSection(boolean r) { this.repeatedCrossSection = r; return this; }
    public Builder bootstrap(int n) { this.bootstrap = n; return this; }
    public Builder seed(long s) { this.seed = s; return this; }
    public Builder eventWindow(Integer min, Integer max) { this.eventMin = min; this.eventMax = max; return this; }
    /** Conventions of the clustered standard errors, the first the main one; one row per convention in coefficient tables. */
    public Builder seConventions(List<SeConvention> s) { this.seConventions = List.copyOf(s); return this; }
    /**
     * Imputation only: BJS's leave-out refinement of the conservative variance (Supplementary
     * Appendix A.9), at the cluster level as the Stata did_imputation's leaveout option computes it
     * (leave-one-out when the cluster is the unit). Off by default, as in R didimputation.
     */
    public Builder leaveOneOut(boolean l) { this.leaveOneOut = l; return this; }
    /**
     * Imputation only: an integer column whose values split the treated observations into groups
     * (a distance bin, a subgroup); the estimate of each group's ATT is added (rows group::value) from
     * the same first stage, with the joint covariance of every reported term (table covariance).
     */
    public Builder group(String g) { this.group = g; return this; }

    public DidSpec build() {
      if (seConventions.isEmpty()) {
        throw Errors.badSpec("seConventions", "[]", "at least one convention");
      }
      if (eventMin != null && eventMax != null && eventMin >= eventMax) {
        throw Errors.badSpec("eventMin", String.valueOf(eventMin), "below eventMax " + eventMax);
      }
      return new DidSpec(unit, time, cohort, outcome, cluster, weights, control, covariates, method, basePeriod,
          anticipation, repeatedCrossSection, bootstrap, seed, eventMin, eventMax, seConventions, leaveOneOut, group);
    }
  }
}
