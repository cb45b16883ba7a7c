package org.cercania.geo;

import java.util.Arrays;

/**
 * What one unit sees, year by year: the nearest open center and how many open centers lie within
 * each ring. Years are indexed 0..years-1 from the window's first year; radii in the order the
 * query was given.
 */
public final class UnitExposure {
  private final YearWindow window;
  final String[] nearestId;
  final double[] nearestDistanceM;
  final int[][] within;
  final long[] everWithinMask;

  UnitExposure(YearWindow window, int radii) {
    this.window = window;
    int years = window.years();
    this.nearestId = new String[years];
    this.nearestDistanceM = new double[years];
    Arrays.fill(nearestDistanceM, Double.NaN);
    this.within = new int[radii][years];
    this.everWithinMask = new long[radii];
  }

  public YearWindow window() {
    return window;
  }

  /** Id of the nearest center open in year {@code fromYear + yearIndex}; null when none is open anywhere. */
  public String nearestId(int yearIndex) {
    return nearestId[yearIndex];
  }

  /** Geodesic distance to {@link #nearestId}, metres; NaN when none is open. */
  public double nearestDistanceM(int yearIndex) {
    return nearestDistanceM[yearIndex];
  }

  /** Open centers within radius {@code radiusIndex} (distance <= radius) in that year. */
  public int within(int radiusIndex, int yearIndex) {
    return within[radiusIndex][yearIndex];
  }

  /** First year of the window with an open center within the radius; 0 when there is none. */
  public int cohortYear(int radiusIndex) {
    long m = everWithinMask[radiusIndex];
    return m == 0 ? 0 : window.fromYear() + Long.numberOfTrailingZeros(m);
  }
}
