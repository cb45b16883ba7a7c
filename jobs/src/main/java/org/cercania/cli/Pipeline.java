package org.cercania.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.did.SeConvention;
import org.cercania.errors.Errors;
import org.cercania.estimate.EstimateJob;
import org.cercania.estimate.Truth;
import org.cercania.io.Run;
import org.cercania.exposure.ExposureJob;
import org.cercania.ingest.CemSchedule;
import org.cercania.ingest.IngestJob;
import org.cercania.ingest.SourceOptions;
import org.cercania.panel.PanelJob;
import org.cercania.publish.PublishJob;
import org.cercania.runs.Retention;

/** Each pipeline stage as a call on the run's settings: what the stage commands and {@code run} execute. */
final class Pipeline {
  private Pipeline() {}

  static void ingest(Settings s, SparkSession spark, Run run, Map<String, String> files) {
    ingest(s, spark, run, files, Map.of(), null, Map.of());
  }

  /**
   * {@code formats}, {@code encoding} and {@code crs}: what the command line gives (--<source>-format,
   * --encoding for every text source, --<source>-crs), over the study's.
   */
  static void ingest(Settings s, SparkSession spark, Run run, Map<String, String> files, Map<String, String> formats,
      String encoding, Map<String, String> crs) {
    new IngestJob(spark, run, s.number("cercania.ingest.max_reject_rate"))
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

  /** A stage after ingest: it reads and writes only its run's rows of the tables under --out. */
  @FunctionalInterface
  interface Stage {
    void run(Settings s, SparkSession spark, Run run);
  }

  /** Fails with a usage error when there is nothing to ingest. */
  static Map<String, String> requireInputs(Map<String, String> files) {
    if (files.isEmpty()) {
      throw Errors.usage("no input given; pass --<source> FILE or a --study whose cercania.inputs name files");
    }
    return files;
  }

  static void exposure(Settings s, SparkSession spark, Run run) {
    new ExposureJob(spark, run, ExposureJob.spec(s)).run();
  }

  static void panel(Settings s, SparkSession spark, Run run) {
    Map<String, List<String>> families = new LinkedHashMap<>();
    for (String f : s.raw().getConfig("cercania.hospitalizations.families").root().keySet()) {
      families.put(f, s.strings("cercania.hospitalizations.families." + f));
    }
    new PanelJob(spark, run, ExposureJob.spec(s), s.numbers("cercania.exposure.treatment_rings_km"),
        families).run();
  }

  static void estimate(Settings s, SparkSession spark, Run run) {
    String truthFile = truthFile(s);
    new EstimateJob(spark, run, s.integer("cercania.estimate.event_min"),
        s.integer("cercania.estimate.event_max"), SeConvention.parse(s.string("cercania.estimate.se_convention")),
        truthFile == null ? null : Truth.read(spark, truthFile)).run();
  }

  static void publish(Settings s, SparkSession spark, Run run) {
    PublishJob.Rules rules = new PublishJob.Rules(s.longValue("cercania.publish.min_cell_units"),
        s.integer("cercania.estimate.event_min"), s.integer("cercania.estimate.event_max"),
        "always".equals(s.string("cercania.publish.current")));
    new PublishJob(spark, run, truthFile(s), rules).run();
  }

  /** Applies cercania.retention (a duration; blank keeps everything) to the --out folder, keeping the LATEST run. */
  static void retention(Settings s, SparkSession spark) {
    String r = s.string("cercania.retention").trim();
    if (r.isEmpty()) {
      return;
    }
    java.time.Duration keep = s.raw().getDuration("cercania.retention");
    String out = s.string("cercania.out");
    Retention.apply(spark, out, keep, java.util.Set.of(RunContext.latest(spark.sparkContext().hadoopConfiguration(), out)));
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
