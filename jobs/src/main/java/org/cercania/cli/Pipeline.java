package org.cercania.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.did.DidSpec;
import org.cercania.did.SeConvention;
import org.cercania.distance.DistanceCurve;
import org.cercania.distance.DistanceJob;
import org.cercania.distance.RingDesign;
import org.cercania.distance.RingEffects;
import org.cercania.distance.RingEstimate;
import org.cercania.errors.Errors;
import org.cercania.estimate.EstimateJob;
import org.cercania.estimate.Truth;
import org.cercania.exposure.ExposureJob;
import org.cercania.ingest.CemSchedule;
import org.cercania.ingest.IngestJob;
import org.cercania.ingest.SourceOptions;
import org.cercania.panel.PanelJob;
import org.cercania.publish.PublishJob;
import org.cercania.sample.SampleGenerator;

/** Each pipeline stage as a call on the run's settings: what the stage commands and {@code run} execute. */
final class Pipeline {
  private Pipeline() {}

  static void ingest(Settings s, SparkSession spark, String runId, Map<String, String> files) {
    ingest(s, spark, runId, files, Map.of(), null, Map.of());
  }

  /**
   * {@code formats}, {@code encoding} and {@code crs}: what the command line gives (--<source>-format,
   * --encoding for every text source, --<source>-crs), over the study's.
   */
  static void ingest(Settings s, SparkSession spark, String runId, Map<String, String> files, Map<String, String> formats,
      String encoding, Map<String, String> crs) {
    if (files.isEmpty()) {
      throw Errors.usage("no input given; pass --<source> FILE or a --study whose cercania.inputs name files");
    }
    new IngestJob(spark, s.string("cercania.out"), runId, s.number("cercania.ingest.max_reject_rate"))
        .run(files, sourceOptions(s, formats, encoding, crs));
  }

  /**
   * How each source is read (cercania.ingest.sources.<source>): format (csv, geojson; default by
   * extension), columns (contract column = file column), generated_ids, and schedule { counts, seed }
   * for simulated opening dates.
   */
  static Map<String, SourceOptions> sourceOptions(Settings s, Map<String, String> formats, String encoding,
      Map<String, String> crs) {
    Map<String, SourceOptions> out = new LinkedHashMap<>();
    for (String src : IngestJob.ORDER) {
      String base = "cercania.ingest.sources." + src;
      String format = formats.get(src);
      if (format == null && s.has(base + ".format")) {
        format = s.string(base + ".format");
      }
      if (format != null && !SourceOptions.FORMATS.contains(format)) {
        throw Errors.badOptionValue("--" + src.replace('_', '-') + "-format", format, String.join(", ", SourceOptions.FORMATS));
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
      SourceOptions.PopulationSplit split = null;
      if (s.has(base + ".split.years")) {
        Map<Integer, String> years = new LinkedHashMap<>();
        for (String y : s.raw().getConfig(base + ".split.years").root().keySet()) {
          years.put(Integer.parseInt(y), s.string(base + ".split.years.\"" + y + "\""));
        }
        split = new SourceOptions.PopulationSplit(years, s.number(base + ".split.women_share"));
      }
      String enc = encoding != null ? encoding : s.has(base + ".encoding") ? s.string(base + ".encoding") : null;
      String srcCrs = crs.containsKey(src) ? crs.get(src) : s.has(base + ".crs") ? s.string(base + ".crs") : null;
      out.put(src, new SourceOptions(format, columns, ids, schedule, split).reading(enc, srcCrs));
    }
    return out;
  }

  static void exposure(Settings s, SparkSession spark) {
    new ExposureJob(spark, s.string("cercania.out"), ExposureJob.spec(s)).run();
  }

  static void panel(Settings s, SparkSession spark) {
    Map<String, List<String>> families = new LinkedHashMap<>();
    for (String f : s.raw().getConfig("cercania.hospitalizations.families").root().keySet()) {
      families.put(f, s.strings("cercania.hospitalizations.families." + f));
    }
    new PanelJob(spark, s.string("cercania.out"), ExposureJob.spec(s), s.numbers("cercania.exposure.treatment_rings_km"),
        families).run();
  }

  static void estimate(Settings s, SparkSession spark) {
    String truthFile = truthFile(s);
    Truth truth = truthFile == null ? null : Truth.read(spark, truthFile);
    new EstimateJob(spark, s.string("cercania.out"), s.integer("cercania.estimate.event_min"),
        s.integer("cercania.estimate.event_max"), SeConvention.parse(s.string("cercania.estimate.se_convention")), truth).run();
    distance(s, spark, truth);
  }

  /** Effects by distance band (cercania.distance); returns every estimate. */
  static List<RingEstimate> distance(Settings s, SparkSession spark, Truth truth) {
    String robust = s.string("cercania.distance.estimator");
    if (!RingEffects.ROBUST.contains(robust)) {
      throw Errors.badSetting("cercania.distance.estimator", robust, "one of " + RingEffects.ROBUST);
    }
    List<String> estimators = new ArrayList<>(List.of(robust));
    for (String e : s.strings("cercania.distance.compare")) {
      if (!RingEffects.ROBUST.contains(e) && !e.equals("twfe")) {
        throw Errors.badSetting("cercania.distance.compare", e, "twfe or one of " + RingEffects.ROBUST);
      }
      if (!estimators.contains(e)) {
        estimators.add(e);
      }
    }
    String control = s.string("cercania.distance.control");
    if (!control.equals("never") && !control.equals("not_yet")) {
      throw Errors.badSetting("cercania.distance.control", control, "never or not_yet");
    }
    RingDesign design = new RingDesign(s.numbers("cercania.distance.edges_km"), s.number("cercania.distance.cutoff_km"));
    RingEffects effects = new RingEffects(control.equals("never") ? DidSpec.ControlGroup.NEVER : DidSpec.ControlGroup.NOT_YET);
    DistanceCurve curve = s.flag("cercania.distance.curve.enabled") ? new DistanceCurve(s.string("cercania.distance.curve.estimator"),
        s.integer("cercania.distance.curve.max_bins"), SampleGenerator.GRID_M) : null;
    return new DistanceJob(spark, s.string("cercania.out"), design, effects, estimators, truth, curve).run();
  }

  static void publish(Settings s, SparkSession spark) {
    new PublishJob(spark, s.string("cercania.out"), truthFile(s)).run();
  }

  private static String truthFile(Settings s) {
    String t = s.has("cercania.inputs.truth") ? s.string("cercania.inputs.truth") : "";
    return t.isBlank() ? null : t;
  }

  /** The source files a study names (cercania.inputs.*), in ingest order. */
  static Map<String, String> studyInputs(Settings s) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String src : IngestJob.ORDER) {
      String path = "cercania.inputs." + src;
      if (s.has(path) && !s.string(path).isBlank()) {
        files.put(src, s.string(path));
      }
    }
    return files;
  }
}
