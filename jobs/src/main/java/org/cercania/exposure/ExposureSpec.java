package org.cercania.exposure;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cercania.geo.YearWindow;

/**
 * What the exposure stage computes: years {@code fromYear..toYear}, ring radii in kilometres and
 * the reference day of the year on which "open" is decided (July 1 unless said otherwise).
 */
public record ExposureSpec(int fromYear, int toYear, List<Double> radiiKm, int referenceMonth, int referenceDay)
    implements Serializable {
  public static final List<Double> DEFAULT_RADII_KM = List.of(1.0, 2.0, 3.0, 5.0, 10.0);

  /** Validates; radii are sorted ascending. Throws IllegalArgumentException with the reason. */
  public ExposureSpec {
    new YearWindow(fromYear, toYear, referenceMonth, referenceDay);
    List<Double> sorted = new ArrayList<>(radiiKm);
    sorted.sort(Double::compare);
    Set<String> labels = new HashSet<>();
    for (Double r : sorted) {
      if (r == null || !(r > 0) || r.isInfinite()) {
        throw new IllegalArgumentException("ring radii must be positive kilometres, got " + radiiKm);
      }
      if (!labels.add(radiusLabel(r))) {
        throw new IllegalArgumentException("ring radius " + radiusLabel(r) + " given twice in " + radiiKm);
      }
    }
    radiiKm = List.copyOf(sorted);
  }

  /** Default rings (1, 2, 3, 5, 10 km) and July 1. */
  public static ExposureSpec of(int fromYear, int toYear) {
    return new ExposureSpec(fromYear, toYear, DEFAULT_RADII_KM, 7, 1);
  }

  public ExposureSpec withRadiiKm(List<Double> radii) {
    return new ExposureSpec(fromYear, toYear, radii, referenceMonth, referenceDay);
  }

  public ExposureSpec withReferenceDay(int month, int day) {
    return new ExposureSpec(fromYear, toYear, radiiKm, month, day);
  }

  public YearWindow window() {
    return new YearWindow(fromYear, toYear, referenceMonth, referenceDay);
  }

  public int years() {
    return toYear - fromYear + 1;
  }

  /** The radii in metres, ascending. */
  public double[] radiiM() {
    return radiiKm.stream().mapToDouble(r -> r * 1000).toArray();
  }

  /** Column label of a radius: 1 -> "1km", 2.5 -> "2p5km", 0.25 -> "0p25km". */
  public static String radiusLabel(double km) {
    return BigDecimal.valueOf(km).stripTrailingZeros().toPlainString().replace('.', 'p') + "km";
  }

  public List<String> radiusLabels() {
    return radiiKm.stream().map(ExposureSpec::radiusLabel).toList();
  }
}
