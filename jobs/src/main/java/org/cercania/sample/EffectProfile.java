package org.cercania.sample;

import org.cercania.errors.Errors;

/**
 * How the sample's planted effect of a point unit (school, survey cluster) falls with the distance
 * d to its nearest open center (cercania.sample.effect_profile). {@code steps}: the full effect in
 * the inner treatment ring, half in the second, a quarter in the third, nothing beyond (the
 * sample's historical shape). {@code exponential}: exp(-d / decay_km) of the full effect while d is
 * at most reach_km, nothing beyond (a smooth decay with a known reach, for the distance curve).
 */
public record EffectProfile(String shape, double decayKm, double reachKm) {
  public static final EffectProfile STEPS = new EffectProfile("steps", 0, 0);

  public EffectProfile {
    if (!shape.equals("steps") && !shape.equals("exponential")) {
      throw Errors.badSetting("cercania.sample.effect_profile.shape", shape, "steps or exponential");
    }
    if (shape.equals("exponential") && !(decayKm > 0 && reachKm > 0)) {
      throw Errors.badSetting("cercania.sample.effect_profile", "decay_km = " + decayKm + ", reach_km = " + reachKm,
          "both positive for an exponential profile");
    }
  }

  public boolean exponential() {
    return shape.equals("exponential");
  }

  /**
   * Share of the full effect at {@code metres} from the nearest open center whose treatment ring
   * (0-based, -1 beyond the third) is {@code ring}.
   */
  public double share(int ring, double metres) {
    if (exponential()) {
      return metres <= reachKm * 1000 ? Math.exp(-metres / (decayKm * 1000)) : 0;
    }
    return ring < 0 ? 0 : PlantedEffects.RING_SHARE[ring];
  }
}
