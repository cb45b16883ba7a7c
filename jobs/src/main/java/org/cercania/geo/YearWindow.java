package org.cercania.geo;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.MonthDay;

/**
 * Years {@code fromYear..toYear} and the reference day that decides whether a center is open in a
 * year: open in year t when it opened on or before the reference date of t and had not closed by
 * then ({@code closed_on} empty or after the reference date). At most 64 years, so a center's open
 * years fit one {@code long} bit mask (bit i = year fromYear + i).
 */
public record YearWindow(int fromYear, int toYear, int referenceMonth, int referenceDay) implements Serializable {
  public static final int MAX_YEARS = 64;

  public YearWindow {
    if (toYear < fromYear) {
      throw new IllegalArgumentException("toYear " + toYear + " is before fromYear " + fromYear);
    }
    if (toYear - fromYear + 1 > MAX_YEARS) {
      throw new IllegalArgumentException("at most " + MAX_YEARS + " years, got " + fromYear + ".." + toYear);
    }
    MonthDay.of(referenceMonth, referenceDay); // throws DateTimeException on 2-30 and the like
  }

  /** July 1 as the reference day. */
  public static YearWindow of(int fromYear, int toYear) {
    return new YearWindow(fromYear, toYear, 7, 1);
  }

  public int years() {
    return toYear - fromYear + 1;
  }

  /** The reference date of {@code year} (February 29 becomes February 28 in common years). */
  public LocalDate referenceDate(int year) {
    return MonthDay.of(referenceMonth, referenceDay).atYear(year);
  }

  /** Whether a center with these dates (epoch days; closed null = still open) is open in {@code year}. */
  public boolean isOpen(long openedOnEpochDay, Long closedOnEpochDay, int year) {
    long ref = referenceDate(year).toEpochDay();
    return openedOnEpochDay <= ref && (closedOnEpochDay == null || closedOnEpochDay > ref);
  }

  /** Bit i set when the center is open in year fromYear + i. */
  public long openMask(long openedOnEpochDay, Long closedOnEpochDay) {
    long mask = 0;
    for (int i = 0; i < years(); i++) {
      if (isOpen(openedOnEpochDay, closedOnEpochDay, fromYear + i)) {
        mask |= 1L << i;
      }
    }
    return mask;
  }
}
