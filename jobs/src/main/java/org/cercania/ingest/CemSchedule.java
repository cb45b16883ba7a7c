package org.cercania.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.cercania.errors.CercaniaException;
import org.cercania.errors.Errors;

/**
 * Simulated opening dates for a directory of centers that has none (the MIMP 2026 CEM directory):
 * each year opens as many centers as the known cumulative counts say (linear between the anchor
 * years of cem_rollout_counts.csv, capped at the number of centers), centers drawn in a seeded
 * shuffle, police-station (Comisaria) centers only from {@code policeFrom} on. Dates fall on a
 * seeded day between 1 January and 28 June, so a center always counts as open in its opening year
 * at the 1 July exposure reference date and never lies in the future of the run year.
 */
public final class CemSchedule {
  public static final int POLICE_FROM = 2017;
  private final TreeMap<Integer, Integer> anchors;
  private final long seed;

  public CemSchedule(Map<Integer, Integer> anchors, long seed) {
    if (anchors.isEmpty()) {
      throw Errors.usage("the CEM rollout schedule needs at least one (year, count) anchor");
    }
    this.anchors = new TreeMap<>(anchors);
    this.seed = seed;
  }

  /** Reads the anchors from a CSV with columns year, cem_count (other columns ignored). */
  public static CemSchedule fromCounts(String file, long seed) {
    Map<Integer, Integer> a = new TreeMap<>();
    try {
      List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      List<String> header = List.of(lines.get(0).split(","));
      int y = header.indexOf("year");
      int c = header.indexOf("cem_count");
      if (y < 0 || c < 0) {
        throw Errors.missingColumn(file, y < 0 ? "year" : "cem_count", header);
      }
      for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",", -1);
        a.put(Integer.parseInt(f[y].trim()), Integer.parseInt(f[c].trim()));
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof CercaniaException ce) {
        throw ce;
      }
      throw Errors.inputUnreadable(file, String.valueOf(e.getMessage()), e);
    }
    return new CemSchedule(a, seed);
  }

  /** Cumulative centers open by the end of {@code year}: linear between anchors, capped at {@code total}. */
  int cumulative(int year, int total) {
    Map.Entry<Integer, Integer> lo = anchors.floorEntry(year);
    Map.Entry<Integer, Integer> hi = anchors.ceilingEntry(year);
    double v;
    if (lo == null) {
      v = 0;
    } else if (hi == null || hi.getKey().equals(lo.getKey())) {
      v = lo.getValue();
    } else {
      v = lo.getValue() + (hi.getValue() - lo.getValue()) * (double) (year - lo.getKey()) / (hi.getKey() - lo.getKey());
    }
    return (int) Math.min(total, Math.round(v));
  }

  /**
   * Opening dates for centers given as (row number, is a police-station center), keyed by row number.
   * Slots a year cannot fill (not enough non-police centers before {@link #POLICE_FROM}) move to the
   * next year; centers left after the last anchor year open in that year.
   */
  public Map<Long, LocalDate> openings(Map<Long, Boolean> police) {
    List<Long> rows = new ArrayList<>(police.keySet());
    Collections.sort(rows);
    Collections.shuffle(rows, new Random(seed));
    Deque<Long> regular = new ArrayDeque<>();
    Deque<Long> all = new ArrayDeque<>(rows);
    rows.stream().filter(r -> !police.get(r)).forEach(regular::add);
    Map<Long, LocalDate> out = new TreeMap<>();
    Random days = new Random(seed ^ 0x5DEECE66DL);
    int total = rows.size();
    int last = anchors.lastKey();
    int carried = 0;
    for (int year = anchors.firstKey(); year <= last && out.size() < total; year++) {
      int slots = cumulative(year, total) - cumulative(year - 1, total) + carried;
      if (year == last) {
        slots = total - out.size();
      }
      carried = 0;
      for (int k = 0; k < slots; k++) {
        Long r = next(year < POLICE_FROM ? regular : all, out);
        if (r == null) {
          carried = slots - k;
          break;
        }
        out.put(r, LocalDate.of(year, 1 + days.nextInt(6), 1 + days.nextInt(28)));
      }
    }
    return out;
  }

  private static Long next(Deque<Long> queue, Map<Long, LocalDate> taken) {
    while (!queue.isEmpty()) {
      Long r = queue.poll();
      if (!taken.containsKey(r)) {
        return r;
      }
    }
    return null;
  }

  /** A directory's modality names a police-station center (Comisaría, Comisaria, any case). */
  static boolean isPolice(String modality) {
    return modality != null && modality.toLowerCase(Locale.ROOT).replace('í', 'i').startsWith("comisaria");
  }
}
