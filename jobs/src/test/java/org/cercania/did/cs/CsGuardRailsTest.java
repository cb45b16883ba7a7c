package org.cercania.did.cs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.cercania.did.DidSpec;
import org.cercania.did.SimPanel;
import org.cercania.errors.CercaniaException;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** R did's data rules and the estimator's refusals, with their exact messages. */
@ExtendWith(SparkExtension.class)
class CsGuardRailsTest {
  static final int[] PERIODS = {1, 2, 3, 4, 5, 6};

  private static Dataset<Row> frame(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, SimPanel.SCHEMA);
  }

  /** Rows of the simulated panel with the cohort of units i % every == 0 replaced. */
  private static List<Row> recohort(SimPanel sim, int every, int cohort) {
    List<Row> out = new ArrayList<>();
    for (Row r : sim.rows()) {
      long id = r.getLong(0);
      out.add(id % every == 0 ? RowFactory.create(id, r.get(1), cohort, r.get(3), r.get(4), r.get(5)) : r);
    }
    return out;
  }

  @Test
  void dropsUnitsTreatedInTheFirstPeriodWithACount(SparkSession spark) {
    SimPanel sim = SimPanel.make(3, 200, PERIODS, new int[] {0, 3, 4}, 0.3);
    CallawaySantAnna.Result base = new CallawaySantAnna().run(frame(spark, sim.rows()), SimPanel.spec().build());
    CallawaySantAnna.Result r = new CallawaySantAnna().run(frame(spark, recohort(sim, 10, 1)), SimPanel.spec().build());
    assertEquals(List.of("dropped 20 units that were already treated in the first period"), r.notes());
    assertEquals(180, r.n());
    assertEquals(base.tables().get("att_gt").count(), r.tables().get("att_gt").count());
  }

  @Test
  void cohortsAfterTheLastPeriodAreNeverTreatedAsInR(SparkSession spark) {
    SimPanel sim = SimPanel.make(5, 200, PERIODS, new int[] {0, 3, 4}, 0.3);
    List<Row> rows = new ArrayList<>();
    for (Row r : sim.rows()) {
      int g = r.getInt(2);
      rows.add(g == 0 && r.getLong(0) % 2 == 0 ? RowFactory.create(r.get(0), r.get(1), 9, r.get(3), r.get(4), r.get(5)) : r);
    }
    CallawaySantAnna.Result r = new CallawaySantAnna().run(frame(spark, rows), SimPanel.spec().build());
    assertEquals(List.of("cohort(s) 9 start after the last period 6: their units are treated as never treated (as R did does)"),
        r.notes());
    CallawaySantAnna.Result same = new CallawaySantAnna().run(frame(spark, sim.rows()), SimPanel.spec().build());
    assertEquals(same.tables().get("aggregates").collectAsList(), r.tables().get("aggregates").collectAsList());
  }

  @Test
  void skipsCellsWithoutControlsNamingThemAndKeepsTheControlGroup(SparkSession spark) {
    SimPanel sim = SimPanel.make(9, 200, PERIODS, new int[] {0, 3, 5}, 0.3);
    List<Row> rows = new ArrayList<>();
    for (Row r : sim.rows()) {
      if (!(r.getInt(2) == 0 && r.getInt(1) == 2)) { // never-treated units miss period 2: all dropped
        rows.add(r);
      }
    }
    CallawaySantAnna.Result r = new CallawaySantAnna().run(frame(spark, rows),
        SimPanel.spec().control(DidSpec.ControlGroup.NOT_YET).build());
    long never = java.util.Arrays.stream(sim.cohort).filter(g -> g == 0).count();
    assertEquals(List.of(
        "dropped " + never + " units not observed in every period (balanced panel, as R did)",
        "small groups (fewer than 5 units): cohort(s) 0",
        "ATT(g,t) for cohort 3 in period 5 skipped: no available control units (not-yet-treated)",
        "ATT(g,t) for cohort 3 in period 6 skipped: no available control units (not-yet-treated)",
        // before period 5 cohort 5 is compared with cohorts treated after t: there are none
        "ATT(g,t) for cohort 5 in period 3 skipped: no available control units (not-yet-treated)",
        "ATT(g,t) for cohort 5 in period 4 skipped: no available control units (not-yet-treated)",
        "ATT(g,t) for cohort 5 in period 5 skipped: no available control units (not-yet-treated)",
        "ATT(g,t) for cohort 5 in period 6 skipped: no available control units (not-yet-treated)",
        // ATT(3,2) and ATT(5,2) compare the same two cohorts with opposite signs
        "no pre-test Wald statistic: the pre-treatment covariance matrix is singular"), r.notes());
    assertEquals(4, r.tables().get("att_gt").count()); // 10 cells planned, 6 skipped
    assertTrue(r.tables().get("att_gt").filter("cohort = 5 and time >= 5").isEmpty());

    CercaniaException e = assertThrows(CercaniaException.class,
        () -> new CallawaySantAnna().run(frame(spark, rows), SimPanel.spec().build()));
    assertEquals("ESTIMATION", e.code());
    assertEquals("cs: the never-treated group has fewer than 5 units; try control group NOT_YET", e.getMessage());
  }

  @Test
  void skipsCellsWithoutTreatedUnits(SparkSession spark) {
    SimPanel sim = SimPanel.make(13, 200, PERIODS, new int[] {0, 3, 5}, 0.3);
    List<Row> rows = new ArrayList<>();
    for (Row r : sim.rows()) {
      if (!(r.getInt(2) == 5 && r.getInt(1) == 1)) {
        rows.add(r);
      }
    }
    CallawaySantAnna.Result r = new CallawaySantAnna().run(frame(spark, rows), SimPanel.spec().build());
    assertTrue(r.notes().contains("ATT(g,t) for cohort 5 in period 2 skipped: no treated units"), r.notes().toString());
    assertTrue(r.tables().get("att_gt").filter("cohort = 5").isEmpty());
    assertEquals(5, r.tables().get("att_gt").count());
  }

  @Test
  void refusesInconsistentUnits(SparkSession spark) {
    SimPanel sim = SimPanel.make(17, 60, PERIODS, new int[] {0, 3, 5}, 0.3);
    List<Row> dup = new ArrayList<>(sim.rows());
    dup.add(sim.rows().get(7));
    CercaniaException e = assertThrows(CercaniaException.class,
        () -> new CallawaySantAnna().run(frame(spark, dup), SimPanel.spec().build()));
    assertEquals("cs: 1 unit(s) have more than one row in a period (column 'period'), e.g. unit '1' (column 'id')", e.getMessage());

    List<Row> moving = new ArrayList<>();
    for (Row r : sim.rows()) {
      boolean change = r.getLong(0) == 4 && r.getInt(1) == 6;
      moving.add(change ? RowFactory.create(r.get(0), r.get(1), r.getInt(2) == 3 ? 5 : 3, r.get(3), r.get(4), r.get(5)) : r);
    }
    e = assertThrows(CercaniaException.class, () -> new CallawaySantAnna().run(frame(spark, moving), SimPanel.spec().build()));
    assertEquals("cs: 1 unit(s) have a cohort (column 'g') that changes over time, e.g. unit '4' (column 'id')", e.getMessage());

    List<Row> weights = new ArrayList<>();
    for (Row r : sim.rows()) {
      boolean change = r.getLong(0) == 9 && r.getInt(1) == 2;
      weights.add(change ? RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), 7.0, r.get(5)) : r);
    }
    e = assertThrows(CercaniaException.class,
        () -> new CallawaySantAnna().run(frame(spark, weights), SimPanel.spec().weights("w").build()));
    assertEquals("cs: 1 unit(s) have a weight (column 'w') that changes over time; panel weights must be constant within unit,"
        + " e.g. unit '9' (column 'id')", e.getMessage());

    e = assertThrows(CercaniaException.class,
        () -> new CallawaySantAnna().run(frame(spark, sim.rows()), SimPanel.spec().covariates(List.of("x1")).build()));
    assertEquals("MISSING_COLUMN", e.code());
    assertEquals("the panel: required column 'x1' is missing; columns present: id, period, g, y, w, cl", e.getMessage());
  }

  @Test
  void cr2IsForPanelsWithoutCovariates(SparkSession spark) {
    SimPanel sim = SimPanel.make(3, 200, PERIODS, new int[] {0, 3, 4}, 0.3);
    CercaniaException e = assertThrows(CercaniaException.class, () -> new CallawaySantAnna(CsOptions.defaults().withCr2(true))
        .run(frame(spark, sim.rows()), SimPanel.spec().covariates(List.of("w")).build()));
    assertEquals("ESTIMATION", e.code());
    assertEquals("cs: the CR2 adjustment is defined for panel data without covariates", e.getMessage());
  }
}
