package org.cercania.panel;

import java.util.List;
import java.util.Locale;

/** The study's outcomes: family (which units carry them), whether a null effect is expected, and what they measure. */
public enum Outcome {
  LOG_ENROLLMENT("school", false, "log of students enrolled"),
  ATTENDANCE_RATE("school", false, "share of school days attended"),
  PASS_RATE("school", false, "share of students promoted"),
  DROPOUT_RATE("school", false, "share of students who dropped out"),
  TEST_SCORE("school", false, "mean standardised test score"),
  DV_PHYSICAL("survey", false, "physical or sexual violence by a partner in the last 12 months (0/1)"),
  DV_EMOTIONAL("survey", false, "emotional violence by a partner in the last 12 months (0/1)"),
  FEMICIDE_RATE("district", false, "women's deaths from assault per 100,000 women"),
  ASSAULT_HOSP_RATE_WOMEN("district", false, "women's hospitalisations for assault (ICD-10 X85-Y09) per 100,000 women"),
  MENTAL_HEALTH_RATE_WOMEN("district", false, "women's mental-health hospitalisations (ICD-10 F00-F99) per 100,000 women"),
  MENTAL_HEALTH_RATE_MEN("district", true, "men's mental-health hospitalisations per 100,000 men (placebo)"),
  ECONOMIC_CRIME_RATE("district", true, "economic crimes reported per 100,000 people (placebo)");

  public static final List<String> FAMILIES = List.of("school", "survey", "district");

  private final String family;
  private final boolean placebo;
  private final String description;

  Outcome(String family, boolean placebo, String description) {
    this.family = family;
    this.placebo = placebo;
    this.description = description;
  }

  /** The outcome's name in tables (lower case). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String family() {
    return family;
  }

  public boolean placebo() {
    return placebo;
  }

  public String description() {
    return description;
  }

  public static Outcome byId(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
