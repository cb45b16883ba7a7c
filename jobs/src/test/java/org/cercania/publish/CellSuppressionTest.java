package org.cercania.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.io.TableSchema;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Small cells: unit counts from a panel built by hand, and the cells below k published as null. */
@ExtendWith(SparkExtension.class)
class CellSuppressionTest {

  /** A panel of one outcome: 12 units ever in ring1 (cohort 2010), 3 in ring2 (cohort 2012), 9 never treated; years 2008-2013. */
  private static Dataset<Row> panel(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 24; u++) {
      int cohort = u < 12 ? 2010 : u < 15 ? 2012 : 0;
      for (int year = 2008; year <= 2013; year++) {
        boolean on = cohort > 0 && year >= cohort;
        rows.add(RowFactory.create("school", "y", "u" + u, "u" + u, "d" + u % 4, year, 1.0, 1.0, cohort,
            on && u < 12 ? 1 : 0, on && u >= 12 ? 1 : 0, 0, null));
      }
    }
    return spark.createDataFrame(rows, TableSchema.load("panel").structType());
  }

  @Test
  void unitCountsAreTheUnitsIdentifyingEachCell(SparkSession spark) {
    List<Row> est = new ArrayList<>();
    for (String term : List.of("ring1", "ring2", "ring3")) {
      est.add(RowFactory.create("school", "y", false, "twfe", term, 0.5, 0.1, 0.3, 0.7, 0.01, "fixest_default", 144L, 4L, 1.0, null));
    }
    Dataset<Row> e = CellSuppression.withEstimateUnits(spark.createDataFrame(est, TableSchema.load("estimates").structType()),
        panel(spark), List.of("ring1", "ring2", "ring3"));
    Map<String, Long> units = new TreeMap<>();
    for (Row r : e.collectAsList()) {
      units.put(r.getAs("term"), r.getAs("cell_units"));
      assertEquals(9L, (long) r.getAs("baseline_units"));
    }
    assertEquals(Map.of("ring1", 12L, "ring2", 3L, "ring3", 0L), units);

    // Event times, window [-2, 2]: ring1 units (cohort 2010) are at -2..3, ring2 units (2012) at -4..1; binned at the ends.
    List<Row> ev = new ArrayList<>();
    for (int t = -2; t <= 2; t++) {
      ev.add(RowFactory.create("school", "y", t, 0.1, 0.1, 0.0, 0.2, null));
    }
    Map<Integer, Long> byTime = new TreeMap<>();
    for (Row r : CellSuppression.withEventUnits(spark.createDataFrame(ev, TableSchema.load("event_study").structType()),
        panel(spark), -2, 2).collectAsList()) {
      byTime.put(r.getAs("event_time"), r.getAs("cell_units"));
    }
    assertEquals(Map.of(-2, 15L, -1, 15L, 0, 15L, 1, 15L, 2, 12L), byTime);
  }

  @Test
  void cellsFromFewerThanKUnitsArePublishedAsNullAndMarked(SparkSession spark) {
    TableSchema c = TableSchema.load("published_estimates");
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("school", "y", false, "twfe", "ring1", 0.5, 0.1, 0.3, 0.7, 0.01, "f", 100L, 10L, 2.0, null, 10L, 10L));
    rows.add(RowFactory.create("school", "y", false, "twfe", "ring2", 0.5, 0.1, 0.3, 0.7, 0.01, "f", 100L, 10L, 2.0, null, 9L, 10L));
    rows.add(RowFactory.create("school", "y", false, "twfe", "ring3", 0.5, 0.1, 0.3, 0.7, 0.01, "f", 100L, 10L, 2.0, null, 10L, 9L));
    org.apache.spark.sql.types.StructType t = TableSchema.load("estimates").structType()
        .add("cell_units", "long").add("baseline_units", "long");
    Map<String, Row> out = new TreeMap<>();
    for (Row r : c.conform(CellSuppression.apply(spark.createDataFrame(rows, t), c, 10)).collectAsList()) {
      out.put(r.getAs("term"), r);
    }
    Row kept = out.get("ring1");
    assertFalse(kept.<Boolean>getAs("suppressed"));
    assertEquals(0.5, kept.<Double>getAs("estimate"));
    assertEquals(2.0, kept.<Double>getAs("baseline_mean"));
    Row small = out.get("ring2");
    assertTrue(small.<Boolean>getAs("suppressed"));
    for (String cell : List.of("estimate", "se", "conf_low", "conf_high", "p_value")) {
      assertTrue(small.isNullAt(small.fieldIndex(cell)), cell);
    }
    assertEquals(2.0, small.<Double>getAs("baseline_mean"), "its baseline has 10 units");
    assertEquals(100L, (long) small.getAs("n_obs"), "counts over all units stay");
    Row smallBaseline = out.get("ring3");
    assertTrue(smallBaseline.<Boolean>getAs("suppressed"));
    assertTrue(smallBaseline.isNullAt(smallBaseline.fieldIndex("baseline_mean")));
    assertEquals(0.5, smallBaseline.<Double>getAs("estimate"));
  }

  @Test
  void baconComparisonsCountTheSmallerGroupAndSuppressBelowK(SparkSession spark) {
    // Cohorts of the hand-built panel: 2010 has 12 units, 2012 has 3, never treated (0) 9.
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("school", "y", "Treated vs Untreated", 2010, 0, 0.4, 0.5));
    rows.add(RowFactory.create("school", "y", "Treated vs Untreated", 2012, 0, 0.2, 0.2));
    rows.add(RowFactory.create("school", "y", "Earlier vs Later Treated", 2010, 2012, 0.3, 0.2));
    rows.add(RowFactory.create("school", "y", "Later vs Earlier Treated", 2012, 2010, 0.1, 0.1));
    Dataset<Row> bacon = CellSuppression.withBaconUnits(
        spark.createDataFrame(rows, TableSchema.load("bacon_by_outcome").structType()), panel(spark));
    TableSchema c = TableSchema.load("published_bacon");
    Map<String, Row> out = new TreeMap<>();
    for (Row r : c.conform(CellSuppression.apply(bacon, c, 5)).collectAsList()) {
      out.put(r.getAs("treated_cohort") + "/" + r.getAs("control_cohort"), r);
    }
    assertEquals(9L, (long) out.get("2010/0").getAs("cell_units"), "min(12, 9)");
    assertEquals(3L, (long) out.get("2012/0").getAs("cell_units"), "min(3, 9)");
    assertEquals(3L, (long) out.get("2010/2012").getAs("cell_units"));
    assertEquals(3L, (long) out.get("2012/2010").getAs("cell_units"));
    assertEquals(0.4, out.get("2010/0").<Double>getAs("estimate"));
    assertFalse(out.get("2010/0").<Boolean>getAs("suppressed"));
    for (String k : List.of("2012/0", "2010/2012", "2012/2010")) {
      Row r = out.get(k);
      assertTrue(r.<Boolean>getAs("suppressed"), k);
      assertTrue(r.isNullAt(r.fieldIndex("estimate")), k);
      assertTrue(r.<Double>getAs("weight") > 0, k + ": the weight stays");
    }
  }

  private static Row ring(String estimator, double lower, double upper, long treated) {
    return RowFactory.create("survey", "dv_emotional", estimator, lower, upper, 0.5, 0.1, 0.3, 0.7, 0.2, 0.8, 0.01, 200L, treated,
        12L, 0.4);
  }

  @Test
  void ringCellsFromFewerThanKTreatedUnitsAreNullAndMarkedInEveryDistanceTable(SparkSession spark) {
    // Bands 0-1 km with 10 treated units and 1-2 km with 9 (both with 200 units in the estimation: the comparison units
    // do not count), for cs and sun-abraham; and one band ring_effects does not know (its event rows must not pass unchecked).
    List<Row> effects = List.of(ring("cs", 0, 1000, 10), ring("cs", 1000, 2000, 9), ring("sun-abraham", 0, 1000, 10),
        ring("sun-abraham", 1000, 2000, 9));
    Dataset<Row> re = spark.createDataFrame(effects, TableSchema.load("ring_effects").structType());
    for (String table : List.of("ring_effects", "distance_curve")) {
      TableSchema c = TableSchema.load("published_" + table);
      Map<String, Row> out = new TreeMap<>();
      for (Row r : c.conform(CellSuppression.apply(spark.createDataFrame(effects, TableSchema.load(table).structType()), c, 10))
          .collectAsList()) {
        out.put(r.getAs("estimator") + "/" + r.getAs("ring_lower_m"), r);
      }
      for (String e : List.of("cs", "sun-abraham")) {
        Row ten = out.get(e + "/0.0");
        assertFalse(ten.<Boolean>getAs("suppressed"), table + " " + e);
        assertEquals(0.5, ten.<Double>getAs("estimate"));
        assertEquals(0.01, ten.<Double>getAs("p_value"));
        Row nine = out.get(e + "/1000.0");
        assertTrue(nine.<Boolean>getAs("suppressed"), table + " " + e);
        for (String cell : List.of("estimate", "se", "conf_low", "conf_high", "uniform_low", "uniform_high", "p_value", "truth")) {
          assertTrue(nine.isNullAt(nine.fieldIndex(cell)), table + " " + e + " " + cell);
        }
        assertEquals(9L, (long) nine.getAs("n_treated"));
        assertEquals(200L, (long) nine.getAs("n_units"), "the design's counts stay");
      }
    }

    List<Row> events = new ArrayList<>();
    List<Row> honest = new ArrayList<>();
    for (double lower : new double[] {0, 1000, 2000}) {
      for (int t = -2; t <= 1; t++) {
        events.add(RowFactory.create("survey", "dv_emotional", "sun-abraham", lower, lower + 1000, t, 0.1, 0.05, 0.0, 0.2, -0.1,
            0.3, null));
        for (int u = -2; u <= 1; u++) {
          honest.add(RowFactory.create("survey", "dv_emotional", "sun-abraham", lower, lower + 1000, t, u, 0.1, 0.01, 1, 2));
        }
      }
    }
    TableSchema ce = TableSchema.load("published_ring_event_study");
    List<Row> ev = ce.conform(CellSuppression.apply(CellSuppression.withRingUnits(
        spark.createDataFrame(events, TableSchema.load("ring_event_study").structType()), re), ce, 10)).collectAsList();
    TableSchema ch = TableSchema.load("published_ring_honest_did");
    List<Row> hd = ch.conform(CellSuppression.apply(CellSuppression.withRingUnits(
        spark.createDataFrame(honest, TableSchema.load("ring_honest_did").structType()), re), ch, 10)).collectAsList();
    assertEquals(12, ev.size());
    assertEquals(48, hd.size());
    Map<Double, Long> treated = Map.of(0.0, 10L, 1000.0, 9L, 2000.0, 0L);
    for (Row r : ev) {
      double lower = r.getAs("ring_lower_m");
      assertEquals(treated.get(lower), (Long) r.getAs("n_treated"));
      boolean small = lower > 0;
      assertEquals(small, r.<Boolean>getAs("suppressed"), "event row of band " + lower);
      for (String cell : List.of("estimate", "se", "conf_low", "conf_high", "uniform_low", "uniform_high")) {
        assertEquals(small, r.isNullAt(r.fieldIndex(cell)), cell + " of band " + lower);
      }
    }
    for (Row r : hd) {
      double lower = r.getAs("ring_lower_m");
      boolean small = lower > 0;
      assertEquals(treated.get(lower), (Long) r.getAs("n_treated"));
      assertEquals(small, r.<Boolean>getAs("suppressed"), "covariance row of band " + lower);
      assertEquals(small, r.isNullAt(r.fieldIndex("covariance")), "covariance of band " + lower);
      assertEquals(small, r.isNullAt(r.fieldIndex("estimate")), "estimate of band " + lower);
      assertEquals(2, (int) r.getAs("n_post"), "the design's counts stay");
    }
  }

  @Test
  void ingestSummaryCountsOfPeopleBelowKAreSuppressedCountsOfOfficesAreNot(SparkSession spark) {
    assertTrue(AnalystTables.aboutPeople("survey"));
    assertTrue(AnalystTables.aboutPeople("femicides"));
    assertTrue(AnalystTables.aboutPeople("hospitalizations"));
    assertTrue(AnalystTables.aboutPeople("no_such_source"), "unknown: counted as people");
    for (String s : List.of("centers", "districts", "population", "schools", "school_years")) {
      assertFalse(AnalystTables.aboutPeople(s), s);
    }
    TableSchema c = TableSchema.load("ingest_summary");
    org.apache.spark.sql.types.StructType t = new org.apache.spark.sql.types.StructType().add("run_id", "string")
        .add("kind", "string").add("source", "string").add("reason", "string").add("field", "string").add("rows", "long")
        .add("files", "int").add("people", "long");
    List<Row> rows = List.of(RowFactory.create("r", "reject", "survey", "OUT_OF_RANGE", "age", 9L, 1, 9L),
        RowFactory.create("r", "reject", "survey", "MALFORMED_ROW", "", 10L, 1, 10L),
        RowFactory.create("r", "reject", "centers", "MALFORMED_ROW", "", 2L, 1, null));
    Map<String, Row> out = new TreeMap<>();
    for (Row r : c.conform(CellSuppression.apply(spark.createDataFrame(rows, t), c, 10)).collectAsList()) {
      out.put(r.getAs("source") + "/" + r.getAs("reason"), r);
    }
    Row nine = out.get("survey/OUT_OF_RANGE");
    assertTrue(nine.<Boolean>getAs("suppressed"));
    assertTrue(nine.isNullAt(nine.fieldIndex("rows")));
    assertEquals(1, (int) nine.getAs("files"));
    Row ten = out.get("survey/MALFORMED_ROW");
    assertFalse(ten.<Boolean>getAs("suppressed"));
    assertEquals(10L, (long) ten.getAs("rows"));
    Row centers = out.get("centers/MALFORMED_ROW");
    assertFalse(centers.<Boolean>getAs("suppressed"), "centers are offices, not people");
    assertEquals(2L, (long) centers.getAs("rows"));
  }
}
