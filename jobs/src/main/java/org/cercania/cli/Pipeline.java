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
import org.cercania.exposure.ExposureJob;
import org.cercania.ingest.IngestJob;
import org.cercania.panel.PanelJob;
import org.cercania.publish.PublishJob;

/** Each pipeline stage as a call on the run's settings: what the stage commands and {@code run} execute. */
final class Pipeline {
  private Pipeline() {}

  static void ingest(Settings s, SparkSession spark, String runId, Map<String, String> files) {
    if (files.isEmpty()) {
      throw Errors.usage("no input given; pass --<source> FILE or a --study whose cercania.inputs name files");
    }
    new IngestJob(spark, s.string("cercania.out"), runId, s.number("cercania.ingest.max_reject_rate")).run(files);
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
    new EstimateJob(spark, s.string("cercania.out"), s.integer("cercania.estimate.event_min"),
        s.integer("cercania.estimate.event_max"), SeConvention.parse(s.string("cercania.estimate.se_convention")),
        truthFile == null ? null : Truth.read(spark, truthFile)).run();
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
