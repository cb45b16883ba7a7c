package org.cercania.sample;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Centers and their opening dates: districts drawn with probability proportional to their women
 * (large cities may get several), the more populous ones tending to open first, and the cumulative
 * count by year following the real CEM rollout's anchors (scaled down when fewer centers are asked).
 */
final class CenterRollout {
  /** One center: id, district, location, dates (closedOn may be null), modality (null: drawn when written). */
  record Center(String id, SyntheticCountry.District district, double lon, double lat, LocalDate openedOn, LocalDate closedOn,
      String modality) {
    Center(String id, SyntheticCountry.District district, double lon, double lat, LocalDate openedOn, LocalDate closedOn) {
      this(id, district, lon, lat, openedOn, closedOn, null);
    }
  }

  private CenterRollout() {}

  /** Cumulative number of centers open by the end of each year, from anchors (year to count) linearly interpolated and capped at n. */
  static Map<Integer, Integer> schedule(Map<Integer, Integer> anchors, int n) {
    TreeMap<Integer, Integer> a = new TreeMap<>(anchors);
    Map<Integer, Integer> out = new TreeMap<>();
    int first = a.firstKey();
    for (int y = first; ; y++) {
      int count;
      Map.Entry<Integer, Integer> lo = a.floorEntry(y);
      Map.Entry<Integer, Integer> hi = a.ceilingEntry(y);
      if (hi == null) {
        count = n;
      } else if (lo.getKey().equals(hi.getKey())) {
        count = lo.getValue();
      } else {
        double f = (double) (y - lo.getKey()) / (hi.getKey() - lo.getKey());
        count = (int) Math.round(lo.getValue() + f * (hi.getValue() - lo.getValue()));
      }
      count = Math.min(n, count);
      out.put(y, count);
      if (count >= n) {
        return out;
      }
    }
  }

  static List<Center> generate(SyntheticCountry country, int n, Map<Integer, Integer> anchors, SplittableRandom rnd) {
    List<SyntheticCountry.District> ds = country.districts();
    double total = ds.stream().mapToDouble(SyntheticCountry.District::women).sum();
    // Draw n districts with probability proportional to women (with replacement).
    double[] cum = new double[ds.size()];
    double acc = 0;
    for (int i = 0; i < ds.size(); i++) {
      acc += ds.get(i).women() / total;
      cum[i] = acc;
    }
    record Draw(SyntheticCountry.District d, double priority) {}
    List<Draw> draws = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int i = Arrays.binarySearch(cum, rnd.nextDouble() * acc);
      i = i < 0 ? -i - 1 : i;
      SyntheticCountry.District d = ds.get(Math.min(i, ds.size() - 1));
      draws.add(new Draw(d, Math.log(d.women()) + 1.5 * SyntheticCountry.gaussian(rnd)));
    }
    draws.sort(Comparator.comparingDouble(Draw::priority).reversed());
    Map<Integer, Integer> sched = schedule(anchors, n);
    List<Center> centers = new ArrayList<>();
    int k = 0;
    int previous = 0;
    for (Map.Entry<Integer, Integer> e : sched.entrySet()) {
      int year = e.getKey();
      for (int j = previous; j < e.getValue(); j++) {
        Draw dr = draws.get(k++);
        // Within ~300 m of the town center.
        double lon = dr.d().townLon() + (rnd.nextDouble() - 0.5) * 0.005;
        double lat = dr.d().townLat() + (rnd.nextDouble() - 0.5) * 0.005;
        LocalDate opened = LocalDate.of(year, 1, 1).plusDays(rnd.nextInt(LocalDate.of(year, 1, 1).lengthOfYear()));
        centers.add(new Center(String.format("CEM%04d", k), dr.d(), lon, lat, opened, null));
      }
      previous = e.getValue();
    }
    // A few centers closed for good (about 1 in 80), years after opening.
    List<Center> out = new ArrayList<>();
    for (Center c : centers) {
      LocalDate closed = c.openedOn().plusYears(3 + rnd.nextInt(6)).plusDays(rnd.nextInt(300));
      if (rnd.nextDouble() < 1.0 / 80 && closed.isBefore(LocalDate.of(2023, 1, 1))) {
        out.add(new Center(c.id(), c.district(), c.lon(), c.lat(), c.openedOn(), closed));
      } else {
        out.add(c);
      }
    }
    return out;
  }
}
