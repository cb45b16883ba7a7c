package org.cercania.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cercania.config.Settings;
import org.cercania.did.DidSpec;
import org.cercania.did.SeConvention;
import org.cercania.distance.DistanceCurve;
import org.cercania.distance.RingDesign;
import org.cercania.distance.RingEffects;
import org.cercania.errors.Errors;
import org.cercania.exposure.ExposureSpec;
import org.cercania.ingest.CemSchedule;
import org.cercania.ingest.IngestJob;
import org.cercania.ingest.SourceOptions;
import org.cercania.io.RunLayout;
import org.cercania.sample.SampleGenerator;

/**
 * Every stage's settings, typed, read from the HOCON layers in this one place: stages take these
 * values and never read {@link Settings} themselves, and a bad value is reported by its setting path.
 */
record StageSettings(
    RunLayout layout,
    String study,
    Map<String, String> inputs,
    String truthFile,
    double maxRejectRate,
    double maxVolumeDrop,
    ExposureSpec exposure,
    List<Double> treatmentRingsKm,
    Map<String, List<String>> icdFamilies,
    int eventMin,
    int eventMax,
    SeConvention seConvention,
    long minCellUnits,
    boolean alwaysCurrent,
    Distance distance) {

  /**
   * cercania.distance: the estimators by band (the robust one first, then the comparisons), the
   * bands, the comparison group and the distance curve (null when disabled).
   */
  record Distance(List<String> estimators, RingDesign rings, RingEffects effects, DistanceCurve curve) {}

  static StageSettings of(Settings s) {
    String truth = s.has("cercania.inputs.truth") ? s.string("cercania.inputs.truth") : "";
    return new StageSettings(new RunLayout(s.string("cercania.out")), s.has("cercania.study") ? s.string("cercania.study") : "",
        inputs(s), truth.isBlank() ? null : truth, s.number("cercania.ingest.max_reject_rate"),
        s.number("cercania.ingest.max_volume_drop"), exposure(s),
        s.numbers("cercania.exposure.treatment_rings_km"), icdFamilies(s), s.integer("cercania.estimate.event_min"),
        s.integer("cercania.estimate.event_max"), seConvention(s), s.longValue("cercania.publish.min_cell_units"),
        publishCurrent(s), distance(s));
  }

  private static Distance distance(Settings s) {
    String robust = s.string("cercania.distance.estimator");
    if (!RingEffects.ROBUST.contains(robust)) {
      throw Errors.badSetting("cercania.distance.estimator", robust, "one of " + RingEffects.ROBUST);
    }
    List<String> estimators = new ArrayList<>(List.of(robust));
    for (String e : ringEstimators(s, "cercania.distance.compare")) {
      if (!estimators.contains(e)) {
        estimators.add(e);
      }
    }
    String control = s.string("cercania.distance.control");
    if (!control.equals("never") && !control.equals("not_yet")) {
      throw Errors.badSetting("cercania.distance.control", control, "never or not_yet");
    }
    RingDesign rings = new RingDesign(s.numbers("cercania.distance.edges_km"), s.number("cercania.distance.cutoff_km"));
    RingEffects effects = new RingEffects(control.equals("never") ? DidSpec.ControlGroup.NEVER : DidSpec.ControlGroup.NOT_YET,
        s.flag("cercania.distance.imputation_leave_one_out"), s.flag("cercania.distance.cs_cr2"),
        Set.copyOf(ringEstimators(s, "cercania.distance.treated_clusters_df")));
    DistanceCurve curve = s.flag("cercania.distance.curve.enabled") ? new DistanceCurve(s.string("cercania.distance.curve.estimator"),
        s.integer("cercania.distance.curve.max_bins"), SampleGenerator.GRID_M) : null;
    return new Distance(List.copyOf(estimators), rings, effects, curve);
  }

  /** The estimators setting {@code path} names, each twfe or a robust one (a usage error otherwise). */
  private static List<String> ringEstimators(Settings s, String path) {
    List<String> names = s.strings(path);
    for (String e : names) {
      if (!RingEffects.ROBUST.contains(e) && !e.equals("twfe")) {
        throw Errors.badSetting(path, e, "twfe or one of " + RingEffects.ROBUST);
      }
    }
    return names;
  }

  /** The sources that carry outcomes; districts, population and centers only give exposure and denominators. */
  static final List<String> OUTCOME_SOURCES = List.of("school_years", "survey", "femicides", "hospitalizations");

  /**
   * Fails before any stage starts when the study names no outcome source: ingest and exposure would
   * run, and the estimate stage would then find nothing to estimate.
   */
  void requireOutcomeInputs() {
    if (inputs.keySet().stream().noneMatch(OUTCOME_SOURCES::contains)) {
      throw Errors.usage((study.isEmpty() ? "the study" : "study '" + study + "'") + " names no outcome source: its cercania.inputs are "
          + (inputs.isEmpty() ? "empty" : String.join(", ", inputs.keySet())) + ", none of " + String.join(", ", OUTCOME_SOURCES)
          + "; there would be nothing to estimate. Add one to the study or give it with --set cercania.inputs.SOURCE=FILE");
    }
  }

  /** The source files a study names (cercania.inputs.*), in ingest order. */
  private static Map<String, String> inputs(Settings s) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String src : IngestJob.ORDER) {
      String path = "cercania.inputs." + src;
      if (s.has(path) && !s.string(path).isBlank()) {
        files.put(src, s.string(path));
      }
    }
    return files;
  }

  /** cercania.years and cercania.exposure. */
  private static ExposureSpec exposure(Settings s) {
    try {
      return new ExposureSpec(s.integer("cercania.years.from"), s.integer("cercania.years.to"),
          s.numbers("cercania.exposure.radii_km"), s.integer("cercania.exposure.reference_month"),
          s.integer("cercania.exposure.reference_day"));
    } catch (IllegalArgumentException e) {
      throw Errors.badSetting("cercania.exposure", s.raw().getConfig("cercania.exposure").root().render(), e.getMessage());
    }
  }

  private static Map<String, List<String>> icdFamilies(Settings s) {
    Map<String, List<String>> families = new LinkedHashMap<>();
    for (String f : s.raw().getConfig("cercania.hospitalizations.families").root().keySet()) {
      families.put(f, s.strings("cercania.hospitalizations.families." + f));
    }
    return families;
  }

  /** cercania.publish.current: always (every published run becomes CURRENT) or auto (not a backfill). */
  private static boolean publishCurrent(Settings s) {
    String v = s.string("cercania.publish.current");
    if (!v.equals("auto") && !v.equals("always")) {
      throw Errors.badSetting("cercania.publish.current", v, "auto or always");
    }
    return v.equals("always");
  }

  private static SeConvention seConvention(Settings s) {
    String value = s.string("cercania.estimate.se_convention");
    for (SeConvention c : SeConvention.values()) {
      if (c.label().equals(value)) {
        return c;
      }
    }
    throw Errors.badSetting("cercania.estimate.se_convention", value,
        "one of " + String.join(", ", Arrays.stream(SeConvention.values()).map(SeConvention::label).toList()));
  }

  /**
   * How each source is read (cercania.ingest.sources.SOURCE: format, encoding, crs, columns,
   * generated_ids, schedule, split), with what the command line gives (--SOURCE-format, --encoding,
   * --SOURCE-crs) winning over the study.
   */
  static Map<String, SourceOptions> sourceOptions(Settings s, Map<String, String> formats, String encoding,
      Map<String, String> crs) {
    Map<String, SourceOptions> out = new LinkedHashMap<>();
    for (String src : IngestJob.ORDER) {
      String base = "cercania.ingest.sources." + src;
      String format = formats.containsKey(src) ? formats.get(src) : optional(s, base + ".format");
      if (format != null && !SourceOptions.FORMATS.contains(format)) {
        throw formats.containsKey(src)
            ? Errors.badOptionValue("--" + src.replace('_', '-') + "-format", format, String.join(", ", SourceOptions.FORMATS))
            : Errors.badSetting(base + ".format", format, String.join(", ", SourceOptions.FORMATS));
      }
      Map<String, String> columns = new LinkedHashMap<>();
      if (s.has(base + ".columns")) {
        for (String c : s.raw().getConfig(base + ".columns").root().keySet()) {
          columns.put(c, s.string(base + ".columns." + c));
        }
      }
      boolean ids = s.has(base + ".generated_ids") && s.flag(base + ".generated_ids");
      CemSchedule schedule = s.has(base + ".schedule.counts")
          ? CemSchedule.fromCounts(s.string(base + ".schedule.counts"), s.longValue(base + ".schedule.seed")) : null;
      String enc = encoding != null ? encoding : optional(s, base + ".encoding");
      String srcCrs = crs.containsKey(src) ? crs.get(src) : optional(s, base + ".crs");
      out.put(src, new SourceOptions(format, columns, ids, schedule, populationSplit(s, base)).reading(enc, srcCrs));
    }
    return out;
  }

  private static SourceOptions.PopulationSplit populationSplit(Settings s, String base) {
    if (!s.has(base + ".split.years")) {
      return null;
    }
    Map<Integer, String> years = new LinkedHashMap<>();
    for (String y : s.raw().getConfig(base + ".split.years").root().keySet()) {
      years.put(Integer.parseInt(y), s.string(base + ".split.years.\"" + y + "\""));
    }
    return new SourceOptions.PopulationSplit(years, s.number(base + ".split.women_share"));
  }

  private static String optional(Settings s, String path) {
    return s.has(path) ? s.string(path) : null;
  }
}
