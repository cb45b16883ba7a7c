package org.cercania.panel;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.cercania.errors.Errors;
import org.cercania.exposure.ExposureSpec;
import org.cercania.io.Manifest;
import org.cercania.io.Progress;
import org.cercania.io.Run;
import org.cercania.io.RunLayout;

/**
 * The panel stage: joins each outcome source with exposure into one long table {@code OUT/panel}
 * (schemas/panel.json): outcome x unit (or respondent) x year, with the unit's cohort and the ring
 * its nearest open center lies in that year. Rows that cannot enter (no exposure for the year, a
 * missing or undefined value) are counted per outcome in the progress lines and the manifest.
 */
public final class PanelJob {
  private final SparkSession spark;
  private final Run run;
  private final RunLayout layout;
  private final ExposureSpec exposure;
  private final double[] ringsM;
  private final Map<String, List<String>> icdFamilies;
  /** Per-family joins, cached while the long table is built from them. */
  private final List<Dataset<Row>> bases = new ArrayList<>();

  /**
   * @param ringsKm the three treatment rings (inner, second, third), km; the inner one must be an exposure radius
   * @param icdFamilies ICD-10 family name to its [first, last] three-character codes (conf: hospitalizations.families)
   */
  public PanelJob(SparkSession spark, Run run, ExposureSpec exposure, List<Double> ringsKm, Map<String, List<String>> icdFamilies) {
    this.spark = spark;
    this.run = run;
    this.layout = run.layout();
    this.exposure = exposure;
    if (ringsKm.size() != 3 || !(ringsKm.get(0) < ringsKm.get(1) && ringsKm.get(1) < ringsKm.get(2))) {
      throw Errors.badSetting("cercania.exposure.treatment_rings_km", ringsKm.toString(), "three increasing radii");
    }
    if (!exposure.radiusLabels().contains(ExposureSpec.radiusLabel(ringsKm.get(0)))) {
      throw Errors.badSetting("cercania.exposure.treatment_rings_km", ringsKm.toString(),
          "an inner ring that is one of cercania.exposure.radii_km " + exposure.radiiKm() + " (its cohort comes from there)");
    }
    this.ringsM = ringsKm.stream().mapToDouble(r -> r * 1000).toArray();
    this.icdFamilies = icdFamilies;
    for (String f : List.of("assault", "mental_health")) {
      if (!icdFamilies.containsKey(f) || icdFamilies.get(f).size() != 2) {
        throw Errors.badSetting("cercania.hospitalizations.families." + f, String.valueOf(icdFamilies.get(f)),
            "a [first, last] pair of ICD-10 three-character codes");
      }
    }
  }

  public long run() {
    Progress progress = new Progress("panel");
    Map<String, Long> dropped = new LinkedHashMap<>();
    Map<String, Long> sourceRows = new LinkedHashMap<>();
    bases.clear();
    List<Dataset<Row>> parts = new ArrayList<>();
    Dataset<Row> exp = run.read(spark, layout.exposure(), "exposure");
    String cohortCol = "cohort_" + ExposureSpec.radiusLabel(ringsM[0] / 1000);

    Dataset<Row> schoolYears = run.curatedIfPresent(spark, "school_years");
    if (schoolYears != null) {
      Dataset<Row> schools = run.readCurated(spark, "schools").select(col("school_id"), col("ubigeo").as("cluster_id"));
      Dataset<Row> base = schoolYears.join(schools, "school_id")
          .join(pointExposure(exp, "school", cohortCol), col("school_id").equalTo(col("unit_id")).and(
              schoolYears.col("year").equalTo(col("e_year"))))
          .persist(StorageLevel.MEMORY_AND_DISK()); // read once per outcome below
      bases.add(base);
      Map<Outcome, Column> values = new LinkedHashMap<>();
      values.put(Outcome.LOG_ENROLLMENT, when(col("enrolled").gt(0), log(col("enrolled"))));
      values.put(Outcome.ATTENDANCE_RATE, col("attendance_rate"));
      values.put(Outcome.PASS_RATE, col("pass_rate"));
      values.put(Outcome.DROPOUT_RATE, col("dropout_rate"));
      values.put(Outcome.TEST_SCORE, col("test_score"));
      parts.add(longFormat(base, values, col("school_id"), col("school_id"), col("cluster_id"), lit(1.0)));
      sourceRows.put("school", schoolYears.count());
    }
    Dataset<Row> survey = run.curatedIfPresent(spark, "survey");
    if (survey != null) {
      Dataset<Row> base = survey.join(pointExposure(exp, "survey_cluster", cohortCol),
          col("cluster_id").equalTo(col("unit_id")).and(survey.col("year").equalTo(col("e_year"))))
          .persist(StorageLevel.MEMORY_AND_DISK());
      bases.add(base);
      Map<Outcome, Column> values = new LinkedHashMap<>();
      values.put(Outcome.DV_PHYSICAL, col("dv_physical").cast("double"));
      values.put(Outcome.DV_EMOTIONAL, col("dv_emotional").cast("double"));
      parts.add(longFormat(base, values, col("cluster_id"), col("respondent_id"), col("ubigeo"), col("weight")));
      sourceRows.put("survey", survey.count());
    }
    Dataset<Row> population = run.curatedIfPresent(spark, "population");
    if (population != null) {
      Dataset<Row> district = districtFamily(population, exp);
      parts.add(district);
      sourceRows.put("district", population.count());
    }
    if (parts.isEmpty()) {
      throw Errors.usage("no outcome source curated under " + layout.root() + " for run " + run.runId() + " (school_years, survey or population + femicides/hospitalizations)");
    }
    Dataset<Row> panel = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      panel = panel.unionByName(parts.get(i));
    }
    // Long format keeps one row per source row and outcome, value null where undefined (log of zero
    // enrollment, a missing test score): one pass counts both what joined and what cannot enter.
    panel = panel.persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> joined = new LinkedHashMap<>();
    for (Row r : panel.groupBy("family", "outcome").agg(count(lit(1)),
        sum(when(col("value").isNull(), 1).otherwise(0))).collectAsList()) {
      joined.merge(r.getString(0), r.getLong(2), Math::max);
      if (r.getLong(3) > 0) {
        dropped.put(r.getString(1) + "_missing_value", r.getLong(3));
      }
    }
    for (Map.Entry<String, Long> e : sourceRows.entrySet()) {
      // source rows for years outside the exposure window (or without exposure) do not enter
      dropped.put(e.getKey() + "_rows_outside_exposure_window", e.getValue() - joined.getOrDefault(e.getKey(), 0L));
    }
    long rows = run.write(panel.filter(col("value").isNotNull()), layout.panel(), "panel");
    progress.step("wrote panel" + (dropped.values().stream().anyMatch(v -> v > 0) ? " (left out: " + dropped + ")" : ""), rows);
    ObjectNode section = Manifest.newSection();
    section.put("rows", rows);
    ObjectNode left = section.putObject("left_out");
    dropped.forEach(left::put);
    section.put("seconds", progress.seconds());
    Manifest.record(spark.sparkContext().hadoopConfiguration(), run.manifest(), "panel", section);
    panel.unpersist();
    bases.forEach(Dataset::unpersist);
    progress.done();
    return rows;
  }

  /** Exposure of one unit type with the three ring indicators. */
  private Dataset<Row> pointExposure(Dataset<Row> exp, String unitType, String cohortCol) {
    Column d = col("nearest_distance_m");
    return exp.filter(col("unit_type").equalTo(unitType)).select(col("unit_id"), col("year").as("e_year"),
        col(cohortCol).as("cohort"), d,
        when(d.leq(ringsM[0]), 1).otherwise(0).as("ring1"),
        when(d.gt(ringsM[0]).and(d.leq(ringsM[1])), 1).otherwise(0).as("ring2"),
        when(d.gt(ringsM[1]).and(d.leq(ringsM[2])), 1).otherwise(0).as("ring3"));
  }

  private static Dataset<Row> longFormat(Dataset<Row> base, Map<Outcome, Column> values, Column unit, Column obs, Column cluster,
      Column weight) {
    Dataset<Row> result = null;
    for (Map.Entry<Outcome, Column> v : values.entrySet()) {
      Dataset<Row> one = base.select(lit(v.getKey().family()).as("family"), lit(v.getKey().id()).as("outcome"),
          unit.cast("string").as("unit_id"), obs.cast("string").as("obs_id"), cluster.cast("string").as("cluster_id"),
          col("e_year").as("year"), v.getValue().cast("double").as("value"), weight.cast("double").as("weight"), col("cohort"),
          col("ring1"), col("ring2"), col("ring3"), col("nearest_distance_m"));
      result = result == null ? one : result.unionByName(one);
    }
    return result;
  }

  /**
   * District outcomes per 100,000: femicides and economic crimes from their district-year table (a
   * district-year without a row is missing, not zero), hospitalisations summed by ICD-10 family
   * (a district-year without a row had no case: registers list events).
   */
  private Dataset<Row> districtFamily(Dataset<Row> population, Dataset<Row> exp) {
    Dataset<Row> de = run.read(spark, layout.districtExposure(), "exposure")
        .select(col("ubigeo").as("d_ubigeo"), col("year").as("e_year"), col("has_center"), col("cohort"));
    Dataset<Row> centroid = exp.filter(col("unit_type").equalTo("district"))
        .select(col("unit_id").as("c_ubigeo"), col("year").as("c_year"), col("nearest_distance_m"));
    Dataset<Row> base = population.join(de, population.col("ubigeo").equalTo(col("d_ubigeo"))
            .and(population.col("year").equalTo(col("e_year"))))
        .join(centroid, col("ubigeo").equalTo(col("c_ubigeo")).and(col("e_year").equalTo(col("c_year"))), "left");
    Dataset<Row> fem = run.curatedIfPresent(spark, "femicides");
    if (fem != null) {
      base = base.join(fem.select(col("ubigeo").as("f_ubigeo"), col("year").as("f_year"), col("femicides"), col("economic_crimes")),
          col("ubigeo").equalTo(col("f_ubigeo")).and(col("e_year").equalTo(col("f_year"))), "left");
    } else {
      base = base.withColumn("femicides", lit(null).cast("int")).withColumn("economic_crimes", lit(null).cast("int"));
    }
    Dataset<Row> hosp = run.curatedIfPresent(spark, "hospitalizations");
    boolean haveHosp = hosp != null;
    if (haveHosp) {
      Column code = upper(substring(col("icd10"), 1, 3));
      Column assault = code.between(icdFamilies.get("assault").get(0), icdFamilies.get("assault").get(1));
      Column mental = code.between(icdFamilies.get("mental_health").get(0), icdFamilies.get("mental_health").get(1));
      Dataset<Row> h = hosp.groupBy(col("ubigeo").as("h_ubigeo"), col("year").as("h_year")).agg(
          sum(when(assault.and(col("sex").equalTo("F")), col("cases")).otherwise(0)).as("assault_f"),
          sum(when(mental.and(col("sex").equalTo("F")), col("cases")).otherwise(0)).as("mental_f"),
          sum(when(mental.and(col("sex").equalTo("M")), col("cases")).otherwise(0)).as("mental_m"));
      base = base.join(h, col("ubigeo").equalTo(col("h_ubigeo")).and(col("e_year").equalTo(col("h_year"))), "left");
    }
    Column women = col("women").cast("double");
    Column men = col("men").cast("double");
    Map<Outcome, Column> values = new LinkedHashMap<>();
    values.put(Outcome.FEMICIDE_RATE, per100k(col("femicides"), women));
    values.put(Outcome.ECONOMIC_CRIME_RATE, per100k(col("economic_crimes"), women.plus(men)));
    if (haveHosp) {
      values.put(Outcome.ASSAULT_HOSP_RATE_WOMEN, per100k(coalesce(col("assault_f"), lit(0)), women));
      values.put(Outcome.MENTAL_HEALTH_RATE_WOMEN, per100k(coalesce(col("mental_f"), lit(0)), women));
      values.put(Outcome.MENTAL_HEALTH_RATE_MEN, per100k(coalesce(col("mental_m"), lit(0)), men));
    }
    Dataset<Row> withRings = base.withColumn("ring1", col("has_center")).withColumn("ring2", lit(0)).withColumn("ring3", lit(0))
        .persist(StorageLevel.MEMORY_AND_DISK()); // read once per outcome
    bases.add(withRings);
    return longFormat(withRings, values, col("ubigeo"), col("ubigeo"), col("ubigeo"), lit(1.0));
  }

  private static Column per100k(Column count, Column pop) {
    return when(pop.gt(0), count.cast("double").multiply(1e5).divide(pop));
  }
}
