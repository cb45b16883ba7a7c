package org.cercania.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import org.cercania.config.Settings;
import org.cercania.errors.Errors;
import org.cercania.sample.SampleGenerator;
import org.cercania.sample.SampleSpec;
import org.cercania.trial.TrialSample;

/** {@code cercania sample}: writes the synthetic Peru-like sample (CSV sources + truth) under OUT/sample. */
public final class SampleCommand implements Command {
  @Override
  public String name() {
    return "sample";
  }

  @Override
  public String summary() {
    return "Generate the synthetic sample (districts, centers, schools, survey, district outcomes, planted truth) as CSV under OUT/sample.";
  }

  @Override
  public Options options() {
    return sampleFlags(StudyOptions.add(new Options(name(), "--out DIR [--seed S] [sizes] [--effects constant|dynamic] [--trial]"), "sample"))
        .flag("--trial", "instead, the synthetic police home-visit trial under OUT/trial (stations.csv, panel.csv, truth.csv)");
  }

  /** The sample's size and seed flags (also taken by {@code run --sample}). */
  static Options sampleFlags(Options o) {
    return o.value("--seed", "S", "random seed (default cercania.sample.seed)")
        .value("--districts", "N", "number of districts (default cercania.sample.districts)")
        .value("--centers", "N", "number of centers")
        .value("--schools", "N", "number of schools")
        .value("--survey-clusters", "N", "number of survey clusters")
        .value("--respondents", "N", "respondents per cluster and year")
        .value("--effects", "constant|dynamic", "constant effects (TWFE unbiased) or growing, cohort-specific ones")
        .value("--geography", "synthetic|peru", "synthetic districts and centers, or Peru's real district polygons, population and"
            + " CEM points from cercania.peru.data (default cercania.sample.geography, else synthetic)");
  }

  @Override
  public int run(Options o) {
    if (o.flag("--trial")) {
      long seed = o.longValue("--seed", SampleSpec.fromSettings(StudyOptions.settings(o)).seed());
      TrialSample.write(Paths.get(o.require("--out"), "trial"), seed)
          .forEach((file, rows) -> System.out.println("[sample] wrote " + o.get("--out") + "/trial/" + file + ": rows=" + rows));
      return 0;
    }
    generate(o, StudyOptions.settings(o));
    return 0;
  }

  /** Generates into OUT/sample; used by {@code run --sample} too. */
  static Map<String, Long> generate(Options o, Settings s) {
    SampleSpec d = SampleSpec.fromSettings(s);
    SampleSpec spec = d.with(o.longValue("--seed", d.seed()), o.integer("--districts", d.districts()),
        o.integer("--centers", d.centers()), o.integer("--schools", d.schools()),
        o.integer("--survey-clusters", d.surveyClusters()), o.integer("--respondents", d.respondentsPerCluster()),
        o.get("--effects") == null ? d.dynamicEffects() : parseEffects(o.get("--effects")));
    Path dir = Paths.get(o.require("--out"), "sample");
    return new SampleGenerator(spec, anchors(s), effectSizes(s), peruData(o, s)).write(dir);
  }

  /** The real-geography folder when the sample is on Peru's geography (--geography or cercania.sample.geography), else null. */
  static String peruData(Options o, Settings s) {
    String g = o.get("--geography") != null ? o.get("--geography")
        : s.has("cercania.sample.geography") ? s.string("cercania.sample.geography") : "synthetic";
    if (g.equals("synthetic")) {
      return null;
    }
    if (!g.equals("peru")) {
      throw Errors.badOptionValue("--geography", g, "synthetic or peru");
    }
    String dir = s.has("cercania.peru.data") ? s.string("cercania.peru.data") : "../shared/data/peru";
    if (!Files.isDirectory(Paths.get(dir))) {
      throw Errors.inputMissing(dir + " (Peru's real data folder; give another with --set cercania.peru.data=DIR or CERCANIA_PERU_DATA)");
    }
    return dir;
  }

  /** cercania.sample.rollout_anchors: year to cumulative centers open. */
  static Map<Integer, Integer> anchors(Settings s) {
    Map<Integer, Integer> anchors = new TreeMap<>();
    for (Map.Entry<String, Object> e : s.raw().getConfig("cercania.sample.rollout_anchors").root().unwrapped().entrySet()) {
      anchors.put(Integer.parseInt(e.getKey()), ((Number) e.getValue()).intValue());
    }
    return anchors;
  }

  /** cercania.sample.effect_sizes: outcome to planted inner-ring effect. */
  static Map<String, Double> effectSizes(Settings s) {
    Map<String, Double> sizes = new TreeMap<>();
    for (Map.Entry<String, Object> e : s.raw().getConfig("cercania.sample.effect_sizes").root().unwrapped().entrySet()) {
      sizes.put(e.getKey(), ((Number) e.getValue()).doubleValue());
    }
    return sizes;
  }

  private static boolean parseEffects(String v) {
    if (v.equals("constant") || v.equals("dynamic")) {
      return v.equals("dynamic");
    }
    throw Errors.badOptionValue("--effects", v, "constant or dynamic");
  }
}
