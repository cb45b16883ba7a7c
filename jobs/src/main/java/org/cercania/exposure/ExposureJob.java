package org.cercania.exposure;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.Manifest;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;

/**
 * The exposure stage of a run: reads the curated centers, districts, schools, survey and population
 * tables under OUT and writes {@code OUT/exposure} (every located unit x year: schools, survey
 * clusters and district centroids) and {@code OUT/district_exposure} (district x year), as Delta.
 */
public final class ExposureJob {
  private final SparkSession spark;
  private final Run run;
  private final RunLayout layout;
  private final ExposureSpec spec;

  public ExposureJob(SparkSession spark, Run run, ExposureSpec spec) {
    this.spark = spark;
    this.run = run;
    this.layout = run.layout();
    this.spec = spec;
  }

  public void run() {
    Progress progress = new Progress("exposure");
    Dataset<Row> centers = run.readCurated(spark, "centers");
    Dataset<Row> districts = run.readCurated(spark, "districts");
    List<Dataset<Row>> units = new ArrayList<>();
    units.add(DistrictExposure.centroids(districts));
    Dataset<Row> schools = run.curatedIfPresent(spark, "schools");
    if (schools != null) {
      units.add(schools.select(lit("school").as("unit_type"), col("school_id").as("unit_id"), col("lon"), col("lat")));
    }
    Dataset<Row> survey = run.curatedIfPresent(spark, "survey");
    if (survey != null) {
      // A cluster has one (displaced) location; the first one seen stands for it.
      units.add(survey.groupBy("cluster_id").agg(first("lon").as("lon"), first("lat").as("lat"))
          .select(lit("survey_cluster").as("unit_type"), col("cluster_id").as("unit_id"), col("lon"), col("lat")));
    }
    Dataset<Row> all = units.get(0);
    for (int i = 1; i < units.size(); i++) {
      all = all.unionByName(units.get(i));
    }
    long rows = run.write(NearestOpenCenter.compute(spark, centers, all, spec), layout.exposure(), null);
    progress.step("wrote exposure (units x years)", rows);
    Dataset<Row> population = run.curatedIfPresent(spark, "population");
    Dataset<Row> women = population == null ? null : population.select("ubigeo", "year", "women");
    long drows = run.write(DistrictExposure.compute(spark, districts, centers, women, spec), layout.districtExposure(), null);
    progress.step("wrote district_exposure (districts x years)", drows);
    ObjectNode section = Manifest.newSection();
    section.put("exposure_rows", rows);
    section.put("district_exposure_rows", drows);
    section.put("years", spec.fromYear() + "-" + spec.toYear());
    section.put("radii_km", spec.radiiKm().toString());
    section.put("seconds", progress.seconds());
    Manifest.record(spark.sparkContext().hadoopConfiguration(), run.manifest(), "exposure", section);
    progress.done();
  }
}
