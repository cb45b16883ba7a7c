package org.cercania.sample;

import java.util.List;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;

/**
 * Sizes and switches of the synthetic sample. Defaults come from {@code cercania.sample} in the
 * settings (conf/studies/sample.conf); the sample command's flags override them.
 */
public record SampleSpec(
    long seed,
    int districts,
    int centers,
    int schools,
    int surveyClusters,
    int respondentsPerCluster,
    boolean dynamicEffects,
    int fromYear,
    int toYear,
    List<Double> ringsKm,
    int referenceMonth,
    int referenceDay,
    List<Double> bandEdgesKm,
    double cutoffKm,
    EffectProfile profile) {

  /** A spec with the step profile (full effect, half, a quarter by treatment ring). */
  public SampleSpec(long seed, int districts, int centers, int schools, int surveyClusters, int respondentsPerCluster,
      boolean dynamicEffects, int fromYear, int toYear, List<Double> ringsKm, int referenceMonth, int referenceDay,
      List<Double> bandEdgesKm, double cutoffKm) {
    this(seed, districts, centers, schools, surveyClusters, respondentsPerCluster, dynamicEffects, fromYear, toYear, ringsKm,
        referenceMonth, referenceDay, bandEdgesKm, cutoffKm, EffectProfile.STEPS);
  }

  public SampleSpec {
    if (districts < 24) {
      throw Errors.badOptionValue("--districts", String.valueOf(districts), "at least 24 (one per department)");
    }
    if (centers < 1 || centers > districts * 4) {
      throw Errors.badOptionValue("--centers", String.valueOf(centers), "between 1 and 4 x districts");
    }
    if (schools < 0 || surveyClusters < 0 || respondentsPerCluster < 0) {
      throw Errors.usage("sample sizes must not be negative");
    }
    if (fromYear > toYear) {
      throw Errors.badSetting("cercania.years", fromYear + ".." + toYear, "from <= to");
    }
    if (ringsKm.size() != 3) {
      throw Errors.badSetting("cercania.exposure.treatment_rings_km", ringsKm.toString(), "three increasing radii");
    }
  }

  /** The same spec with another seed, sizes and effect mode (the sample command's flags). */
  public SampleSpec with(long seed, int districts, int centers, int schools, int clusters, int respondents, boolean dynamic) {
    return new SampleSpec(seed, districts, centers, schools, clusters, respondents, dynamic, fromYear, toYear, ringsKm,
        referenceMonth, referenceDay, bandEdgesKm, cutoffKm, profile);
  }

  /** The same spec with another effect profile. */
  public SampleSpec with(EffectProfile p) {
    return new SampleSpec(seed, districts, centers, schools, surveyClusters, respondentsPerCluster, dynamicEffects, fromYear, toYear,
        ringsKm, referenceMonth, referenceDay, bandEdgesKm, cutoffKm, p);
  }

  public static SampleSpec fromSettings(Settings s) {
    String mode = s.string("cercania.sample.effects");
    if (!mode.equals("constant") && !mode.equals("dynamic")) {
      throw Errors.badSetting("cercania.sample.effects", mode, "constant or dynamic");
    }
    return new SampleSpec(s.longValue("cercania.sample.seed"), s.integer("cercania.sample.districts"),
        s.integer("cercania.sample.centers"), s.integer("cercania.sample.schools"),
        s.integer("cercania.sample.survey_clusters"), s.integer("cercania.sample.respondents_per_cluster"),
        mode.equals("dynamic"), s.integer("cercania.years.from"), s.integer("cercania.years.to"),
        s.numbers("cercania.exposure.treatment_rings_km"), s.integer("cercania.exposure.reference_month"),
        s.integer("cercania.exposure.reference_day"), s.numbers("cercania.distance.edges_km"),
        s.number("cercania.distance.cutoff_km"), profile(s));
  }

  private static EffectProfile profile(Settings s) {
    String base = "cercania.sample.effect_profile";
    if (!s.has(base + ".shape")) {
      return EffectProfile.STEPS;
    }
    return new EffectProfile(s.string(base + ".shape"), s.has(base + ".decay_km") ? s.number(base + ".decay_km") : 0,
        s.has(base + ".reach_km") ? s.number(base + ".reach_km") : 0);
  }
}
