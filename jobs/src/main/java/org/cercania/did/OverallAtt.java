package org.cercania.did;

/**
 * An estimator's overall average treatment effect on the treated, with its standard error (NaN
 * when the estimator gives none), 95% interval, p-value and the number of observations it used.
 * {@code what} says which of the estimator's rows it is (e.g. "simple aggregation of ATT(g,t)").
 */
public record OverallAtt(String what, double estimate, double se, double lower, double upper, double pValue, long n) {

  /** Student t with G-1 degrees of freedom, as fixest reports clustered estimates. */
  public static OverallAtt studentT(String what, double estimate, double se, long n, long clusters) {
    double t = Inference.tQuantile(clusters, 0.975);
    return new OverallAtt(what, estimate, se, estimate - t * se, estimate + t * se, Inference.pValue(estimate, se, clusters), n);
  }

  /** Normal approximation, as R did and didimputation report. */
  public static OverallAtt normal(String what, double estimate, double se, long n) {
    double z = Inference.Z95;
    return new OverallAtt(what, estimate, se, estimate - z * se, estimate + z * se, Inference.normalPValue(estimate, se), n);
  }

  /** A point estimate without inference (e.g. the Goodman-Bacon decomposition's coefficient). */
  public static OverallAtt pointOnly(String what, double estimate, long n) {
    return new OverallAtt(what, estimate, Double.NaN, Double.NaN, Double.NaN, Double.NaN, n);
  }
}
