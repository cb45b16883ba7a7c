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
}
