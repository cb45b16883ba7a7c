package org.cercania.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cercania.testing.SparkExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The curve summary's arithmetic on three hand-made seeds of one outcome's curve (planted reach 5 km), every
 * expected number worked out by hand in the comments.
 */
@ExtendWith(SparkExtension.class)
class CurveSummaryTest {
  static SeedCurve.Bin bin(double lo, double hi, double est, Double se, Double cl, Double ch, Double ul, Double uh, Double p,
      Double truth) {
    return bin(lo, hi, est, se, cl, ch, ul, uh, p, truth, 20);
  }

  static SeedCurve.Bin bin(double lo, double hi, double est, Double se, Double cl, Double ch, Double ul, Double uh, Double p,
      Double truth, long treated) {
    return new SeedCurve.Bin("school", "y", "imputation", lo, hi, est, se, cl, ch, ul, uh, p, treated, truth);
  }

  /**
   * seed 1: bins 0-1, 1-5, 5-10 km; seed 2: 0-1.5, 1.5-10 km (given far bin first); seed 3: 0-0.75, 0.75-5.25,
   * 5.25-10 km, its middle bin without SE, intervals, p value or truth. Published estimates need 10 treated units;
   * every bin has 20 but seed 2's far bin, 4.
   */
  static CurveSummary threeSeeds(Double reachM) {
    CurveSummary s = new CurveSummary(reachM, 10);
    s.add(List.of(
        // covers 0.25 pointwise and uniformly; p < 0.05
        bin(0, 1000, 0.30, 0.05, 0.20, 0.40, 0.17, 0.43, 0.001, 0.25),
        // covers 0.05 both ways; p = 0.04 rejects
        bin(1000, 5000, 0.10, 0.05, 0.00, 0.20, -0.03, 0.23, 0.04, 0.05),
        // pointwise [-0.039, -0.001] misses 0, the uniform band covers it; rejects; beyond the reach (5 km >= 5 km)
        bin(5000, 10000, -0.02, 0.01, -0.039, -0.001, -0.05, 0.01, 0.045, 0.0)));
    s.add(List.of(
        // misses 0.02 both ways; rejects; lower edge 1.5 km: not beyond; 4 treated units: not published
        bin(1500, 10000, 0.20, 0.05, 0.10, 0.30, 0.08, 0.32, 0.0001, 0.02, 4),
        // covers 0.2 both ways; p = 0.13
        bin(0, 1500, 0.15, 0.10, -0.05, 0.35, -0.08, 0.38, 0.13, 0.20)));
    s.add(List.of(
        bin(0, 750, 0.40, 0.10, 0.20, 0.60, 0.15, 0.65, 0.00006, 0.30),
        // nothing but the estimate: covers nothing, rejects nothing, truth counts as 0
        bin(750, 5250, 0.05, null, null, null, null, null, null, null),
        // covers 0 both ways; p = 0.62; beyond the reach
        bin(5250, 10000, 0.01, 0.02, -0.03, 0.05, -0.04, 0.06, 0.62, 0.0)));
    return s;
  }

  @Test
  void binByBinOverSeedsWithDifferentBins() {
    List<CurveSummary.BinLine> lines = threeSeeds(5000.0).bins();
    assertEquals(3, lines.size());

    CurveSummary.BinLine k1 = lines.get(0);
    assertEquals(1, k1.bin());
    assertEquals(3, k1.seeds());
    assertEquals(0.0, k1.lowerM(), 1e-9);
    assertEquals((1000 + 1500 + 750) / 3.0, k1.upperM(), 1e-9);
    assertEquals(0.25, k1.truth(), 1e-12);                 // (0.25 + 0.20 + 0.30) / 3
    assertEquals(0.10 / 3, k1.bias(), 1e-12);               // (0.05 - 0.05 + 0.10) / 3
    assertEquals(0.25 / 3, k1.meanSe(), 1e-12);             // (0.05 + 0.10 + 0.10) / 3
    assertEquals(Math.sqrt(57) / 60, k1.sdEstimate(), 1e-12); // 0.30, 0.15, 0.40 = (18, 9, 24) / 60: squares 1 + 64 + 49 = 114, / 2
    assertEquals(1.0, k1.coverage(), 1e-12);
    assertEquals(1.0, k1.uniformCoverage(), 1e-12);
    assertEquals(2.0 / 3, k1.rejection(), 1e-12);
    assertEquals(false, k1.beyondReach());
    assertEquals(3, k1.seedsPublished());
    assertEquals(1.0, k1.coveragePublished(), 1e-12);
    assertEquals(2.0 / 3, k1.rejectionPublished(), 1e-12);

    CurveSummary.BinLine k2 = lines.get(1);
    assertEquals(3, k2.seeds());
    assertEquals((1000 + 1500 + 750) / 3.0, k2.lowerM(), 1e-9);
    assertEquals(6750.0, k2.upperM(), 1e-9);                // (5000 + 10000 + 5250) / 3
    assertEquals(0.07 / 3, k2.truth(), 1e-12);              // (0.05 + 0.02 + 0) / 3
    assertEquals(0.28 / 3, k2.bias(), 1e-12);               // (0.05 + 0.18 + 0.05) / 3
    assertEquals(0.05, k2.meanSe(), 1e-12);                 // over the two seeds with an SE
    assertEquals(Math.sqrt(21) / 60, k2.sdEstimate(), 1e-12); // 0.10, 0.20, 0.05 = (6, 12, 3) / 60: mean 7, squares 1 + 25 + 16 = 42, / 2
    assertEquals(1.0 / 3, k2.coverage(), 1e-12);
    assertEquals(1.0 / 3, k2.uniformCoverage(), 1e-12);
    assertEquals(2.0 / 3, k2.rejection(), 1e-12);           // p 0.04 and 0.0001; seed 3 has none
    assertEquals(false, k2.beyondReach());
    assertEquals(2, k2.seedsPublished());                   // seed 2's bin 2 has 4 treated units
    assertEquals(0.5, k2.coveragePublished(), 1e-12);        // seed 1 covers, seed 3 has no interval
    assertEquals(0.5, k2.rejectionPublished(), 1e-12);       // seed 1 rejects, seed 3 has no p value

    CurveSummary.BinLine k3 = lines.get(2);
    assertEquals(2, k3.seeds());                            // seed 2 has two bins only
    assertEquals(5125.0, k3.lowerM(), 1e-9);
    assertEquals(10000.0, k3.upperM(), 1e-9);
    assertEquals(0.0, k3.truth(), 1e-12);
    assertEquals(-0.005, k3.bias(), 1e-12);                 // (-0.02 + 0.01) / 2
    assertEquals(0.015, k3.meanSe(), 1e-12);
    assertEquals(0.015 * Math.sqrt(2), k3.sdEstimate(), 1e-12); // two values 0.03 apart
    assertEquals(0.5, k3.coverage(), 1e-12);
    assertEquals(1.0, k3.uniformCoverage(), 1e-12);
    assertEquals(0.5, k3.rejection(), 1e-12);
    assertEquals(true, k3.beyondReach());
    assertEquals(2, k3.seedsPublished());
  }

  @Test
  void wholeCurveChecks() {
    List<CurveSummary.CurveLine> lines = threeSeeds(5000.0).curves();
    assertEquals(1, lines.size());
    CurveSummary.CurveLine c = lines.get(0);
    assertEquals(3, c.seeds());
    assertEquals(2, c.minBins());
    assertEquals(3, c.maxBins());
    // seed 1's uniform band covers all three bins; seed 2 misses its far bin; seed 3's middle bin has no band
    assertEquals(1.0 / 3, c.uniformCoverage(), 1e-12);
    // |first| > |last|: seed 1 0.30 > 0.02, seed 2 0.15 < 0.20, seed 3 0.40 > 0.01
    assertEquals(2.0 / 3, c.nearExceedsFar(), 1e-12);
    // mean first bin (0.30 + 0.15 + 0.40) / 3 = 0.283 against mean last bin (-0.02 + 0.20 + 0.01) / 3 = 0.063
    assertEquals(Boolean.TRUE, c.meanNearExceedsFar());
    // beyond 5 km in their own seed: seed 1's 5-10 (p 0.045) and seed 3's 5.25-10 (p 0.62); seed 2's 1.5-10 is not
    assertEquals(2, c.beyondReachBins());
    assertEquals(0.5, c.beyondReachRejection(), 1e-12);
  }

  @Test
  void withoutAPlantedReachNothingIsBeyondIt() {
    CurveSummary s = threeSeeds(null);
    for (CurveSummary.BinLine l : s.bins()) {
      assertNull(l.beyondReach());
    }
    CurveSummary.CurveLine c = s.curves().get(0);
    assertEquals(0, c.beyondReachBins());
    assertTrue(Double.isNaN(c.beyondReachRejection()));
    assertEquals(2.0 / 3, c.nearExceedsFar(), 1e-12);
  }

  @Test
  void tablesFollowTheirContracts(SparkSession spark) {
    CurveSummary s = threeSeeds(5000.0);
    s.add(List.of(new SeedCurve.Bin("survey", "z", "imputation", 0, 10000, 0.1, null, null, null, null, null, null, 3, null)));
    // 3 treated units: not published, so no published coverage
    List<Row> bins = s.binTable(spark).collectAsList();
    assertEquals(4, bins.size());
    Row z = bins.get(3);
    assertEquals("z", z.getString(z.fieldIndex("outcome")));
    assertEquals(1, z.getInt(z.fieldIndex("seeds")));
    assertTrue(z.isNullAt(z.fieldIndex("mean_se")));
    assertTrue(z.isNullAt(z.fieldIndex("sd_estimate")));
    assertEquals(0, z.getInt(z.fieldIndex("seeds_published")));
    assertTrue(z.isNullAt(z.fieldIndex("coverage_published")));
    List<Row> curves = s.curveTable(spark).collectAsList();
    assertEquals(2, curves.size());
    Row y = curves.get(0);
    assertEquals(0.5, y.getDouble(y.fieldIndex("beyond_reach_rejection")), 1e-12);
    Row one = curves.get(1);
    assertTrue(one.isNullAt(one.fieldIndex("near_exceeds_far")), "a one-bin curve has no near and far");
    assertTrue(one.isNullAt(one.fieldIndex("mean_near_exceeds_far")));
    assertTrue(y.getBoolean(y.fieldIndex("mean_near_exceeds_far")));
    assertTrue(one.isNullAt(one.fieldIndex("beyond_reach_rejection")));
    assertEquals(0, one.getInt(one.fieldIndex("beyond_reach_bins")));
  }

  @Test
  void aSeedMeanCurveThatDoesNotDecay() {
    CurveSummary s = new CurveSummary(null, 10);
    // |first| > |last| in seed 1 only, and the means: first (0.10 - 0.02) / 2 = 0.04, last (0.05 + 0.07) / 2 = 0.06
    s.add(List.of(bin(0, 1000, 0.10, 0.05, 0.0, 0.2, -0.1, 0.3, 0.05, 0.1), bin(1000, 10000, 0.05, 0.05, -0.05, 0.15, -0.1, 0.2, 0.3, 0.0)));
    s.add(List.of(bin(0, 1000, -0.02, 0.05, -0.12, 0.08, -0.2, 0.2, 0.7, 0.1), bin(1000, 10000, 0.07, 0.05, -0.03, 0.17, -0.1, 0.2, 0.2, 0.0)));
    CurveSummary.CurveLine c = s.curves().get(0);
    assertEquals(0.5, c.nearExceedsFar(), 1e-12);
    assertEquals(Boolean.FALSE, c.meanNearExceedsFar());
  }
}
