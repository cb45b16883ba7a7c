package org.cercania.cli;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.errors.Errors;
import org.cercania.exposure.ExposureFiles;
import org.cercania.exposure.ExposureSpec;
import org.cercania.exposure.NearestOpenCenter;
import org.cercania.io.Outputs;
import org.cercania.io.Progress;
import org.cercania.io.SparkSessions;
import org.cercania.spark.JobGroup;

/**
 * {@code cercania exposure}: reads a centers CSV and a units CSV, writes DIR/exposure (Parquet),
 * one row per located unit and year (see schemas/exposure.json). Rows in error messages are line
 * numbers of the file (the header is line 1).
 */
public final class ExposureCommand implements Command {
  @Override
  public String name() {
    return "exposure";
  }

  @Override
  public String summary() {
    return "Nearest open center, centers within rings and ring cohorts for every unit and year: on any centers and units CSV "
        + "(DIR/exposure, Parquet), or as the stage of a run (OUT/exposure and OUT/district_exposure, Delta).";
  }

  @Override
  public Options options() {
    return RunContext.add(StudyOptions.add(new Options(name(), "(--centers FILE --units FILE --from YEAR --to YEAR [--radii KM,...] "
        + "[--reference-date MM-DD] | --study NAME) --out DIR"), null)
        .value("--centers", "FILE", "CSV with header: center_id, lon, lat, opened_on (yyyy-mm-dd), closed_on (optional, empty = open)")
        .value("--units", "FILE", "CSV with header: unit_id, lon, lat, optional unit_type; rows without lon/lat are left out")
        .value("--from", "YEAR", "first year")
        .value("--to", "YEAR", "last year (at most 64 years)")
        .value("--radii", "KM,...", "ring radii in kilometres", "1,2,3,5,10")
        .value("--reference-date", "MM-DD", "a center counts as open in year t if open on this day of t", "07-01"));
  }

  @Override
  public int run(Options o) throws Exception {
    if (o.get("--centers") == null && o.get("--units") == null) {
      // Stage of a run: the curated tables under --out, the study's settings.
      o.require("--out");
      StageCommand.run(o, name(), Pipeline::exposure);
      return 0;
    }
    Path centersFile = Paths.get(o.require("--centers"));
    Path unitsFile = Paths.get(o.require("--units"));
    Path out = Paths.get(o.require("--out"));
    ExposureSpec spec = spec(o);
    for (Path p : List.of(centersFile, unitsFile)) {
      if (!Files.isRegularFile(p)) {
        throw Errors.inputMissing(p);
      }
    }
    Progress progress = new Progress("exposure");
    SparkSession spark = SparkSessions.get("cercania exposure");

    Dataset<Row> centers = ExposureFiles.readCenters(spark, centersFile);
    long nCenters = centers.count();
    progress.step("centers read from " + centersFile, nCenters);

    Dataset<Row> units = ExposureFiles.readUnits(spark, unitsFile);
    long[] counts = ExposureFiles.checkUnits(units, unitsFile);
    Dataset<Row> located = units.where(col("lon").isNotNull().and(col("lat").isNotNull()));
    progress.step("units read from " + unitsFile, counts[0]);
    if (counts[1] > 0) {
      progress.info("units without lon/lat, left out: " + counts[1]);
    }

    Path target = out.resolve("exposure");
    JobGroup.run(spark, "cercania exposure: nearest open center and rings",
        () -> Outputs.writeParquet(NearestOpenCenter.compute(spark, centers, located, spec), target.toString()));
    progress.step("exposure written to " + target + " (" + spec.years() + " years x " + (counts[0] - counts[1]) + " units)",
        (counts[0] - counts[1]) * spec.years());
    progress.done();
    return 0;
  }

  static ExposureSpec spec(Options o) {
    int from = o.integer("--from", Integer.MIN_VALUE);
    int to = o.integer("--to", Integer.MIN_VALUE);
    if (from == Integer.MIN_VALUE) {
      throw Errors.missingOption("exposure", "--from");
    }
    if (to == Integer.MIN_VALUE) {
      throw Errors.missingOption("exposure", "--to");
    }
    List<Double> radii = new ArrayList<>();
    String r = o.get("--radii");
    try {
      for (String part : r.split(",")) {
        radii.add(Double.parseDouble(part.trim()));
      }
    } catch (NumberFormatException e) {
      throw Errors.badOptionValue("--radii", r, "comma-separated kilometres, e.g. 1,2,3,5,10");
    }
    String ref = o.get("--reference-date");
    int month;
    int day;
    try {
      String[] md = ref.split("-");
      if (md.length != 2) {
        throw new NumberFormatException();
      }
      month = Integer.parseInt(md[0]);
      day = Integer.parseInt(md[1]);
      MonthDay.of(month, day);
    } catch (RuntimeException e) {
      throw Errors.badOptionValue("--reference-date", ref, "a day of the year as MM-DD, e.g. 07-01");
    }
    if (to < from) {
      throw Errors.badOptionValue("--to", String.valueOf(to), "a year on or after --from (" + from + ")");
    }
    try {
      return new ExposureSpec(from, to, radii, month, day);
    } catch (IllegalArgumentException e) {
      throw Errors.usage(e.getMessage());
    }
  }

}
