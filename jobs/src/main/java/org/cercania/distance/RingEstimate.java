package org.cercania.distance;

import java.util.List;
import org.cercania.did.Inference;

/**
 * One estimator's answer for one outcome and band: the overall ATT with its standard error, the
 * degrees of freedom of its reference distribution (Student t; infinite for the normal) and the
 * critical value its interval uses, the event-time coefficients (empty for a static estimator),
 * how many units, treated units, clusters and treated units' clusters identify it, the planted truth
 * when known, and (Sun-Abraham, cs) the event study's full covariance for HonestDiD.
 */
public record RingEstimate(String family, String outcome, String estimator, int band, double estimate, double se, double df,
    double crit, double pValue, List<EventTerm> events, Counts counts, Double truth, EventCovariance eventCovariance) {

  /** Units in the estimation, treated units, clusters of all of them, and clusters of the treated units. */
  public record Counts(long units, long treated, long clusters, long treatedClusters) {}

  /** An estimate without an event-study covariance. */
  public RingEstimate(String family, String outcome, String estimator, int band, double estimate, double se, double df,
      double crit, double pValue, List<EventTerm> events, Counts counts, Double truth) {
    this(family, outcome, estimator, band, estimate, se, df, crit, pValue, events, counts, truth, null);
  }

  /**
   * An estimate whose 95% interval and p-value come from Student t with {@code df} degrees of freedom
   * (the normal when infinite); no planted truth yet.
   */
  public static RingEstimate student(String family, String outcome, String estimator, int band, double estimate, double se,
      double df, List<EventTerm> events, Counts counts, EventCovariance eventCovariance) {
    return new RingEstimate(family, outcome, estimator, band, estimate, se, df, Inference.studentQuantile(df, 0.975),
        Inference.studentPValue(estimate, se, df), events, counts, null, eventCovariance);
  }

  /** The same estimate with the planted truth of its band (synthetic studies). */
  public RingEstimate withTruth(Double t) {
    return new RingEstimate(family, outcome, estimator, band, estimate, se, df, crit, pValue, events, counts, t, eventCovariance);
  }

  /** One event-time coefficient (event time e = year - entry year). */
  public record EventTerm(int e, double estimate, double se) {}

  public long units() {
    return counts.units();
  }

  public long treated() {
    return counts.treated();
  }

  public long clusters() {
    return counts.clusters();
  }

  public double confLow() {
    return estimate - crit * se;
  }

  public double confHigh() {
    return estimate + crit * se;
  }
}
