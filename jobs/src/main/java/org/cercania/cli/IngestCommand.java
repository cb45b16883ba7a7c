package org.cercania.cli;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import java.util.Set;
import org.cercania.config.Settings;
import org.cercania.ingest.IngestJob;
import org.cercania.ingest.SourceOptions;
import org.cercania.io.Run;
import org.cercania.io.SparkSessions;

/** {@code cercania ingest}: validate sources against their contracts into curated Delta tables. */
public final class IngestCommand implements Command {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String summary() {
    return "Check input files against schemas/ and write OUT/curated/<source>, OUT/rejects (Delta) and the run's OUT/runs/<run_id>/manifest.json.";
  }

  @Override
  public Options options() {
    Options o = StudyOptions.add(new Options(name(), "[--<source> FILE ...] --out DIR"), null);
    for (String s : IngestJob.ORDER) {
      o.value("--" + s.replace('_', '-'), "FILE", s + " file (default: the study's cercania.inputs." + s + ")");
      o.value("--" + s.replace('_', '-') + "-format", "FORMAT", String.join(", ", SourceOptions.FORMATS)
          + " (default: by extension: .geojson/.json, .parquet, .xlsx, .shp, else csv)");
    }
    o.value("--districts-crs", "CRS", "CRS of the district geometries, e.g. EPSG:32718, reprojected to lon/lat WGS84 "
        + "(default: the Shapefile's .prj or the GeoParquet metadata, else lon/lat WGS84)");
    o.value("--encoding", "ENC", "UTF-8 or ISO-8859-1: the encoding of every CSV and .dbf given (default: sniffed per file)");
    return acceptVolumeDrop(RunContext.add(o));
  }

  /** The --accept-volume-drop option ({@code ingest} and {@code run}). */
  static Options acceptVolumeDrop(Options o) {
    return o.repeatable("--accept-volume-drop", "SOURCE", "let SOURCE (or SOURCE,SOURCE) shrink by more than "
        + "cercania.ingest.max_volume_drop against the previous run's manifest");
  }

  /** The sources the run lets shrink (every --accept-volume-drop, comma lists split). */
  static Set<String> acceptedDrops(Options o) {
    Set<String> sources = new LinkedHashSet<>();
    for (String v : o.all("--accept-volume-drop")) {
      for (String src : v.split(",")) {
        if (!src.isBlank()) {
          sources.add(src.trim().replace('-', '_'));
        }
      }
    }
    return sources;
  }

  @Override
  public int run(Options o) throws Exception {
    Settings s = StudyOptions.settings(o);
    o.require("--out");
    Map<String, String> files = new LinkedHashMap<>();
    for (String src : IngestJob.ORDER) {
      String flag = o.get("--" + src.replace('_', '-'));
      if (flag != null) {
        files.put(src, flag);
      }
    }
    if (files.isEmpty()) {
      files = Pipeline.requireInputs(Pipeline.studyInputs(s));
    }
    Map<String, String> formats = new LinkedHashMap<>();
    for (String src : IngestJob.ORDER) {
      String f = o.get("--" + src.replace('_', '-') + "-format");
      if (f != null) {
        formats.put(src, f);
      }
    }
    Map<String, String> crs = o.get("--districts-crs") == null ? Map.of() : Map.of("districts", o.get("--districts-crs"));
    SparkSession spark = SparkSessions.get("cercania ingest");
    try (AutoCloseable lock = RunContext.lock(s, name())) {
      Run run = RunContext.start(o, s, files, spark.sparkContext().hadoopConfiguration());
      Pipeline.ingest(RunContext.limited(s, run.asOf()), spark, run, files, formats, o.get("--encoding"), crs,
          acceptedDrops(o));
    }
    return 0;
  }
}
