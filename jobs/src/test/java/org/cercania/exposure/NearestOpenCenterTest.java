package org.cercania.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cercania.errors.CercaniaException;
import org.cercania.geo.CenterIndex;
import org.cercania.geo.CenterIndexTest;
import org.cercania.geo.Vincenty;
import org.cercania.io.TableSchema;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class NearestOpenCenterTest {
  static final StructType CENTERS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("center_id", DataTypes.StringType, false),
      DataTypes.createStructField("lon", DataTypes.DoubleType, false),
      DataTypes.createStructField("lat", DataTypes.DoubleType, false),
      DataTypes.createStructField("opened_on", DataTypes.DateType, false),
      DataTypes.createStructField("closed_on", DataTypes.DateType, true)));
  static final StructType UNITS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("unit_type", DataTypes.StringType, false),
      DataTypes.createStructField("unit_id", DataTypes.StringType, false),
      DataTypes.createStructField("lon", DataTypes.DoubleType, true),
      DataTypes.createStructField("lat", DataTypes.DoubleType, true),
      DataTypes.createStructField("extra", DataTypes.StringType, true)));

  static Dataset<Row> centersFrame(SparkSession spark, List<CenterIndex.Center> cs) {
    List<Row> rows = new ArrayList<>();
    for (CenterIndex.Center c : cs) {
      rows.add(RowFactory.create(c.id(), c.lon(), c.lat(), Date.valueOf(LocalDate.ofEpochDay(c.openedOn())),
          c.closedOn() == null ? null : Date.valueOf(LocalDate.ofEpochDay(c.closedOn()))));
    }
    return spark.createDataFrame(rows, CENTERS);
  }

  @Test
  void everyUnitYearAndRingMatchesBruteForce(SparkSession spark) {
    Random rnd = new Random(99);
    List<CenterIndex.Center> cs = CenterIndexTest.randomCenters(rnd, 150);
    List<Row> units = new ArrayList<>();
    List<double[]> pts = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double[] p = i < 40 ? new double[] {cs.get(i).lon(), cs.get(i).lat()}
          : i % 2 == 0 ? new double[] {-77.2 + 0.4 * rnd.nextDouble(), -12.3 + 0.5 * rnd.nextDouble()}
          : new double[] {-81.3 + 12.6 * rnd.nextDouble(), -18.3 + 18.3 * rnd.nextDouble()};
      pts.add(p);
      units.add(RowFactory.create(i % 3 == 0 ? "school" : "survey_cluster", "U" + i, p[0], p[1], "x"));
    }
    units.add(RowFactory.create("school", "NOWHERE", null, null, "x")); // no location: left out
    ExposureSpec spec = new ExposureSpec(2001, 2024, List.of(10.0, 1.0, 2.5, 5.0), 7, 1);
    Dataset<Row> out = NearestOpenCenter.compute(spark, centersFrame(spark, cs), spark.createDataFrame(units, UNITS), spec);

    List<String> cols = List.of(out.columns());
    assertEquals(List.of("unit_type", "unit_id", "year", "nearest_center_id", "nearest_distance_m",
        "centers_within_1km", "centers_within_2p5km", "centers_within_5km", "centers_within_10km",
        "cohort_1km", "cohort_2p5km", "cohort_5km", "cohort_10km",
        "years_since_1km", "years_since_2p5km", "years_since_5km", "years_since_10km"), cols);
    assertEquals(TableSchema.load("exposure").columnNames(), cols.subList(0, 5), "the contract's fixed columns lead");

    Map<String, Row> byKey = new HashMap<>();
    for (Row r : out.collectAsList()) {
      byKey.put(r.getString(1) + "/" + r.getInt(2), r);
    }
    assertEquals(400 * 24, byKey.size());
    double[] radiiM = {1_000, 2_500, 5_000, 10_000};
    for (int i = 0; i < pts.size(); i++) {
      double[] p = pts.get(i);
      double[] d = new double[cs.size()];
      for (int k = 0; k < cs.size(); k++) {
        d[k] = Vincenty.inverse(p[1], p[0], cs.get(k).lat(), cs.get(k).lon());
      }
      int[] cohort = new int[radiiM.length];
      for (int year = 2001; year <= 2024; year++) {
        long ref = LocalDate.of(year, 7, 1).toEpochDay();
        String bestId = null;
        double best = Double.POSITIVE_INFINITY;
        int[] n = new int[radiiM.length];
        for (int k = 0; k < cs.size(); k++) {
          CenterIndex.Center c = cs.get(k);
          if (!(c.openedOn() <= ref && (c.closedOn() == null || c.closedOn() > ref))) {
            continue;
          }
          if (d[k] < best || (d[k] == best && c.id().compareTo(bestId) < 0)) {
            best = d[k];
            bestId = c.id();
          }
          for (int r = 0; r < radiiM.length; r++) {
            n[r] += d[k] <= radiiM[r] ? 1 : 0;
          }
        }
        for (int r = 0; r < radiiM.length; r++) {
          if (cohort[r] == 0 && n[r] > 0) {
            cohort[r] = year;
          }
        }
        Row row = byKey.get("U" + i + "/" + year);
        assertEquals(i % 3 == 0 ? "school" : "survey_cluster", row.getString(0));
        assertEquals(bestId, row.getString(3), "U" + i + " " + year);
        if (bestId == null) {
          assertTrue(row.isNullAt(4));
        } else {
          assertEquals(best, row.getDouble(4), 0.01);
        }
        for (int r = 0; r < radiiM.length; r++) {
          assertEquals(n[r], row.getInt(5 + r), "count U" + i + " " + year + " r" + r);
        }
      }
      for (int year = 2001; year <= 2024; year++) {
        Row row = byKey.get("U" + i + "/" + year);
        for (int r = 0; r < radiiM.length; r++) {
          assertEquals(cohort[r], row.getInt(9 + r), "cohort U" + i + " r" + r);
          if (cohort[r] == 0) {
            assertTrue(row.isNullAt(13 + r));
          } else {
            assertEquals(year - cohort[r], row.getInt(13 + r));
          }
        }
      }
    }
  }

  @Test
  void badCentersAreNamedByKey(SparkSession spark) {
    Dataset<Row> units = spark.createDataFrame(List.of(RowFactory.create("school", "U1", -77.0, -12.0, null)), UNITS);
    List<CenterIndex.Center> twice = List.of(new CenterIndex.Center("C1", -77, -12, 10_000, null),
        new CenterIndex.Center("C1", -76, -12, 10_000, null));
    CercaniaException e = assertThrows(CercaniaException.class,
        () -> NearestOpenCenter.compute(spark, centersFrame(spark, twice), units, ExposureSpec.of(2000, 2005)));
    assertEquals("centers: center_id 'C1' appears more than once; it must be unique", e.getMessage());
    List<CenterIndex.Center> backwards = List.of(new CenterIndex.Center("C2", -77, -12, LocalDate.parse("2010-01-01").toEpochDay(),
        LocalDate.parse("2009-01-01").toEpochDay()));
    e = assertThrows(CercaniaException.class,
        () -> NearestOpenCenter.compute(spark, centersFrame(spark, backwards), units, ExposureSpec.of(2000, 2005)));
    assertEquals("centers: center_id 'C2', field 'closed_on': value '2009-01-01' is not after opened_on (2010-01-01)", e.getMessage());
    e = assertThrows(CercaniaException.class, () -> NearestOpenCenter.compute(spark, centersFrame(spark, List.of()),
        units.drop("lat"), ExposureSpec.of(2000, 2005)));
    assertEquals("units: required column 'lat' is missing; columns present: unit_type, unit_id, lon, extra", e.getMessage());
  }

  @Test
  void noUnitTypeAndNoOpenCenter(SparkSession spark) {
    Dataset<Row> units = spark.createDataFrame(List.of(RowFactory.create("school", "U1", -77.0, -12.0, null)), UNITS)
        .drop("unit_type", "extra");
    List<CenterIndex.Center> late = List.of(new CenterIndex.Center("C1", -77, -12, LocalDate.parse("2004-07-01").toEpochDay(), null));
    List<Row> rows = NearestOpenCenter.compute(spark, centersFrame(spark, late), units, ExposureSpec.of(2003, 2005).withRadiiKm(List.of(1.0)))
        .orderBy("year").collectAsList();
    assertEquals(3, rows.size());
    assertEquals("unit_id", rows.get(0).schema().fieldNames()[0]);
    assertNull(rows.get(0).getString(2));
    assertTrue(rows.get(0).isNullAt(3));
    assertEquals(0, rows.get(0).getInt(4));
    assertEquals(2004, rows.get(0).getInt(5));
    assertEquals(-1, rows.get(0).getInt(6)); // 2003 is one year before the cohort
    assertEquals("C1", rows.get(1).getString(2));
    assertEquals(0.0, rows.get(1).getDouble(3), 0);
    assertEquals(1, rows.get(2).getInt(4));
    assertEquals(1, rows.get(2).getInt(6));
  }
}
