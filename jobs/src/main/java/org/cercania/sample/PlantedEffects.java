package org.cercania.sample;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The effects planted in the sample and the record of them (the truth table).
 *
 * <p>By default (step profile) a unit whose nearest open center lies in the inner ring gets the
 * full effect of an outcome, in the second ring half of it, in the third a quarter, beyond nothing;
 * with the exponential profile exp(-d / decay) of it up to the reach ({@link EffectProfile}); a
 * district with an open center gets the full effect. Constant mode: that effect from the first year on. Dynamic mode:
 * multiplied by (1 + 0.2 e) (1 + (2014 - c) / 20), e the years since the nearest center opened
 * and c its opening year, so effects grow with exposure and earlier cohorts gain more (the case
 * where two-way fixed effects is biased).
 */
final class PlantedEffects {
  static final double[] RING_SHARE = {1.0, 0.5, 0.25};

  private final Map<String, Double> size;
  private final boolean dynamic;
  private final EffectProfile profile;
  /** (family, outcome, term, cohort, year) -> {sum of effects, units}. */
  private final Map<String, double[]> truth = new TreeMap<>();

  PlantedEffects(Map<String, Double> size, boolean dynamic, EffectProfile profile) {
    this.size = size;
    this.dynamic = dynamic;
    this.profile = profile;
  }

  double size(String outcome) {
    Double s = size.get(outcome);
    if (s == null) {
      throw new IllegalStateException("no planted effect size for outcome " + outcome + " (cercania.sample.effect_sizes)");
    }
    return s;
  }

  /**
   * Multiplier of the effect in year t for a unit in ring (0-based) at {@code metres} from its
   * nearest open center, which first counted as open in openYear (profile: {@link EffectProfile}).
   */
  double multiplier(int ring, double metres, int year, int openYear) {
    double m = profile.share(ring, metres);
    if (m == 0) {
      return 0;
    }
    if (dynamic) {
      m *= (1 + 0.2 * (year - openYear)) * (1 + (2014 - openYear) / 20.0);
    }
    return m;
  }

  /**
   * The effect on {@code outcome} of a unit in ring (0-based, -1 beyond the third) at {@code metres}
   * from its nearest open center (districts: ring 0 when a center is in the district, metres 0),
   * recorded in the truth table under the ring and the unit's cohort when the unit is in a ring.
   */
  double effect(String family, String outcome, int ring, double metres, int year, int openYear, int cohort) {
    double e = size(outcome) * multiplier(ring, metres, year, openYear);
    if (ring >= 0) {
      record(family, outcome, "ring" + (ring + 1), cohort, year, e);
    }
    return e;
  }

  /**
   * Adds one unit-year's planted effect to the truth table under {@code term}: the current ring
   * (ring1..ring3, cohort = the inner-ring cohort) or the distance band a unit entered exposure in
   * (band_LO_HI in metres, cohort = the entry year; see SampleGenerator), pre-entry years included.
   */
  void record(String family, String outcome, String term, int cohort, int year, double effect) {
    String key = String.join("\u0000", family, outcome, term, String.valueOf(cohort), String.valueOf(year));
    double[] t = truth.computeIfAbsent(key, k -> new double[2]);
    t[0] += effect;
    t[1] += 1;
  }

  void writeTruth(Writer w) throws IOException {
    w.write("family,outcome,term,cohort,year,effect,units\n");
    for (Map.Entry<String, double[]> e : truth.entrySet()) {
      String[] k = e.getKey().split("\u0000");
      w.write(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%.10g,%d%n", k[0], k[1], k[2], k[3], k[4],
          e.getValue()[0] / e.getValue()[1], (long) e.getValue()[1]));
    }
  }
}
