package org.cercania.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.geo.DistrictAssignment;
import org.cercania.geo.DistrictLocator;
import org.cercania.geo.Vincenty;
import org.cercania.io.TableSchema;
import org.cercania.testing.PeruData;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.io.WKTWriter;

@ExtendWith(SparkExtension.class)
class DistrictExposureTest {
  static final StructType DISTRICTS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("ubigeo", DataTypes.StringType, false),
      DataTypes.createStructField("geometry_wkt", DataTypes.StringType, false)));
  static final StructType CENTERS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("center_id", DataTypes.StringType, false),
      DataTypes.createStructField("ubigeo", DataTypes.StringType, true),
      DataTypes.createStructField("lon", DataTypes.DoubleType, false),
      DataTypes.createStructField("lat", DataTypes.DoubleType, false),
      DataTypes.createStructField("opened_on", DataTypes.DateType, false),
      DataTypes.createStructField("closed_on", DataTypes.DateType, true)));

  private static Dataset<Row> districts(SparkSession spark) {
    return spark.createDataFrame(List.of(
        RowFactory.create("010101", "POLYGON((-76 -12, -75 -12, -75 -11, -76 -11, -76 -12))"),
        RowFactory.create("010102", "POLYGON((-75 -12, -74 -12, -74 -11, -75 -11, -75 -12))"),
        RowFactory.create("010103", "POLYGON((-75.6 -11.6, -75.4 -11.6, -75.4 -11.4, -75.6 -11.4, -75.6 -11.6))")), DISTRICTS);
  }

  private static Dataset<Row> centers(SparkSession spark) {
    return spark.createDataFrame(List.of(
        RowFactory.create("C1", "010101", -75.9, -11.9, Date.valueOf("2010-01-01"), null),
        RowFactory.create("C2", "010101", -74.5, -11.5, Date.valueOf("2012-07-01"), null), // point in 010102
        RowFactory.create("C3", null, -75.5, -11.5, Date.valueOf("2011-08-01"), Date.valueOf("2014-06-30")), // located: 010103
        RowFactory.create("C4", "999999", -74.5, -11.2, Date.valueOf("2010-01-01"), null)), CENTERS);
  }

  @Test
  void districtYearTableWorkedByHand(SparkSession spark) {
    StructType popSchema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("ubigeo", DataTypes.StringType, false),
        DataTypes.createStructField("year", DataTypes.IntegerType, false),
        DataTypes.createStructField("women", DataTypes.LongType, false)));
    List<Row> pop = new ArrayList<>();
    for (int y = 2010; y <= 2015; y++) {
      pop.add(RowFactory.create("010101", y, 50_000L));
      pop.add(RowFactory.create("010102", y, y == 2012 ? 0L : 20_000L));
    }
    Dataset<Row> out = DistrictExposure.compute(spark, districts(spark), centers(spark), spark.createDataFrame(pop, popSchema),
        ExposureSpec.of(2010, 2015));
    assertEquals(TableSchema.load("district_exposure").columnNames(), List.of(out.columns()));
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : out.collectAsList()) {
      byKey.put(r.getString(0) + "/" + r.getInt(1), r);
    }
    assertEquals(18, byKey.size());
    int[] open1 = {1, 1, 2, 2, 2, 2};
    int[] open3 = {0, 0, 1, 1, 0, 0};
    for (int y = 2010; y <= 2015; y++) {
      Row a = byKey.get("010101/" + y);
      assertEquals(open1[y - 2010], a.getInt(2));
      assertEquals(1, a.getInt(3));
      assertEquals(2010, a.getInt(4));
      assertEquals(y >= 2012 ? 1 : 0, a.getInt(5), "C2 is kept in 010101 and flagged");
      assertEquals(open1[y - 2010] * 100_000.0 / 50_000, a.getDouble(6), 1e-12);
      Row b = byKey.get("010102/" + y);
      assertEquals(0, b.getInt(2));
      assertEquals(0, b.getInt(3));
      assertEquals(0, b.getInt(4));
      if (y == 2012) {
        assertTrue(b.isNullAt(6), "no women: no rate");
      } else {
        assertEquals(0.0, b.getDouble(6), 0);
      }
      Row c = byKey.get("010103/" + y);
      assertEquals(open3[y - 2010], c.getInt(2));
      assertEquals(2012, c.getInt(4));
      assertTrue(c.isNullAt(6), "no population rows");
    }
  }

  @Test
  void assignmentKeepsTheGivenUbigeoAndFlags(SparkSession spark) {
    DistrictLocator loc = DistrictExposure.locator(districts(spark), 2_000);
    Map<String, Row> byId = new HashMap<>();
    for (Row r : DistrictExposure.assignDistricts(spark, loc, centers(spark)).collectAsList()) {
      byId.put(r.getString(r.fieldIndex("center_id")), r);
    }
    Row c1 = byId.get("C1");
    assertEquals("010101", c1.getAs("ubigeo"));
    assertNull(c1.getAs("ubigeo_flag"));
    Row c2 = byId.get("C2");
    assertEquals("010101", c2.getAs("ubigeo"));
    assertEquals("given", c2.getAs("ubigeo_source"));
    assertEquals("010102", c2.getAs("located_ubigeo"));
    assertEquals(DistrictAssignment.FLAG_OTHER_DISTRICT, c2.getAs("ubigeo_flag"));
    Row c3 = byId.get("C3");
    assertEquals("010103", c3.getAs("ubigeo"));
    assertEquals("point_in_polygon", c3.getAs("ubigeo_source"));
    assertNull(c3.getAs("ubigeo_flag"));
    assertEquals(DistrictAssignment.FLAG_UNKNOWN_UBIGEO, byId.get("C4").getAs("ubigeo_flag"));
    assertEquals("999999", byId.get("C4").getAs("ubigeo"));
  }

  @Test
  void weightedCentroidIsTheWeightedMean(SparkSession spark) {
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("ubigeo", DataTypes.StringType, false),
        DataTypes.createStructField("lon", DataTypes.DoubleType, false),
        DataTypes.createStructField("lat", DataTypes.DoubleType, false),
        DataTypes.createStructField("weight", DataTypes.DoubleType, false)));
    Row r = DistrictExposure.weightedCentroids(spark.createDataFrame(List.of(
        RowFactory.create("010101", -76.0, -12.0, 1.0), RowFactory.create("010101", -75.0, -11.0, 3.0)), schema)).first();
    assertEquals("district", r.getString(0));
    assertEquals("010101", r.getString(1));
    assertEquals(-75.25, r.getDouble(2), 1e-12); // (-76 * 1 + -75 * 3) / 4
    assertEquals(-11.25, r.getDouble(3), 1e-12);
  }

  private static Dataset<Row> realDistricts(SparkSession spark) throws Exception {
    List<Row> rows = new ArrayList<>();
    WKTWriter w = new WKTWriter();
    for (PeruData.District d : PeruData.districts()) {
      rows.add(RowFactory.create(d.ubigeo(), w.write(d.geometry())));
    }
    return spark.createDataFrame(rows, DISTRICTS);
  }

  /** Real CEM points with made-up opening dates: row r opens on July 1 of 2000 + r % 20. */
  private static Dataset<Row> realCenters(SparkSession spark, List<PeruData.Cem> cems) {
    List<Row> rows = new ArrayList<>();
    for (PeruData.Cem c : cems) {
      rows.add(RowFactory.create("CEM" + c.row(), c.ubigeo(), c.lon(), c.lat(), Date.valueOf((2000 + c.row() % 20) + "-07-01"), null));
    }
    return spark.createDataFrame(rows, CENTERS);
  }

  @Test
  void realDistrictCentroidsAgainstAnIndependentComputation(SparkSession spark) throws Exception {
    List<PeruData.District> ds = PeruData.districts();
    List<PeruData.Cem> cems = PeruData.cems();
    List<String> picked = List.of("150101", "080101", "230110", "160101", "010201", "250101");
    ExposureSpec spec = ExposureSpec.of(2003, 2012);
    Dataset<Row> units = DistrictExposure.centroids(realDistricts(spark)).where(org.apache.spark.sql.functions.col("unit_id").isin(picked.toArray()));
    Map<String, Row> got = new HashMap<>();
    for (Row r : NearestOpenCenter.compute(spark, realCenters(spark, cems), units, spec).collectAsList()) {
      got.put(r.getString(1) + "/" + r.getInt(2), r);
    }
    int checked = 0;
    for (PeruData.District d : ds) {
      if (!picked.contains(d.ubigeo())) {
        continue;
      }
      Point c = d.geometry().getCentroid();
      for (int year = 2003; year <= 2012; year++) {
        String best = null;
        double bestD = Double.POSITIVE_INFINITY;
        int within10 = 0;
        for (PeruData.Cem cem : cems) {
          if (2000 + cem.row() % 20 > year) {
            continue;
          }
          double dist = Vincenty.inverse(c.getY(), c.getX(), cem.lat(), cem.lon());
          if (dist < bestD || (dist == bestD && ("CEM" + cem.row()).compareTo(best) < 0)) {
            bestD = dist;
            best = "CEM" + cem.row();
          }
          within10 += dist <= 10_000 ? 1 : 0;
        }
        Row r = got.get(d.ubigeo() + "/" + year);
        assertEquals("district", r.getString(0));
        assertEquals(best, r.getString(3), d.ubigeo() + " " + year);
        assertEquals(bestD, r.getDouble(4), 0.01);
        assertEquals(within10, r.getInt(r.fieldIndex("centers_within_10km")));
        checked++;
      }
    }
    assertEquals(60, checked);
  }

  @Test
  void realCentersOutsideTheirOwnPolygonAreFlagged(SparkSession spark) throws Exception {
    List<PeruData.Cem> cems = PeruData.cems();
    DistrictLocator loc = DistrictExposure.locator(realDistricts(spark), DistrictAssignment.DEFAULT_TOLERANCE_M);
    long flagged = DistrictExposure.assignDistricts(spark, loc, realCenters(spark, cems)).where("ubigeo_flag is not null").count();
    assertEquals(436 - 383, flagged, "the data README: 383 of 436 points fall in their own UBIGEO polygon");
  }
}
