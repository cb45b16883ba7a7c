package org.cercania.cli;

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
import org.cercania.ingest.VolumeGuard;
import org.cercania.panel.PanelJob;
import org.cercania.publish.PublishJob;
import org.cercania.spark.JobGroup;

/** Each pipeline stage as a call on the run's typed settings: what the stage commands and {@code run} execute. */
final class Pipeline {
  private Pipeline() {}

  static void ingest(Settings s, SparkSession spark, String runId, Map<String, String> files, Set<String> acceptVolumeDrop) {
    ingest(s, spark, runId, files, Map.of(), null, Map.of(), acceptVolumeDrop);
  }

  /**
   * {@code formats}, {@code encoding} and {@code crs}: what the command line gives (--SOURCE-format,
   * --encoding for every text source, --SOURCE-crs), over the study's; {@code acceptVolumeDrop}: the sources
   * allowed to shrink beyond cercania.ingest.max_volume_drop (--accept-volume-drop).
   */
  static void ingest(Settings s, SparkSession spark, String runId, Map<String, String> files, Map<String, String> formats,
      String encoding, Map<String, String> crs, Set<String> acceptVolumeDrop) {
    if (files.isEmpty()) {
      throw Errors.usage("no input given; pass --<source> FILE or a --study whose cercania.inputs name files");
    }
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania ingest", () -> new IngestJob(spark, st.layout(), runId, st.maxRejectRate())
        .volumeGuard(new VolumeGuard(st.maxVolumeDrop(), acceptVolumeDrop))
        .run(files, StageSettings.sourceOptions(s, formats, encoding, crs)));
  }

  static void exposure(Settings s, SparkSession spark) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania exposure", () -> new ExposureJob(spark, st.layout(), st.exposure()).run());
  }

  static void panel(Settings s, SparkSession spark) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania panel",
        () -> new PanelJob(spark, st.layout(), st.exposure(), st.treatmentRingsKm(), st.icdFamilies()).run());
  }

  static void estimate(Settings s, SparkSession spark) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania estimate", () -> {
      Truth truth = st.truthFile() == null ? null : Truth.read(spark, st.truthFile());
      new EstimateJob(spark, st.layout(), st.eventMin(), st.eventMax(), st.seConvention(), truth).run();
      distance(st, spark, truth);
    });
  }

  /** Effects by distance band and the distance curve (cercania.distance); returns every band estimate. */
  static List<RingEstimate> distance(StageSettings st, SparkSession spark, Truth truth) {
    StageSettings.Distance d = st.distance();
    return JobGroup.run(spark, "cercania estimate: effects by distance",
        () -> new DistanceJob(spark, st.layout(), d.rings(), d.effects(), d.estimators(), truth, d.curve()).run());
  }

  static void publish(Settings s, SparkSession spark) {
    StageSettings st = StageSettings.of(s);
    JobGroup.run(spark, "cercania publish", () -> new PublishJob(spark, st.layout(), st.truthFile()).run());
  }

  /** The source files a study names (cercania.inputs.*), in ingest order. */
  static Map<String, String> studyInputs(Settings s) {
    return StageSettings.of(s).inputs();
  }
}
