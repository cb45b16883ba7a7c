package org.cercania.bench;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;
import org.cercania.exposure.ExposureSpec;
import org.cercania.geo.Geodesic;

/**
 * The naive exposure plan the indexed one is measured against: every unit with every center, a
 * geodesic UDF per pair, then every year, grouped by unit and year. Its columns carry an {@code n_}
 * prefix so that it joins with the indexed output for {@link #mismatches}.
 */
final class CrossJoin {
  private CrossJoin() {}

  /** The naive plan: every unit with every center, a geodesic UDF per pair, then every year. */
  static Dataset<Row> plan(SparkSession spark, Dataset<Row> centers, Dataset<Row> units, ExposureSpec spec) {
    spark.udf().register("geodesic_m", (UDF4<Double, Double, Double, Double, Double>) Geodesic::distanceM, DataTypes.DoubleType);
    Dataset<Row> pairs = units.select(col("unit_id"), col("lon").as("ulon"), col("lat").as("ulat"))
        .crossJoin(centers.select(col("center_id"), col("lon").as("clon"), col("lat").as("clat"), col("opened_on"), col("closed_on")))
        .withColumn("d", callUDF("geodesic_m", col("ulon"), col("ulat"), col("clon"), col("clat")));
    Dataset<Row> years = spark.range(spec.fromYear(), spec.toYear() + 1).select(col("id").cast("int").as("year"));
    String ref = String.format(Locale.ROOT, "make_date(year, %d, %d)", spec.referenceMonth(), spec.referenceDay());
    Dataset<Row> open = pairs.crossJoin(years)
        .withColumn("open", expr("opened_on <= " + ref + " and (closed_on is null or closed_on > " + ref + ")"));
    List<Column> aggs = new ArrayList<>();
    aggs.add(min_by(struct(col("d"), col("center_id")), when(col("open"), struct(col("d"), col("center_id")))).as("best"));
    List<String> labels = spec.radiusLabels();
    double[] radii = spec.radiiM();
    for (int r = 0; r < radii.length; r++) {
      aggs.add(sum(when(col("open").and(col("d").leq(radii[r])), 1).otherwise(0)).cast("int").as("n_centers_within_" + labels.get(r)));
    }
    Dataset<Row> perYear = open.groupBy(col("unit_id"), col("year")).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]))
        .withColumn("n_nearest_center_id", expr("best.center_id"))
        .withColumn("n_nearest_distance_m", expr("best.d"))
        .drop("best");
    List<Column> cohorts = new ArrayList<>();
    for (String l : labels) {
      cohorts.add(min(when(col("n_centers_within_" + l).gt(0), col("year"))).as("c_" + l));
    }
    Dataset<Row> cohort = perYear.groupBy(col("unit_id").as("c_unit_id"))
        .agg(cohorts.get(0), cohorts.subList(1, cohorts.size()).toArray(new Column[0]));
    Dataset<Row> out = perYear.join(cohort, perYear.col("unit_id").equalTo(cohort.col("c_unit_id")));
    for (String l : labels) {
      out = out.withColumn("n_cohort_" + l, expr("coalesce(c_" + l + ", 0)")).drop("c_" + l);
    }
    return out.drop("c_unit_id").withColumnRenamed("unit_id", "n_unit_id").withColumnRenamed("year", "n_year");
  }

  /**
   * Unit-years where the indexed output {@code ours} and the naive one differ: rows of either without
   * a partner in the other, plus joined rows whose nearest center, distance, counts or cohorts differ.
   */
  static long mismatches(Dataset<Row> ours, Dataset<Row> naive, ExposureSpec spec) {
    Dataset<Row> j = ours.join(naive, ours.col("unit_id").equalTo(naive.col("n_unit_id")).and(ours.col("year").equalTo(naive.col("n_year"))));
    Column differ = notEqualNullSafe(col("nearest_center_id"), col("n_nearest_center_id"))
        .or(expr("abs(coalesce(nearest_distance_m, -1) - coalesce(n_nearest_distance_m, -1)) > 1e-6"));
    for (String r : spec.radiusLabels()) {
      differ = differ.or(col("centers_within_" + r).notEqual(col("n_centers_within_" + r)))
          .or(col("cohort_" + r).notEqual(col("n_cohort_" + r)));
    }
    long joined = j.count();
    return (ours.count() - joined) + (naive.count() - joined) + j.where(differ).count();
  }

  private static Column notEqualNullSafe(Column a, Column b) {
    return a.eqNullSafe(b).unary_$bang();
  }
}
