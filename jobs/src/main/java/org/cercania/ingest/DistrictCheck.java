package org.cercania.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.cercania.ingest.ContractChecks.FIXES;
import static org.cercania.ingest.ContractChecks.PROBLEM;
import static org.cercania.ingest.ContractChecks.tmp;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.geo.DistrictAssignment;
import org.cercania.geo.DistrictLocator;

/** Checks each record's point against the district polygons (sources with lon, lat and a UBIGEO). */
final class DistrictCheck {
  private DistrictCheck() {}

  /**
   * Locates, for rows that passed the checks, each point among the district polygons, with the
   * district assignment exposure uses too (smallest containing polygon; nearest within 5 km for coastline gaps).
   * A UBIGEO that is not in the district table is replaced by the district whose polygon covers the
   * point, when exactly one does (UBIGEO_REASSIGNED: the code is unknown, the location is not; with
   * none or several it stays unknown and the reference check rejects the row). A known UBIGEO whose
   * polygon does not hold the point is kept and recorded (POINT_IN_OTHER_DISTRICT, with the district
   * it does lie in).
   */
  static Dataset<Row> apply(Dataset<Row> d, Dataset<Row> districts) {
    List<Map.Entry<String, String>> polygons = new ArrayList<>();
    for (Row r : districts.select(col("ubigeo").cast("string"), col("geometry_wkt").cast("string")).collectAsList()) {
      polygons.add(new SimpleEntry<>(r.getString(0), r.getString(1)));
    }
    DistrictLocator locator = DistrictAssignment.locator("districts", polygons, DistrictAssignment.DEFAULT_TOLERANCE_M);
    StructType found = DataTypes.createStructType(List.of(
        DataTypes.createStructField("reason", DataTypes.StringType, false),
        DataTypes.createStructField("ubigeo", DataTypes.StringType, false)));
    UserDefinedFunction where = udf(
        (UDF3<String, Double, Double, Row>) (ubigeo, lon, lat) -> {
          if (ubigeo == null || lon == null || lat == null) {
            return null;
          }
          if (locator.geometry(ubigeo) == null) {
            List<String> covering = locator.containing(lon, lat);
            return covering.size() == 1 ? RowFactory.create(ReasonCode.UBIGEO_REASSIGNED.name(),
                covering.get(0)) : null;
          }
          DistrictAssignment.Assignment a = DistrictAssignment.assign(locator, ubigeo, lon, lat);
          return a.elsewhere() ? RowFactory.create(ReasonCode.POINT_IN_OTHER_DISTRICT.name(),
              a.locatedUbigeo() == null ? "none" : a.locatedUbigeo()) : null;
        }, found);
    Column located = when(col(PROBLEM).isNull(), where.apply(col(tmp("ubigeo")), col(tmp("lon")), col(tmp("lat"))));
    Column fixRow = struct(lit("ubigeo").as("field"), col(tmp("ubigeo")).as("original"), col("__located.ubigeo").as("fixed"),
        col("__located.reason").as("reason"));
    return d.withColumn("__located", located)
        .withColumn(FIXES, when(col("__located").isNotNull(), concat(col(FIXES), array(fixRow))).otherwise(col(FIXES)))
        .withColumn(tmp("ubigeo"), when(col("__located.reason").equalTo(ReasonCode.UBIGEO_REASSIGNED.name()),
            col("__located.ubigeo")).otherwise(col(tmp("ubigeo"))))
        .drop("__located");
  }

}
