package org.cercania.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.cercania.distance.RingDesign;
import org.cercania.distance.RingEstimate;
import org.junit.jupiter.api.Test;

/** The summary's arithmetic on three hand-made seeds. */
class ValidationSummaryTest {
  static RingEstimate seed(double est, double se, double p, double truth) {
    return seed(est, se, p, truth, 12);
  }

  static RingEstimate seed(double est, double se, double p, double truth, long treated) {
    return new RingEstimate("school", "y", "cs", 1, est, se, Double.POSITIVE_INFINITY, 2.0, p, List.of(),
        new RingEstimate.Counts(30, treated, 5, 3), truth);
  }

  @Test
  void biasCalibrationCoverageAndRejection() {
    ValidationSummary s = new ValidationSummary(new RingDesign(List.of(0.0, 1.0, 2.0), 10.0), 10);
    s.add(List.of(seed(1.0, 0.5, 0.04, 1.5)));      // interval [0, 2] covers 1.5; rejects
    s.add(List.of(seed(2.0, 0.25, 0.01, 1.0, 9)));  // [1.5, 2.5] misses 1.0; rejects; 9 treated units: not published
    s.add(List.of(seed(3.0, 0.75, 0.20, 2.0)));     // [1.5, 4.5] covers 2.0
    ValidationSummary.Line l = s.lines().get(0);
    assertEquals(3, l.seeds());
    assertEquals(1000.0, l.lowerM());
    assertEquals(2000.0, l.upperM());
    assertEquals(1.5, l.truth(), 1e-12);
    assertEquals((-0.5 + 1.0 + 1.0) / 3, l.bias(), 1e-12);
    assertEquals(0.5, l.meanSe(), 1e-12);
    assertEquals(1.0, l.sdEstimate(), 1e-12); // SD of 1, 2, 3
    assertEquals(2.0 / 3, l.coverage(), 1e-12);
    assertEquals(2.0 / 3, l.rejection(), 1e-12);
    assertEquals(2, l.seedsPublished());
    assertEquals(1.0, l.coveragePublished(), 1e-12);
    assertEquals(0.5, l.rejectionPublished(), 1e-12);
  }
}
