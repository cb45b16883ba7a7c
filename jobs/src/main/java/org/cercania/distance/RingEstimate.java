package org.cercania.distance;

import java.util.List;

/**
 * One estimator's answer for one outcome and band: the overall ATT with its standard error and the
 * critical value its interval uses, the event-time coefficients (empty for a static estimator),
 * how many units, treated units and clusters identify it, the planted truth when known, and (Sun-Abraham)
 * the event study's full covariance for HonestDiD.
 */
public record RingEstimate(String family, String outcome, String estimator, int band, double estimate, double se, double crit,
    double pValue, List<EventTerm> events, long units, long treated, long clusters, Double truth, EventCovariance eventCovariance) {

  /** An estimate without an event-study covariance. */
  public RingEstimate(String family, String outcome, String estimator, int band, double estimate, double se, double crit,
      double pValue, List<EventTerm> events, long units, long treated, long clusters, Double truth) {
    this(family, outcome, estimator, band, estimate, se, crit, pValue, events, units, treated, clusters, truth, null);
  }

  /** The same estimate with the planted truth of its band (synthetic studies). */
  public RingEstimate withTruth(Double t) {
    return new RingEstimate(family, outcome, estimator, band, estimate, se, crit, pValue, events, units, treated, clusters, t, eventCovariance);
  }

  /** One event-time coefficient (event time e = year - entry year). */
  public record EventTerm(int e, double estimate, double se) {}

  public double confLow() {
    return estimate - crit * se;
  }

  public double confHigh() {
    return estimate + crit * se;
  }
}
