package org.cercania.cli;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.cercania.config.Settings;
import org.cercania.ingest.IngestJob;
import org.cercania.io.SparkSessions;

/** {@code cercania ingest}: validate sources against their contracts into curated Delta tables. */
public final class IngestCommand implements Command {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String summary() {
    return "Check input files against schemas/ and write OUT/curated/<source>, OUT/rejects (Delta) and OUT/manifest.json.";
  }

  @Override
  public Options options() {
    Options o = StudyOptions.add(new Options(name(), "[--<source> FILE ...] --out DIR"), null);
    for (String s : IngestJob.ORDER) {
      o.value("--" + s.replace('_', '-'), "FILE", s + " CSV (default: the study's cercania.inputs." + s + ")");
    }
    return o.value("--run-id", "ID", "run id recorded with rejects (default: UTC time)");
  }

  @Override
  public int run(Options o) {
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
      files = studyInputs(s);
    }
    if (files.isEmpty()) {
      throw org.cercania.errors.Errors.usage("cercania ingest: no input given; pass --<source> FILE or a --study whose cercania.inputs name files");
    }
    SparkSession spark = SparkSessions.get("cercania ingest");
    new IngestJob(spark, s.string("cercania.out"), runId(o), s.number("cercania.ingest.max_reject_rate")).run(files);
    return 0;
  }

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

  static String runId(Options o) {
    String id = o.get("--run-id");
    return id != null ? id : ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
  }
}
