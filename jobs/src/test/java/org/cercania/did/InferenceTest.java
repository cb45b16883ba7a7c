package org.cercania.did;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** p-values and quantiles against printed tables (normal: 1.959964 -> 0.05, 2.575829 -> 0.01; Student t). */
class InferenceTest {
  @Test
  void normalPValueMatchesTheTable() {
    assertEquals(0.05, Inference.normalPValue(1.959963984540054, 1.0), 1e-12);
    assertEquals(0.05, Inference.normalPValue(-0.1959963984540054, 0.1), 1e-12);
    assertEquals(0.01, Inference.normalPValue(2.5758293035489, 1.0), 1e-11);
    assertEquals(1.0, Inference.normalPValue(0.0, 2.0), 1e-15);
  }

  @Test
  void noPValueWithoutAPositiveStandardError() {
    // a zero or missing SE has no test: NaN, never p = 0 (a certain rejection) or p = 1
    assertTrue(Double.isNaN(Inference.normalPValue(0.3, 0.0)));
    assertTrue(Double.isNaN(Inference.normalPValue(0.0, 0.0)));
    assertTrue(Double.isNaN(Inference.normalPValue(0.3, Double.NaN)));
    assertTrue(Double.isNaN(Inference.pValue(0.3, 0.0, 30)));
  }

  @Test
  void studentTWithClustersMinusOneDegreesOfFreedom() {
    // t tables: t(0.975; 10) = 2.228139, t(0.975; 29) = 2.045230
    assertEquals(2.228138851986, Inference.tQuantile(11, 0.975), 1e-9);
    assertEquals(2.045229642132, Inference.tQuantile(30, 0.975), 1e-9);
    assertEquals(0.05, Inference.pValue(2.045229642132, 1.0, 30), 1e-9);
  }

  @Test
  void studentWithGivenDegreesOfFreedomAndTheNormalWhenInfinite() {
    // t(0.975; 15) = 2.131450, t(0.975; 1) = 12.706205
    assertEquals(2.131449545559, Inference.studentQuantile(15, 0.975), 1e-9);
    assertEquals(12.70620473617, Inference.studentQuantile(1, 0.975), 1e-8);
    assertEquals(Inference.Z95, Inference.studentQuantile(Double.POSITIVE_INFINITY, 0.975), 1e-12);
    assertEquals(0.05, Inference.studentPValue(2.131449545559, 1.0, 15), 1e-9);
    assertEquals(0.05, Inference.studentPValue(-0.1959963984540054, 0.1, Double.POSITIVE_INFINITY), 1e-12);
    assertTrue(Double.isNaN(Inference.studentPValue(0.3, 0.0, 15)));
  }
}
