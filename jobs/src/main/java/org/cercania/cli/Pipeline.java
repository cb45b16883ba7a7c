package org.cercania.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.distance.DistanceJob;
import org.cercania.distance.RingEstimate;
import org.cercania.errors.Errors;
import org.cercania.estimate.EstimateJob;
import org.cercania.estimate.Truth;
import org.cercania.exposure.ExposureJob;
import org.cercania.ingest.IngestJob;
import org.cercania.io.Run;
import org.cercania.ingest.VolumeGuard;
import org.cercania.panel.PanelJob;
import org.cercania.publish.PublishJob;
import org.cercania.runs.Retention;
import org.cercania.spark.JobGroup;

/** Each pipeline stage as a call on the run's typed settings: what the stage commands and {@code run} execute. */
final class Pipeline {
  private Pipeline() {}

  /** A stage after ingest: it reads and writes only its run's rows of the tables under --out. */
  @FunctionalInterface
  interface Stage {
    void run(Settings s, SparkSession spark, Run run);
  }

  static void ingest(Settings s, SparkSession spark, Run run, Map<String, String> files, Set<String> acceptVolumeDrop) {
    ingest(s, spark, run, files, Map.of(), null, Map.of(), acceptVolumeDrop);
  }

  /**
   * {@code formats}, {@code encoding} and {@code crs}: what the command line gives (--SOURCE-format,
   * --encoding for every text source, --SOURCE-crs), over the study's; {@code acceptVolumeDrop}: the sources
   * allowed to shrink beyond cercania.ingest.max_volume_drop (--accept-volume-drop).
   */
  static void ingest(Settings s, SparkSession spark, Run run, Map<String, String> files, Map<String, String> formats,
      String encoding, Map<String, String> crs, Set<String> acceptVolumeDrop) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania ingest", () -> new IngestJob(spark, run, st.maxRejectRate())
        .volumeGuard(new VolumeGuard(st.maxVolumeDrop(), acceptVolumeDrop))
        .run(requireInputs(files), StageSettings.sourceOptions(s, formats, encoding, crs)));
  }

  /** {@code files}, or a usage error when there is nothing to ingest. */
  static Map<String, String> requireInputs(Map<String, String> files) {
    if (files.isEmpty()) {
      throw Errors.usage("no input given; pass --<source> FILE or a --study whose cercania.inputs name files");
    }
    return files;
  }

  static void exposure(Settings s, SparkSession spark, Run run) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania exposure", () -> new ExposureJob(spark, run, st.exposure()).run());
  }

  static void panel(Settings s, SparkSession spark, Run run) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania panel",
        () -> new PanelJob(spark, run, st.exposure(), st.treatmentRingsKm(), st.icdFamilies()).run());
  }

  static void estimate(Settings s, SparkSession spark, Run run) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania estimate", () -> {
      Truth truth = st.truthFile() == null ? null : Truth.read(spark, st.truthFile());
      new EstimateJob(spark, run, st.eventMin(), st.eventMax(), st.seConvention(), truth).run();
      distance(st, spark, run, truth);
    });
  }

  /** Effects by distance band and the distance curve (cercania.distance) on the run's panel; returns every band estimate. */
  static List<RingEstimate> distance(StageSettings st, SparkSession spark, Run run, Truth truth) {
    StageSettings.Distance d = st.distance();
    return JobGroup.run(spark, "cercania estimate: effects by distance",
        () -> new DistanceJob(spark, run, d.rings(), d.effects(), d.estimators(), truth, d.curve()).run());
  }

  static void publish(Settings s, SparkSession spark, Run run) {
    StageSettings st = StageSettings.of(s);
    PublishJob.Rules rules = new PublishJob.Rules(st.minCellUnits(), st.eventMin(), st.eventMax(), st.alwaysCurrent());
    JobGroup.run(spark, "cercania publish", () -> new PublishJob(spark, run, st.truthFile(), rules).run());
  }

  /** Applies cercania.retention (a duration; blank keeps everything) to the --out folder, keeping the run last ingested. */
  static void retention(Settings s, SparkSession spark) {
    if (s.string("cercania.retention").isBlank()) {
      return;
    }
    Duration keep = s.raw().getDuration("cercania.retention");
    String out = StageSettings.of(s).layout().root();
    JobGroup.run(spark, "cercania retention",
        () -> Retention.apply(spark, out, keep, Set.of(RunContext.latest(spark.sparkContext().hadoopConfiguration(), out))));
  }

  /** The source files a study names (cercania.inputs.*), in ingest order. */
  static Map<String, String> studyInputs(Settings s) {
    return StageSettings.of(s).inputs();
  }
}
