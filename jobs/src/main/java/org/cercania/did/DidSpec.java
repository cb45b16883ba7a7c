package org.cercania.did;

import java.io.Serializable;
import java.util.List;

/**
 * What to estimate on a panel: its column names and the estimator's options. Built with
 * {@link #builder(String, String, String, String)}; the same spec drives every estimator, each
 * reading the options that apply to it. Cohort 0 or null means never treated.
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
    String method,
    BasePeriod basePeriod,
    int anticipation,
    boolean repeatedCrossSection,
    int bootstrap,
    long seed,
    Integer eventMin,
    Integer eventMax,
    String seConvention) implements Serializable {

  public enum ControlGroup { NEVER, NOT_YET }

  public enum BasePeriod { VARYING, UNIVERSAL }

  public static Builder builder(String unit, String time, String cohort, String outcome) {
    return new Builder(unit, time, cohort, outcome);
  }

  /** The column that clusters standard errors: the cluster column if given, else the unit. */
  public String clusterColumn() {
    return cluster == null ? unit : cluster;
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
    b.seConvention = seConvention;
    return b;
  }

  /** Builder with the reference packages' defaults (never-treated controls, varying base, dr). */
  public static final class Builder {
    private final String unit;
    private final String time;
    private final String cohort;
    private final String outcome;
    private String cluster;
    private String weights;
    private ControlGroup control = ControlGroup.NEVER;
    private List<String> covariates = List.of();
    private String method = "dr";
    private BasePeriod basePeriod = BasePeriod.VARYING;
    private int anticipation;
    private boolean repeatedCrossSection;
    private int bootstrap;
    private long seed = 1L;
    private Integer eventMin;
    private Integer eventMax;
    private String seConvention = "fixest_default";

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
    public Builder method(String m) { this.method = m; return this; }
    public Builder basePeriod(BasePeriod b) { this.basePeriod = b; return this; }
    public Builder anticipation(int a) { this.anticipation = a; return this; }
    public Builder repeatedCrossSection(boolean r) { this.repeatedCrossSection = r; return this; }
    public Builder bootstrap(int n) { this.bootstrap = n; return this; }
    public Builder seed(long s) { this.seed = s; return this; }
    public Builder eventWindow(Integer min, Integer max) { this.eventMin = min; this.eventMax = max; return this; }
    public Builder seConvention(String s) { this.seConvention = s; return this; }

    public DidSpec build() {
      return new DidSpec(unit, time, cohort, outcome, cluster, weights, control, covariates, method, basePeriod,
          anticipation, repeatedCrossSection, bootstrap, seed, eventMin, eventMax, seConvention);
    }
  }
}
