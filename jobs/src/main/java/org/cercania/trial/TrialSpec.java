package org.cercania.trial;

import java.util.List;

/**
 * What {@code trial estimate} needs to know about the panel: its columns, the baseline period and the
 * specification. {@code ancova} false: woman and month fixed effects, arm x post regressors;
 * {@code ancova} true: follow-up rows only, outcome on arms, the woman's baseline outcome, covariates and
 * month effects.
 */
public record TrialSpec(String unit, String cluster, String time, String arm, List<String> outcomes, List<String> covariates,
    int baseline, boolean ancova) {
  public String label() {
    return ancova ? "ancova" : "fixed-effects";
  }
}
